import Color
import ImageCore
import Testing

/// OCIO's built-in ACES transforms against matrices derived in Double, compared after half-float quantisation.
@Suite struct ConversionAccuracyTests {
    /// Colours every matrix test covers: the three primaries, white, mid grey, HDR, a saturated colour.
    static let samples: [SIMD3<Float>] = [
        SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1),
        SIMD3(1, 1, 1), SIMD3(0.18, 0.18, 0.18),
        SIMD3(4, 2, 0.5), SIMD3(0.9, 0.05, 0.3), SIMD3(0.02, 0.4, 0.08), SIMD3(12.5, 0.001, 3),
    ]

    /// Runs `samples` through the bundled config's `source` → `destination` processor.
    static func convert(_ samples: [SIMD3<Float>], from source: String, to destination: String) throws -> [SIMD3<Float>] {
        let config = try ColorConfig.resolve(explicit: nil, environment: [:])
        let processor = try config.processor(from: source, to: destination)
        var image = RGBAImage(width: samples.count, height: 1)
        for (x, rgb) in samples.enumerated() { image[x, 0] = SIMD4(rgb, 1) }
        try processor.apply(&image)
        return (0..<samples.count).map { x in
            let p = image[x, 0]
            return SIMD3(p.x, p.y, p.z)
        }
    }

    /// Largest half-ulp distance between `matrix · sample` (in Double) and OCIO's output.
    static func worstHalfUlps(_ matrix: ColorimetryMath.Matrix, samples: [SIMD3<Float>], actual: [SIMD3<Float>]) -> Int {
        var worst = 0
        for (sample, got) in zip(samples, actual) {
            let expected = ColorimetryMath.multiply(matrix, [Double(sample.x), Double(sample.y), Double(sample.z)])
            for channel in 0..<3 {
                worst = max(worst, ColorimetryMath.halfUlps(expected[channel], Double(got[channel])))
            }
        }
        return worst
    }

    /// Largest Float32 error relative to the colour's largest expected channel: catches a wrong
    /// white point or adaptation (Bradford vs CAT02 differ by ~1e-3) that half quantisation could hide.
    static func worstRelativeError(_ matrix: ColorimetryMath.Matrix, samples: [SIMD3<Float>], actual: [SIMD3<Float>]) -> Double {
        var worst = 0.0
        for (sample, got) in zip(samples, actual) {
            let expected = ColorimetryMath.multiply(matrix, [Double(sample.x), Double(sample.y), Double(sample.z)])
            let scale = expected.map(abs).max() ?? 1
            for channel in 0..<3 {
                worst = max(worst, abs(expected[channel] - Double(got[channel])) / scale)
            }
        }
        return worst
    }

    @Test func publishedAP1toAP0MatrixMatchesTheOneDerivedFromPrimaries() {
        // Guards the test's own colorimetry: derived and published must agree to the published 10 decimals.
        let derived = ColorimetryMath.conversion(from: ColorimetryMath.ap1, to: ColorimetryMath.ap0)
        for row in 0..<3 {
            for col in 0..<3 {
                #expect(abs(derived[row][col] - ColorimetryMath.publishedAP1toAP0[row][col]) < 1e-9, "[\(row)][\(col)]")
            }
        }
    }

    @Test func acescgToACES2065MatchesPublishedAP1toAP0WithinOneHalfUlp() throws {
        let actual = try Self.convert(Self.samples, from: "ACEScg", to: "ACES2065-1")
        #expect(Self.worstHalfUlps(ColorimetryMath.publishedAP1toAP0, samples: Self.samples, actual: actual) <= 1)
        #expect(Self.worstRelativeError(ColorimetryMath.publishedAP1toAP0, samples: Self.samples, actual: actual) < 1e-6)
    }

    @Test func acescgMidGreyAndWhiteStayNeutralInACES2065() throws {
        // AP1 and AP0 share the ACES white, so neutrals pass through unchanged (rows of the matrix sum to 1).
        let actual = try Self.convert([SIMD3(0.18, 0.18, 0.18), SIMD3(1, 1, 1)], from: "ACEScg", to: "ACES2065-1")
        for channel in 0..<3 {
            #expect(Float16(actual[0][channel]) == Float16(Float(0.18)))
            #expect(Float16(actual[1][channel]) == 1)
        }
    }

    @Test func linearRec709ToACES2065MatchesBradfordDerivationWithinOneHalfUlp() throws {
        let matrix = ColorimetryMath.conversion(from: ColorimetryMath.rec709, to: ColorimetryMath.ap0)
        let actual = try Self.convert(Self.samples, from: "Linear Rec.709 (sRGB)", to: "ACES2065-1")
        #expect(Self.worstHalfUlps(matrix, samples: Self.samples, actual: actual) <= 1)
        #expect(Self.worstRelativeError(matrix, samples: Self.samples, actual: actual) < 1e-6)
    }

    @Test func linearRec709WhiteLandsOnACESWhite() throws {
        // D65 white is chromatically adapted to the ACES white, so (1,1,1) stays (1,1,1).
        let actual = try Self.convert([SIMD3(1, 1, 1)], from: "lin_rec709", to: "aces_interchange")
        for channel in 0..<3 { #expect(abs(actual[0][channel] - 1) < 1e-5) }
    }
}
