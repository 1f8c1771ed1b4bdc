import Foundation
import ImageCore
import ShotSpec

/// `scenelit`: the built-in physically based scene renderer (analytic sky or HDRI, SH + radiosity
/// lighting solved once per scene, ray-cast frames, rigid-body motion). Not a neural network.
public struct SceneLitGenerator: Generator {
    public static let name = "scenelit"
    /// Part of every lighting id: bump when the solve or its artifact format changes.
    public static let version = "1.4.0"

    public init() {}

    public var capabilities: GeneratorCapabilities {
        GeneratorCapabilities(name: Self.name, version: Self.version, deterministic: true, conditioningFrames: 0, maxFramesPerCall: 1_000_000)
    }

    public func validate(_ spec: ShotSpec) throws(GeneratorError) {
        _ = try Self.params(spec)
        try Self.checkPhysicsCost(spec)
        let config = try SceneLitScene.colorConfig(spec)
        let scene = try SceneLitScene(spec: spec, config: config)
        try Self.checkLightingCost(scene, params: Self.params(spec))
        if case .hdri(let hdri) = spec.environment { _ = try SceneLitHDRI.load(hdri, config: config) }
    }

    /// Refuses a scene whose motion could cost more than `RigidBodySimulation.maxPairTests`
    /// to integrate up to the shot's last frame (with the shutter's half frame after it).
    static func checkPhysicsCost(_ spec: ShotSpec) throws(GeneratorError) {
        let dynamic = spec.objects.filter(\.dynamic).count
        let seconds = (Double(spec.frames.count) - 0.5) * Double(spec.fps.denominator) / Double(spec.fps.numerator)
        let cost = RigidBodySimulation.worstCasePairTests(dynamic: dynamic, objects: spec.objects.count, seconds: seconds)
        guard cost <= RigidBodySimulation.maxPairTests else {
            throw .invalidInput(SpecError(path: "shot.objects", reason: String(
                format: "%d dynamic objects among %d over %.1f s of shot could cost %.2g pair tests in the physics simulation "
                    + "(every 1/240 s step at its %d substeps), more than the %.0g allowed: make fewer objects dynamic or the shot shorter",
                dynamic, spec.objects.count, seconds, cost, RigidBodySimulation.maxSubsteps, RigidBodySimulation.maxPairTests
            )))
        }
    }

    /// The most radiosity patches a scene may have. The solve holds an n × n Float form-factor
    /// matrix and an n × n Double system (1.2 GB at this bound), casts n²/2 visibility rays and
    /// factors the system in O(n³), about a minute at this bound on one core; a scene of many
    /// static objects with fine `gi_object_patches` would otherwise ask for terabytes.
    static let maxPatches = 10_000

    /// Refuses a scene whose lighting solve would need more than `maxPatches` patches, naming
    /// the parameters that set the count.
    static func checkLightingCost(_ scene: SceneLitScene, params: SceneLitParams) throws(GeneratorError) {
        let grids = PatchMapping.layout(geometry: scene.geometry, groundPatches: params.giGroundPatches, objectPatches: params.giObjectPatches, groundSize: nil)
        let count = grids.reduce(0) { $0 + $1.nu * $1.nv }
        guard count <= maxPatches else {
            throw .invalidInput(SpecError(path: "shot.generator.params", reason:
                "the lighting solve would need \(count) patches (gi_ground_patches \(params.giGroundPatches)², gi_object_patches \(params.giObjectPatches) "
                + "on each of \(scene.geometry.primitives.filter(\.isStatic).count) static objects), more than the \(maxPatches) allowed: lower gi_object_patches "
                + "or gi_ground_patches, or make fewer objects static"))
        }
    }

    static func params(_ spec: ShotSpec) throws(GeneratorError) -> SceneLitParams {
        do { return try SceneLitParams.parse(spec.generator.params) } catch { throw .invalidInput(error) }
    }

    public func prepare(_ spec: ShotSpec, storageRoot: URL, cancellation: CancellationFlag) throws(GeneratorError) -> LightingArtifact {
        try solveLighting(spec, storageRoot: storageRoot, cancellation: cancellation).artifact
    }

    /// Finds the scene's lighting artifact under `storageRoot`, solving and storing it only if absent.
    /// `solved` says whether this call ran the solve.
    public func solveLighting(_ spec: ShotSpec, storageRoot: URL, cancellation: CancellationFlag) throws(GeneratorError) -> (artifact: LightingArtifact, solved: Bool) {
        let params = try Self.params(spec)
        let config = try SceneLitScene.colorConfig(spec)
        let id = try Self.lightingID(spec, params: params, configSource: config.source)
        let url = SceneLitLighting.url(id: id, storageRoot: storageRoot)
        if FileManager.default.fileExists(atPath: url.path) { return (LightingArtifact(id: id, url: url), false) }

        let started = Date()
        let scene = try SceneLitScene(spec: spec, config: config)
        try Self.checkLightingCost(scene, params: params)
        let environment = try SceneLitEnvironment(spec: spec, config: config, groundAlbedo: scene.surfaces[0].meanAlbedo)
        let sh = SphericalHarmonics9.project { environment.radiance($0) }
        let reflection = environment.map(width: 64, height: 32)
        let grids = PatchMapping.layout(geometry: scene.geometry, groundPatches: params.giGroundPatches, objectPatches: params.giObjectPatches, groundSize: params.giGroundSize.map(Float.init))
        let irradiance = try RadiositySolve(
            grids: grids, geometry: scene.geometry, surfaces: scene.surfaces, environment: environment, skySamples: params.giSkySamples,
            lights: scene.lights
        ).run(cancellation: cancellation)
        let lighting = SceneLitLighting(
            id: id, generatorVersion: Self.version, sphericalHarmonics: sh.coefficients,
            sunDirection: Self.floats(environment.sunDirection), sunIrradiance: Self.floats(environment.sunIrradiance),
            reflectionWidth: reflection.width, reflectionHeight: reflection.height, reflection: reflection.rgb,
            grids: grids, irradiance: irradiance, patchCount: irradiance.count / 3,
            solveSeconds: Date().timeIntervalSince(started)
        )
        try cancellation.check()
        try lighting.write(to: url)
        return (LightingArtifact(id: id, url: url), true)
    }

    /// SHA-256 of everything that changes the lighting: environment, ground, static objects and
    /// their materials, the GI params, the OCIO config and the generator version. Not the camera,
    /// frames, dynamic objects or names.
    public static func lightingID(_ spec: ShotSpec, params: SceneLitParams, configSource: String) throws(GeneratorError) -> String {
        var text = "scenelit \(version)\nocio \(configSource)\ngi \(params.lightingKey)\n"
        switch spec.environment {
        case .sky(let sky):
            text += "sky \(sky.sun) turbidity \(sky.turbidity) intensity \(sky.intensity) sun \(sky.sunEnabled)\n"
        case .hdri(let hdri):
            text += "hdri \(SHA256Digest.hex(of: try SceneLitHDRI.contents(path: hdri.path))) rotation \(hdri.rotation) exposure \(hdri.exposure) colorspace \(hdri.colorspace)\n"
        case .uniform(let radiance):
            text += "uniform \(radiance)\n"
        }
        let g = spec.ground
        text += "ground \(g.enabled) \(g.height) \(try material(g.material, path: "shot.ground.material"))\n"
        for (i, object) in spec.objects.enumerated() where !object.dynamic {
            text += "static \(object.shape) \(object.position) \(try material(object.material, path: "shot.objects[\(i)].material"))\n"
        }
        for light in spec.lights {
            text += "light \(light.kind) \(light.position) \(light.color) \(light.power)\n"
        }
        return SHA256Digest.hex(of: text)
    }

    private static func floats(_ v: SIMD3<Double>) -> [Float] { [Float(v.x), Float(v.y), Float(v.z)] }

    private static func material(_ m: MaterialSpec, path: String) throws(GeneratorError) -> String {
        var text = "\(m.baseColor) \(m.colorspace) \(m.roughness) \(m.metallic) \(m.emission) \(m.emissionStrength)"
            + (m.checkerSize > 0 ? " checker \(m.checkerSize) \(m.checkerColor)" : "")
            + (m.tileGrout > 0 ? " grout \(m.tileGrout)" : "")
            + (m.noise == .value ? " noise" : m.noise == .perlin ? " noise perlin" : "")
            + (m.transmission > 0 ? " transmission \(m.transmission) \(m.ior) \(m.tint)" : "")
        if let t = m.texture {
            // The solve sees the image's mean albedo: its content, not its name, enters the id.
            text += " texture \(SHA256Digest.hex(of: try ImageTexture.contents(t, field: "\(path).texture"))) \(t.colorspace)"
        }
        return text
    }

    public func generate(_ request: GenerationRequest, cancellation: CancellationFlag, emit: (Int, RGBAImage) throws -> Void) throws {
        let renderer = try Self.renderer(request.spec, lighting: request.lighting)
        // Physics runs once over the request: each batch continues the simulation where the one
        // before stopped (RigidBodyResumePoint); a frame's state is still a function of its time alone.
        let frames = Array(request.frames)
        let batch = 32
        var start = 0
        while start < frames.count {
            let slice = Array(frames[start..<min(frames.count, start + batch)])
            let instants = renderer.instants(frames: slice)
            for (frame, states) in zip(slice, instants) {
                try cancellation.check()
                try emit(frame, renderer.frame(frame, states))
            }
            start += batch
        }
    }

    static func renderer(_ spec: ShotSpec, lighting artifact: LightingArtifact) throws(GeneratorError) -> SceneLitRenderer {
        guard let url = artifact.url else {
            throw .failed("scenelit needs its lighting artifact; call prepare for the scene before generate")
        }
        let params = try params(spec)
        let config = try SceneLitScene.colorConfig(spec)
        let lighting = try SceneLitLighting.load(id: artifact.id, url: url)
        let scene = try SceneLitScene(spec: spec, config: config)
        let environment = try SceneLitEnvironment(spec: spec, config: config, groundAlbedo: scene.surfaces[0].meanAlbedo)
        return SceneLitRenderer(spec: spec, params: params, scene: scene, lighting: lighting, environment: environment)
    }
}
