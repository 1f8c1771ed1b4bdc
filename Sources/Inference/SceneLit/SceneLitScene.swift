import Color
import Foundation
import ImageCore
import ShotSpec

/// The shot's ground and objects as renderable geometry with ACEScg surfaces.
struct SceneLitScene: Sendable {
    /// Surface 0 is the ground; surface i + 1 is object i.
    var surfaces: [SceneSurface]
    /// Geometry at t = 0 (primitive i is object i).
    var geometry: SceneGeometry
    /// `shot.lights` in scene units.
    var lights: [SceneLight]
    /// Image textures, indexed by `SceneSurface.textureIndex`.
    var textures: [ImageTexture]

    init(spec: ShotSpec, config: ColorConfig) throws(GeneratorError) {
        var processors: [String: ColorProcessor] = [:]
        var textures: [ImageTexture] = []
        func surface(_ material: MaterialSpec, path: String) throws(GeneratorError) -> SceneSurface {
            let processor: ColorProcessor
            if let cached = processors[material.colorspace] {
                processor = cached
            } else {
                do {
                    processor = try config.processor(from: material.colorspace, to: "ACEScg")
                } catch {
                    throw .invalidInput(SpecError(path: "\(path).colorspace", reason: error.description))
                }
                processors[material.colorspace] = processor
            }
            var image = RGBAImage(width: 4, height: 1, pixels: [
                Float(material.baseColor.x), Float(material.baseColor.y), Float(material.baseColor.z), 1,
                Float(material.emission.x), Float(material.emission.y), Float(material.emission.z), 1,
                Float(material.checkerColor.x), Float(material.checkerColor.y), Float(material.checkerColor.z), 1,
                Float(material.tint.x), Float(material.tint.y), Float(material.tint.z), 1,
            ])
            do { try processor.apply(&image) } catch { throw .failed("\(path): \(error.description)") }
            let albedo = pointwiseMax(SIMD3(image.pixels[0], image.pixels[1], image.pixels[2]), .zero)
            let emission = pointwiseMax(SIMD3(image.pixels[4], image.pixels[5], image.pixels[6]), .zero)
            let albedo2 = pointwiseMin(pointwiseMax(SIMD3(image.pixels[8], image.pixels[9], image.pixels[10]), .zero), SIMD3(repeating: 0.999))
            var surface = SceneSurface(
                // Albedo above 1 would create energy in the radiosity solve.
                albedo: pointwiseMin(albedo, SIMD3(repeating: 0.999)), roughness: Float(material.roughness),
                metallic: Float(material.metallic), emission: emission * Float(material.emissionStrength)
            )
            if material.checkerSize > 0 {
                surface.checkerSize = Float(material.checkerSize)
                surface.tileGrout = Float(material.tileGrout)
                surface.noise = material.noise
                surface.albedo2 = albedo2
            }
            if let spec = material.texture {
                let texture = try ImageTexture.load(spec, config: config, field: "\(path).texture")
                // Everything that does not sample the image (the lighting solve, one-bounce rays)
                // sees its mean.
                surface.albedo = texture.mean
                surface.textureIndex = textures.count
                surface.textureScale = Float(spec.scale)
                textures.append(texture)
            }
            if material.transmission > 0 {
                surface.transmission = Float(material.transmission)
                surface.ior = Float(material.ior)
                // Clamped: white in a display space can land a hair above 1 in ACEScg.
                surface.tint = pointwiseMin(pointwiseMax(SIMD3(image.pixels[12], image.pixels[13], image.pixels[14]), .zero), SIMD3(repeating: 1))
            }
            return surface
        }
        var surfaces = [try surface(spec.ground.material, path: "shot.ground.material")]
        var primitives: [Primitive] = []
        for (i, object) in spec.objects.enumerated() {
            surfaces.append(try surface(object.material, path: "shot.objects[\(i)].material"))
            let center = SIMD3<Float>(object.position)
            let prim: Primitive
            switch object.shape {
            case .sphere(let r):
                prim = Primitive(kind: .sphere, center: center, half: SIMD3(repeating: Float(r)), surface: i + 1, isStatic: !object.dynamic)
            case .box(let size):
                prim = Primitive(kind: .box, center: center, half: SIMD3<Float>(size / 2), surface: i + 1, isStatic: !object.dynamic)
            case .cylinder(let r, let h):
                prim = Primitive(kind: .cylinder, center: center, half: SIMD3(Float(r), Float(h / 2), Float(r)), surface: i + 1, isStatic: !object.dynamic)
            }
            primitives.append(prim)
        }
        var lights: [SceneLight] = []
        for (i, light) in spec.lights.enumerated() {
            var rgb: SIMD3<Double>?
            if case .rgb(let c, let colorspace) = light.color {
                var material = MaterialSpec.default
                material.colorspace = colorspace
                material.emission = c
                material.emissionStrength = 1
                let converted = try surface(material, path: "shot.lights[\(i)]")
                rgb = SIMD3<Double>(converted.emission)
            }
            lights.append(SceneLight(light, acescg: rgb))
        }
        self.lights = lights
        self.textures = textures
        self.surfaces = surfaces
        geometry = SceneGeometry(groundEnabled: spec.ground.enabled, groundHeight: Float(spec.ground.height), primitives: primitives)
    }

    /// The OCIO config a shot uses (loaded once per process), with errors worded for the shot.
    /// Jobs hand generators the config already resolved (CLI --ocio, or the spec's path made absolute).
    static func colorConfig(_ spec: ShotSpec) throws(GeneratorError) -> ColorConfig {
        do {
            return try ColorConfig.shared(explicit: spec.output.ocioConfig)
        } catch {
            throw .invalidInput(SpecError(path: "shot.output.ocio_config", reason: error.description))
        }
    }
}
