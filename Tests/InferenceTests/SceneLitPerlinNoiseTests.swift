import Foundation
import ImageCore
@testable import Inference
import ShotSpec
import Testing

/// Perlin's gradient noise beside value noise: checked against its definition (zero at every
/// lattice point, mean zero, bounded by √2/2 in two dimensions, so ½ at the lattice points and
/// a mean of ½ once remapped to 0…1), its filtering (an octave whose cells are under a
/// footprint is its mean), and on the dollying floor of the value-noise test.
@Suite struct SceneLitPerlinNoiseTests {
    @Test func gradientNoiseIsHalfAtLatticePointsAndHasMeanHalf() {
        // Every octave's lattice holds the integer points (scales 1, 2, 4, 8), so each is 0 there.
        for x in -20...20 {
            for y in -20...20 {
                #expect(CheckerTexture.perlinNoise(SIMD2(Float(x), Float(y)), width: 1e-4) == 0.5, "at (\(x), \(y))")
            }
        }
        // Between them: within 0…1, spread out, mean ½ (250 000 points over 64 × 64 cells; the
        // standard error of the mean is about 0.1 / √(64²) for cells of correlated values).
        var sum = 0.0, sumSquares = 0.0, low: Float = 1, high: Float = 0
        var state: UInt32 = 1
        let count = 250_000
        for _ in 0..<count {
            state = state &* 1_664_525 &+ 1_013_904_223
            let x = Float(state >> 8) / 16_777_216 * 64
            state = state &* 1_664_525 &+ 1_013_904_223
            let y = Float(state >> 8) / 16_777_216 * 64
            let v = CheckerTexture.perlinNoise(SIMD2(x, y), width: 1e-4)
            low = min(low, v)
            high = max(high, v)
            sum += Double(v)
            sumSquares += Double(v) * Double(v)
        }
        let mean = sum / Double(count), sd = (sumSquares / Double(count) - mean * mean).squareRoot()
        #expect(low >= 0 && high <= 1, "range \(low) … \(high)")
        #expect(abs(mean - 0.5) < 0.01, "mean \(mean)")
        #expect(sd > 0.05, "standard deviation \(sd)")
    }

    @Test func gradientNoiseFadesToItsMeanPastTwoFootprintsPerCell() {
        // A footprint as wide as the largest cell fades every octave: the mean, everywhere.
        for i in 0..<100 {
            let q = SIMD2<Float>(Float(i) * 0.37, Float(i) * 0.71 + 0.2)
            #expect(CheckerTexture.perlinNoise(q, width: 1) == 0.5)
        }
        // A footprint of half the finest cell keeps every octave whole.
        let q = SIMD2<Float>(3.3, 7.45)
        #expect(CheckerTexture.perlinNoise(q, width: 1.0 / 16) == CheckerTexture.perlinNoise(q, width: 1e-4))
    }

    static let perlin = "{base_color: [0.8, 0.8, 0.8], roughness: 1, noise: {size: 0.5, color: [0.05, 0.05, 0.05], type: perlin}}"

    @Test func aRecedingPerlinFloorDoesNotShimmerAndFadesToItsMean() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let frames = try SceneLitNoiseTests.expectRecedingFloorIsStableAndFadesToItsMean(Self.perlin, root: root)
        // Not the value noise under another name.
        let value = try #require(try SceneLitTestSupport.render(SceneLitTextureTests.floor(filter: "box", ground: SceneLitNoiseTests.noise), frames: 1001...1001, root: root)[1001])
        #expect(frames[1001] != value)
    }

    @Test func anUnknownNoiseTypeNamesTheField() {
        let message = SceneLitSpecErrorTests.error("ground: {material: {noise: {size: 1, color: [0, 0, 0], type: simplex}}}")
        #expect(message?.hasPrefix("shot.ground.material.noise.type:") == true, "\(message ?? "no error")")
    }
}
