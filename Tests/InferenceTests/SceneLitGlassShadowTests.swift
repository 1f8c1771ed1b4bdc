import Foundation
import ImageCore
import Inference
import ShotSpec
import Testing

/// Shadows of glass (sun, lamps, area lights): light through a clear slab arrives dimmed by the Fresnel transmittance of its
/// two interfaces, (1 − R)² with R = ((n − 1)/(n + 1))² at normal incidence (Born & Wolf §1.5.3;
/// n = 1.5: R = 0.04, 92.16 %), and a tinted slab multiplies that by its tint.
@Suite struct SceneLitGlassShadowTests {
    /// The ground point straight below the slab, at the centre of a 32×18 frame from a low
    /// camera that sees it under the slab (its ray passes below the glass), lit by `light` (the
    /// spec's environment and lights).
    static func groundUnderSlab(slab: String?, light: String, root: URL) throws -> SIMD3<Float> {
        let spec = try SceneLitTestSupport.spec(frames: "{first: 1001, count: 1}", width: 32, height: 18, body: """
            camera: {position: [0, 0.4, 3], target: [0, 0, 0]}
            \(light)
            ground: {material: {base_color: [0.5, 0.5, 0.5], colorspace: ACEScg, roughness: 1}}
            objects:
            \(slab.map { "  - {name: slab, shape: box, position: [0, 1.025, 0], size: [3, 0.05, 3], material: \($0)}" } ?? "  []")
            """)
        let image = try #require(try SceneLitTestSupport.render(spec, frames: 1001...1001, root: root)[1001])
        var sum = SIMD3<Float>.zero
        for y in 8...9 {
            for x in 15...16 { sum += SIMD3(image[x, y].x, image[x, y].y, image[x, y].z) }
        }
        return sum / 4
    }

    /// The zenith sun, on or off, in a clear sky.
    static func sun(_ on: Bool) -> String { "environment: {sky: {sun_elevation: 90, sun_azimuth: 0, turbidity: 3, sun: \(on)}}" }

    /// The direct sun on the ground below `slab` over the direct sun in the open. Turning the sun
    /// off leaves the sky as it is, so a difference sun on − off is the sun's light alone; part of
    /// it reaches the ground whatever stands above (the sun in the environment the ground's
    /// glossy reflection reads, which no object occludes), so the difference below a black slab
    /// (which stops the direct sun and reflects nothing) is taken off both.
    static func sunThrough(_ slab: String, root: URL) throws -> SIMD3<Float> {
        func sunShare(_ slab: String?) throws -> SIMD3<Float> {
            try groundUnderSlab(slab: slab, light: sun(true), root: root) - groundUnderSlab(slab: slab, light: sun(false), root: root)
        }
        let unshadowed = try sunShare("{base_color: [0, 0, 0], colorspace: ACEScg}")
        return try (sunShare(slab) - unshadowed) / (sunShare(nil) - unshadowed)
    }

    @Test func sunThroughAClearSlabIsTheFresnelTransmittanceOfItsTwoFaces() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let r = Float(((1.5 - 1) / (1.5 + 1)) * ((1.5 - 1) / (1.5 + 1)))
        let expected = (1 - r) * (1 - r)
        let ratio = try Self.sunThrough("{transmission: 1, ior: 1.5}", root: root)
        for c in 0..<3 { #expect(abs(ratio[c] - expected) < 0.01 * expected, "channel \(c): \(ratio[c]) of the open sun, expected \(expected)") }
        // At n = 1 there is no interface to reflect at: the slab passes all the sun.
        let index1 = try Self.sunThrough("{transmission: 1, ior: 1}", root: root)
        for c in 0..<3 { #expect(abs(index1[c] - 1) < 0.01, "n = 1, channel \(c): \(index1[c])") }
    }

    @Test func lampsAndAreaLightsThroughAClearSlabPassTheFresnelTransmittance() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let expected: Float = (1 - 0.04) * (1 - 0.04)
        // A point lamp 2 m straight above (normal incidence), and a small panel there facing
        // down (within 6° of the normal over its extent, where 1 − R stays within 0.01 % of 0.96).
        for lamp in [
            "{name: bulb, type: point, position: [0, 2, 0], lumens: 2000}",
            "{name: panel, type: area, position: [0, 2, 0], direction: [0, -1, 0], size: [0.2, 0.2], nits: 20000, samples: 16}",
        ] {
            // A black sky: the lamp is the only light.
            let light = "environment: {uniform: {radiance: [0, 0, 0]}}\nlights: [\(lamp)]"
            let glass = try Self.groundUnderSlab(slab: "{transmission: 1, ior: 1.5, tint: [0.5, 1, 1], colorspace: ACEScg}", light: light, root: root)
            let open = try Self.groundUnderSlab(slab: nil, light: light, root: root)
            let ratio = glass / open
            #expect(abs(ratio.x - expected * 0.5) < 0.01 * expected * 0.5, "\(lamp): red \(ratio.x)")
            #expect(abs(ratio.y - expected) < 0.01 * expected, "\(lamp): green \(ratio.y)")
            #expect(abs(ratio.z - expected) < 0.01 * expected, "\(lamp): blue \(ratio.z)")
        }
    }

    @Test func sunThroughATintedSlabIsMultipliedByTheTint() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let tint = SIMD3<Float>(0.2, 0.6, 0.9)
        let r: Float = 0.04
        let ratio = try Self.sunThrough("{transmission: 1, ior: 1.5, tint: [0.2, 0.6, 0.9], colorspace: ACEScg}", root: root)
        for c in 0..<3 {
            let expected = (1 - r) * (1 - r) * tint[c]
            #expect(abs(ratio[c] - expected) < 0.01 * expected, "channel \(c): \(ratio[c]), expected \(expected)")
        }
    }
}
