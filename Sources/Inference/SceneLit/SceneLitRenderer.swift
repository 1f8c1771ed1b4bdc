import Foundation
import ImageCore
import ShotSpec

/// Ray casts frames of one shot against a stored lighting solve. Each pixel is a pure function of
/// the shot, the lighting artifact and the frame number, so any chunk on any node gets the same bits.
struct SceneLitRenderer: Sendable {
    /// Everything that varies within a frame's shutter: camera and object positions.
    struct Instant: Sendable {
        var origin: SIMD3<Float>
        var forward: SIMD3<Float>
        var right: SIMD3<Float>
        var up: SIMD3<Float>
        var geometry: SceneGeometry
    }

    let spec: ShotSpec
    let params: SceneLitParams
    let scene: SceneLitScene
    let lighting: SceneLitLighting
    let sh: SHIrradianceTable
    let reflection: LatLongMap
    let background: LatLongMap
    let sunDirection: SIMD3<Float>
    let sunIrradiance: SIMD3<Float>
    /// Radiance drawn for the visible sun disc (capped so half-float plates stay finite).
    let sunDiscRadiance: SIMD3<Float>
    let sunCosRadius: Float
    /// Per primitive: grid index for each face value, or −1 (dynamic objects have no patches).
    let gridOf: [[Int]]
    let groundGrid: Int
    let physics: RigidBodySimulation

    /// Largest value written: half float tops out at 65504.
    static let maxRadiance: Float = 60000

    init(spec: ShotSpec, params: SceneLitParams, scene: SceneLitScene, lighting: SceneLitLighting, environment: SceneLitEnvironment) {
        self.spec = spec
        self.params = params
        self.scene = scene
        self.lighting = lighting
        sh = SHIrradianceTable(SphericalHarmonics9(coefficients: lighting.sphericalHarmonics))
        reflection = LatLongMap(width: lighting.reflectionWidth, height: lighting.reflectionHeight, rgb: lighting.reflection)
        let width = min(2048, max(256, spec.resolution.width * 2))
        background = environment.map(width: width, height: width / 2)
        sunDirection = SIMD3(lighting.sunDirection[0], lighting.sunDirection[1], lighting.sunDirection[2])
        sunIrradiance = SIMD3(lighting.sunIrradiance[0], lighting.sunIrradiance[1], lighting.sunIrradiance[2])
        let radius = Float(PreethamSky.sunAngularRadius)
        let disc = sunIrradiance / (Float.pi * radius * radius)
        sunDiscRadiance = disc.max() > 20000 ? disc * (20000 / disc.max()) : disc
        sunCosRadius = cosf(radius)
        var gridOf = [[Int]](repeating: [-1, -1, -1, -1, -1, -1], count: scene.geometry.primitives.count)
        var ground = -1
        for (index, g) in lighting.grids.enumerated() {
            if g.owner < 0 { ground = index } else if g.owner < gridOf.count { gridOf[g.owner][g.face] = index }
        }
        self.gridOf = gridOf
        groundGrid = ground
        physics = RigidBodySimulation(spec: spec)
    }

    /// Shot frame numbers (fractional) sampled within the shutter of `frame`.
    func shutterFrames(_ frame: Int) -> [Double] {
        let n = spec.camera.shutterAngle > 0 ? params.motionBlurSamples : 1
        guard n > 1 else { return [Double(frame)] }
        let open = spec.camera.shutterAngle / 360
        return (0..<n).map { Double(frame) + (Double($0) / Double(n - 1) - 0.5) * open }
    }

    /// Seconds from the shot's first frame.
    func seconds(_ frame: Double) -> Double {
        (frame - Double(spec.frames.first)) * Double(spec.fps.denominator) / Double(spec.fps.numerator)
    }

    /// Camera and object state at each sub-frame of each frame, physics run once for all of them.
    func instants(frames: [Int]) -> [[Instant]] {
        let subframes = frames.map(shutterFrames)
        let positions = physics.positions(atSeconds: subframes.flatMap { $0.map(seconds) })
        var cursor = 0
        return subframes.map { subs in
            subs.map { f in
                let camera = SceneLitCamera.at(spec.camera, frame: f)
                let (forward, right, up) = camera.basis
                let aspect = Double(spec.resolution.height) / Double(spec.resolution.width)
                var geometry = scene.geometry
                for (i, p) in positions[cursor].enumerated() where !geometry.primitives[i].isStatic {
                    geometry.primitives[i].center = SIMD3<Float>(p)
                }
                cursor += 1
                return Instant(
                    origin: SIMD3<Float>(camera.position), forward: SIMD3<Float>(forward),
                    right: SIMD3<Float>(right * camera.tanHalfWidth), up: SIMD3<Float>(up * camera.tanHalfWidth * aspect),
                    geometry: geometry
                )
            }
        }
    }

    /// Renders one frame from its precomputed instants.
    func render(_ instants: [Instant]) -> RGBAImage {
        let width = spec.resolution.width, height = spec.resolution.height
        var image = RGBAImage(width: width, height: height)
        let n = params.samples
        let offsets: [SIMD2<Float>] = (0..<n).map { i in
            n == 1 ? SIMD2(0.5, 0.5) : SIMD2((Float(i) + 0.5) / Float(n), (0.5 + Float(i) * 0.618034).truncatingRemainder(dividingBy: 1))
        }
        let weight = 1 / Float(n * instants.count)
        let invW = 2 / Float(width), invH = 2 / Float(height)
        image.pixels.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            parallelBands(count: height) { rows in
                for y in rows {
                    for x in 0..<width {
                        var sum = SIMD3<Float>.zero
                        for instant in instants {
                            for o in offsets {
                                let sx = (Float(x) + o.x) * invW - 1
                                let sy = 1 - (Float(y) + o.y) * invH
                                var d = instant.forward + instant.right * sx + instant.up * sy
                                d /= (d * d).sum().squareRoot()
                                sum += shade(instant.origin, d, instant.geometry)
                            }
                        }
                        let c = pointwiseMin(sum * weight, SIMD3(repeating: Self.maxRadiance))
                        let i = (y * width + x) * 4
                        base[i] = c.x
                        base[i + 1] = c.y
                        base[i + 2] = c.z
                        base[i + 3] = 1
                    }
                }
            }
        }
        return image
    }

    /// Radiance along one camera ray.
    @inline(__always)
    func shade(_ o: SIMD3<Float>, _ d: SIMD3<Float>, _ geometry: SceneGeometry) -> SIMD3<Float> {
        guard let hit = geometry.intersect(o, d) else {
            var l = background.lookup(d)
            if (d * sunDirection).sum() >= sunCosRadius { l += sunDiscRadiance }
            return l
        }
        let p = o + d * hit.t
        var n = hit.normal
        if (n * d).sum() > 0 { n = -n }
        let surface = scene.surfaces[hit.primitive < 0 ? 0 : geometry.primitives[hit.primitive].surface]
        let v = -d
        let nv = max((n * v).sum(), 1e-4)

        // Sun, shadowed by everything in the frame (dynamic objects included).
        var sunLight = SIMD3<Float>.zero
        let nl = (n * sunDirection).sum()
        if nl > 0, sunIrradiance.max() > 0, !geometry.occluded(p + n * 1e-3, sunDirection) {
            sunLight = sunIrradiance * nl
        }
        let indirect = indirectIrradiance(hit, point: p, normal: n, geometry: geometry)

        let albedo = surface.albedo, metallic = surface.metallic, rough = surface.roughness
        let f0 = SIMD3<Float>(repeating: 0.04) * (1 - metallic) + albedo * metallic
        let grazing = powf(1 - nv, 5)
        let fresnel = f0 + (pointwiseMax(SIMD3(repeating: 1 - rough), f0) - f0) * grazing
        let diffuse = albedo * (1 - metallic) * (SIMD3(repeating: 1) - fresnel) / Float.pi * (sunLight + indirect)

        let r = d - n * (2 * (d * n).sum())
        let glossy = rough * rough
        let environment = reflection.lookup(r) * (1 - glossy) + sh.irradiance(r) * (glossy / Float.pi)
        var specular = fresnel * environment
        if sunLight.max() > 0 {
            // GGX with Schlick–Smith visibility for the sun's highlight.
            let alpha = max(glossy, 1e-2)
            var h = sunDirection + v
            h /= (h * h).sum().squareRoot()
            let nh = max((n * h).sum(), 0)
            let denom = nh * nh * (alpha * alpha - 1) + 1
            let distribution = alpha * alpha / (Float.pi * denom * denom)
            let k = alpha / 2
            let visibility = 1 / (4 * (nl * (1 - k) + k) * (nv * (1 - k) + k))
            let vh = max((v * h).sum(), 0)
            let fs = f0 + (SIMD3(repeating: 1) - f0) * powf(1 - vh, 5)
            specular += fs * (distribution * visibility) * sunLight
        }
        return diffuse + specular + surface.emission
    }

    /// Diffuse light other than the sun: the radiosity patches for static surfaces, SH for the rest.
    @inline(__always)
    func indirectIrradiance(_ hit: RayHit, point: SIMD3<Float>, normal: SIMD3<Float>, geometry: SceneGeometry) -> SIMD3<Float> {
        let grids = lighting.grids
        return lighting.irradiance.withUnsafeBufferPointer { values -> SIMD3<Float> in
            if hit.primitive < 0 {
                guard groundGrid >= 0, normal.y > 0 else { return sh.irradiance(normal) }
                let g = grids[groundGrid]
                let u = (point.x - g.origin[0]) / g.size, v = (point.z - g.origin[1]) / g.size
                return PatchMapping.sample(values, g, u: u, v: v, wrapU: false)
            }
            let prim = geometry.primitives[hit.primitive]
            guard prim.isStatic else { return sh.irradiance(normal) }
            let (face, u, v) = PatchMapping.locate(prim, point: point, normal: hit.normal)
            let index = gridOf[hit.primitive][face]
            guard index >= 0 else { return sh.irradiance(normal) }
            let wrap = prim.kind == .sphere || (prim.kind == .cylinder && face == 0)
            return PatchMapping.sample(values, grids[index], u: u, v: v, wrapU: wrap)
        }
    }
}
