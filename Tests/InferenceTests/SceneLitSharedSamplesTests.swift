import Foundation
import ImageCore
import Inference
import ShotSpec
import Testing

/// With several camera samples per pixel, the samples share the area lights' shadow rays and
/// the glossy lobe's rays instead of each casting all of them: the same physics must still come
/// out of a pixel (Lambert's law for the light, energy kept by the lobe).
@Suite struct SceneLitSharedSamplesTests {
    /// The centre pixel of a 33×33 frame looking straight down at a white floor under `light`,
    /// with `samples` camera samples per pixel, through a long lens so a pixel covers 3 cm (the
    /// illuminance varies by under 0.1 % across it).
    static func floorCentre(_ light: String, samples: Int) throws -> SIMD4<Float> {
        let spec = try SceneLitTestSupport.spec(
            frames: "{first: 1001, count: 1}", width: 33, height: 33, params: "{samples: \(samples), gi_ground_patches: 4, gi_sky_samples: 8}", body: """
            camera: {position: [0, 10, 0], target: [0, 0, 0], focal_length_mm: 360, sensor_width_mm: 36}
            environment: {uniform: {radiance: [0, 0, 0]}}
            ground: {material: {base_color: [1, 1, 1], roughness: 1}}
            lights:
              - \(light)
            """)
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        return try #require(try SceneLitTestSupport.render(spec, frames: 1001...1001, root: root)[1001])[16, 16]
    }

    @Test func anAreaLightSharedAmongEightSamplesStillMatchesAPointOfTheSameIntensity() throws {
        // Lambert: a rectangle of luminance L and area A has on-axis intensity I = L·A, so from far
        // away it lights like a point of flux 4π·L·A. Each of the 8 samples casts 2 of the 16
        // shadow rays; together they must still integrate the whole rectangle.
        let nits: Float = 50_000, side: Float = 0.1, d: Float = 3
        let area = try Self.floorCentre("{name: panel, type: area, position: [0, \(d), 0], direction: [0, -1, 0], size: [\(side), \(side)], nits: \(nits), samples: 16}", samples: 8)
        let point = try Self.floorCentre("{name: bulb, type: point, position: [0, \(d), 0], lumens: \(4 * Float.pi * nits * side * side), temperature: 6500}", samples: 8)
        let ratio = SceneLitTestSupport.luminance(area) / SceneLitTestSupport.luminance(point)
        #expect(abs(ratio - 1) < 0.02, "area/point = \(ratio)")
    }

    @Test func aLargeAreaLightSharedAmongSamplesGivesTheAnalyticIlluminance() throws {
        // A 2 m × 2 m Lambertian square of luminance L, 1 m above the point, centred on its normal:
        // E = π L F, with F summed over the four 1 m × 1 m quarters, each with a corner above the
        // point: F = 1/(2π) [X/√(1+X²) atan(Y/√(1+X²)) + Y/√(1+Y²) atan(X/√(1+Y²))], X = Y = 1
        // (Howell, "A Catalog of Radiation Heat Transfer Configuration Factors", B-3). Here 8
        // samples share 64 shadow rays, 8 each, and a point light would be far off.
        let nits: Float = 2000
        let pixel = try Self.floorCentre("{name: panel, type: area, position: [0, 1, 0], direction: [0, -1, 0], size: [2, 2], nits: \(nits), samples: 64}", samples: 8)
        let x: Float = 1, s = (1 + x * x).squareRoot()
        let formFactorTimesPi = 4 * (2 * (x / s * atanf(x / s))) / 2
        let lux = nits * formFactorTimesPi
        let expected = lux * SceneLitInteriorLightTests.unitsPerNit * SceneLitInteriorLightTests.floorResponse
        let measured = SceneLitTestSupport.luminance(pixel)
        #expect(abs(measured / expected - 1) < 0.02, "luminance \(measured), form factor gives \(expected)")
    }

    @Test func roughMetalInAWhiteFurnaceKeepsItsEnergyWhenSamplesShareTheLobe() throws {
        // As SceneLitGlossyTests' furnace (a metal ball of albedo 1 in a uniform environment reads
        // F·E·L, E above 0.97 for these roughnesses, Kulla & Conty 2017), with 8 camera samples
        // per pixel sharing 16 lobe rays, weighed against the whole lattice.
        for rough in [0.2, 0.3, 0.4] {
            let worst = try SceneLitGlossyTests.furnaceDeviation(roughness: rough, samples: 8)
            #expect(worst < 0.03, "roughness \(rough): worst deviation from the environment \(worst * 100) %")
        }
    }
}
