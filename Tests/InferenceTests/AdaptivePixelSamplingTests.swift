import Foundation
import ImageCore
@testable import Inference
import ShotSpec
import Testing

/// `sampling: adaptive` (AdaptivePixelSampling): which samples a pixel takes, that a pixel taking
/// all of them gets the fixed pattern's sum, and that adaptive frames still obey the physics and
/// the determinism the fixed ones do.
@Suite struct AdaptivePixelSamplingTests {
    typealias Glimpse = SceneLitFrameKernel.Glimpse

    /// Runs `sampler.mean` for pixel (x, y) with `value(j)` as sample j's radiance and `hit(j)` as
    /// the primitive it meets; returns the mean and the samples shaded, in order.
    static func run(
        _ sampler: AdaptivePixelSampling, x: Int = 0, y: Int = 0, value: (Int) -> SIMD3<Float>, hit: (Int) -> Int = { _ in 1 }
    ) -> (mean: SIMD3<Float>, calls: [Int]) {
        let capacity = sampler.count * sampler.replicas
        let shaded = UnsafeMutableBufferPointer<SIMD3<Float>>.allocate(capacity: capacity)
        let seen = UnsafeMutableBufferPointer<Glimpse>.allocate(capacity: capacity)
        defer {
            shaded.deallocate()
            seen.deallocate()
        }
        var calls: [Int] = []
        let mean = sampler.mean(x: x, y: y, into: shaded, seen: seen, gain: 1) { j in
            calls.append(j)
            seen[j] = Glimpse(hit: hit(j), lit: false)
            return value(j)
        }
        return (mean, calls)
    }

    /// Eight samples, no emitter, primitives 0…3 without a traced lobe.
    static let plain = AdaptivePixelSampling(count: 8, emitterBoxes: [], sampledLobe: [false, false, false, false, false])

    @Test func aFlatPixelStopsAfterTwoSamplesSpreadOverThePattern() {
        let c = SIMD3<Float>(0.3, 0.2, 0.1)
        let (mean, calls) = Self.run(Self.plain, value: { _ in c })
        #expect(calls == [0, 4])
        #expect(mean == c)
    }

    @Test func samplesThatNeverAgreeTakeThePatternTwiceEachSampleOnce() {
        for count in 1...16 {
            let sampler = AdaptivePixelSampling(count: count, emitterBoxes: [], sampledLobe: [false, false, false])
            // Sample j reads j: any two samples differ by at least a third of their mean.
            let value = { (j: Int) in SIMD3<Float>(repeating: Float(j)) }
            let (mean, calls) = Self.run(sampler, value: value)
            let expectedCount = count == 1 ? 1 : 2 * count
            #expect(calls.sorted() == Array(0..<expectedCount), "count \(count): shaded \(calls)")
            var sum = SIMD3<Float>.zero
            for j in 0..<expectedCount { sum += value(j) }
            #expect(mean == sum * (1 / Float(expectedCount)), "count \(count)")
        }
    }

    @Test func aPixelThatTakesEverySampleHasTheFixedPatternsSum() {
        // Sample 4 meets another primitive (an edge), so tiers 2 and 4 cannot stop; the eight then
        // agree. The fixed pattern sums samples in index order and scales by 1/8: the same bits.
        let value = { (j: Int) in SIMD3<Float>(0.5 + 0.001 * Float(j), 0.25, 0.125) }
        let (mean, calls) = Self.run(Self.plain, value: value, hit: { $0 == 4 ? 2 : 1 })
        #expect(calls.sorted() == Array(0..<8))
        var sum = SIMD3<Float>.zero
        for j in 0..<8 { sum += value(j) }
        #expect(mean == sum * (1 / Float(8)))
    }

    @Test func glassOrAnEmitterSeenByTheFirstTierTakesEverySample() {
        let (_, calls) = Self.run(Self.plain, value: { _ in SIMD3(repeating: 1) }, hit: { $0 == 0 ? -3 : 1 })
        #expect(calls.count == 8)
    }

    @Test func aPixelInsideAnEmittersBoxTakesEverySampleFromTheStart() {
        let sampler = AdaptivePixelSampling(count: 8, emitterBoxes: [SIMD4(7, 7, 13, 13)], sampledLobe: [false, false, false])
        let inside = Self.run(sampler, x: 11, y: 9, value: { _ in SIMD3(repeating: 1) })
        #expect(inside.calls == Array(0..<8))
        let outside = Self.run(sampler, x: 14, y: 10, value: { _ in SIMD3(repeating: 1) })
        #expect(outside.calls == [0, 4])
    }

    @Test func aSurfaceWithATracedLobeIsJudgedFromFourSamples() {
        // The ground (index 0) has a traced lobe here; primitive 0 (index 1) does not.
        let sampler = AdaptivePixelSampling(count: 8, emitterBoxes: [], sampledLobe: [true, false])
        #expect(Self.run(sampler, value: { _ in SIMD3(repeating: 1) }, hit: { _ in -1 }).calls == [0, 4, 2, 6])
        #expect(Self.run(sampler, value: { _ in SIMD3(repeating: 1) }, hit: { _ in 0 }).calls == [0, 4])
    }

    @Test func aBulbsInverseSquareLawHoldsWithAdaptiveSampling() throws {
        // E = I / d², I = Φ / 4π (isotropic), on a white rough floor seen straight down; the
        // floor's response per unit of illuminance is SceneLitInteriorLightTests.floorResponse. A
        // 360 mm lens makes a pixel 3 cm on the floor, so the samples spread over it see the
        // centre's illuminance within 0.1 % even at 1 m (cos³ of 1.5 cm off the axis).
        let lumens: Float = 1000
        for d: Float in [1, 2, 4] {
            let spec = try SceneLitTestSupport.spec(
                frames: "{first: 1001, count: 1}", width: 33, height: 33,
                params: "{samples: 8, sampling: adaptive, gi_ground_patches: 6, gi_object_patches: 4, gi_sky_samples: 16}", body: """
                    camera: {position: [0, 10, 0], target: [0, 0, 0], focal_length_mm: 360, sensor_width_mm: 36}
                    environment: {uniform: {radiance: [0, 0, 0]}}
                    ground: {material: {base_color: [1, 1, 1], roughness: 1}}
                    lights:
                      - {name: bulb, type: point, position: [0, \(d), 0], lumens: \(lumens), temperature: 6500}
                    """)
            let root = try SceneLitTestSupport.storageRoot()
            defer { SceneLitTestSupport.cleanUp(root) }
            let image = try #require(try SceneLitTestSupport.render(spec, frames: 1001...1001, root: root)[1001])
            let expected = lumens / (4 * Float.pi) / (d * d) * SceneLitInteriorLightTests.unitsPerNit * SceneLitInteriorLightTests.floorResponse
            let measured = SceneLitTestSupport.luminance(image[16, 16])
            #expect(abs(measured / expected - 1) < 0.02, "d = \(d) m: luminance \(measured), inverse-square law gives \(expected)")
        }
    }

    @Test func anAdaptiveFrameIsTheSameAloneOrInsideAChunkAndAStillShotDoesNotCrawl() throws {
        // Every decision reads only the pixel's own samples: frame N has the same bits in any
        // chunk, and with a still camera consecutive frames are identical.
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        func spec(_ moves: String) throws -> ShotSpec {
            try SceneLitTestSupport.spec(
                width: 48, height: 27,
                params: "{samples: 4, sampling: adaptive, gi_ground_patches: 6, gi_object_patches: 4, gi_sky_samples: 16, reflections: traced}", body: """
                    camera: {position: [0, 1.2, 4], target: [0, 0.4, 0], f_stop: 2, focus_distance: 4, moves: \(moves)}
                    environment: {uniform: {radiance: [0.05, 0.05, 0.06]}}
                    ground: {material: {base_color: [0.5, 0.4, 0.3], roughness: 0.3}}
                    lights:
                      - {name: panel, type: area, position: [0, 2.5, 0], direction: [0, -1, 0], size: [0.6, 0.6], nits: 400, samples: 8}
                      - {name: bulb, type: point, position: [1.2, 0.8, 0.5], radius: 0.05, lumens: 800}
                    objects:
                      - {name: chrome, shape: sphere, radius: 0.3, position: [0.4, 0.3, 0], material: {base_color: [0.9, 0.9, 0.9], metallic: 1, roughness: 0.2}}
                      - {name: box, shape: box, position: [-0.6, 0.25, 0], size: [0.5, 0.5, 0.5], material: {base_color: [0.6, 0.6, 0.6], roughness: 0.9}}
                    """)
        }
        let moving = try spec("[{type: dolly, start: 1001, end: 1010, distance: 0.5}]")
        let alone = try SceneLitTestSupport.render(moving, frames: 1004...1004, root: root)
        let chunk = try SceneLitTestSupport.render(moving, frames: 1003...1005, root: root)
        #expect(try #require(alone[1004]) == chunk[1004])
        let still = try SceneLitTestSupport.render(try spec("[]"), frames: 1001...1002, root: root)
        #expect(try #require(still[1001]) == still[1002])
        #expect(Set(try #require(still[1001]).pixels).count > 100)
    }
}
