import Color
import ImageCore
import Foundation
import Testing

/// The ACES 1.0 SDR output transform that proxies go through.
@Suite struct DisplayTransformTests {
    static func sdrVideo(_ greys: [Float], display: String) throws -> [SIMD4<Float>] {
        let config = try ColorConfig.resolve(explicit: nil, environment: [:])
        let processor = try config.displayProcessor(from: "ACES2065-1", display: display, view: "ACES 1.0 - SDR Video")
        var image = RGBAImage(width: greys.count, height: 1)
        for (x, g) in greys.enumerated() { image[x, 0] = SIMD4(g, g, g, 0.5) }
        try processor.apply(&image)
        return (0..<greys.count).map { image[$0, 0] }
    }

    static func sdrVideo(_ greys: [Float]) throws -> [SIMD4<Float>] {
        try sdrVideo(greys, display: "sRGB - Display")
    }

    @Test func midGreyMapsToPinnedSRGBCodeValue() throws {
        // ACES 1.0 puts scene 18% grey near 10% of display peak (≈10 nits of 100); through the
        // piecewise sRGB encoding that is 0.356, darker than the 0.461 of an un-tone-mapped sRGB encode.
        let out = try Self.sdrVideo([0.18])[0]
        for channel in 0..<3 { #expect(abs(out[channel] - 0.35595) < 2e-4, "channel \(channel): \(out[channel])") }
        #expect(out.w == 0.5)
    }

    @Test func midGreyOnRec1886DisplayMapsToPinnedCodeValue() throws {
        // Same ≈10% display luminance through the 2.4 gamma of BT.1886: 0.1^(1/2.4) ≈ 0.38.
        let out = try Self.sdrVideo([0.18], display: "Rec.1886 Rec.709 - Display")[0]
        for channel in 0..<3 { #expect(abs(out[channel] - 0.38953) < 2e-4, "channel \(channel): \(out[channel])") }
    }

    @Test func greyRampIsMonotonicFromBlackClipToHighlightRollOff() throws {
        // Log-spaced from 2^-8 (≈0.004, just above the black clip) to 2^10: shadows to far above diffuse white.
        let ramp = [0, 0.001] + (0...180).map { Float(pow(2.0, -8.0 + Double($0) / 10.0)) }
        let out = try Self.sdrVideo(ramp)
        for i in 1..<out.count {
            #expect(out[i].y >= out[i - 1].y, "step \(i): \(out[i - 1].y) → \(out[i].y)")
            if ramp[i] > 0.004 { #expect(out[i].y > out[i - 1].y, "step \(i) (\(ramp[i])) is flat") }
        }
        // Scene black and 0.001 sit in the black clip; OCIO's built-in leaves no final [0, 1] clamp,
        // so extreme highlights land slightly above 1 (1.035 at 1000) and proxies must clamp.
        #expect(out[0].y >= 0 && out[0].y < 1e-6)
        #expect(out[1].y < 1e-6)
        #expect(out.allSatisfy { $0.y >= 0 && $0.y < 1.04 })
        #expect(abs(try #require(out.last).y - 1.0345) < 1e-3)
    }
}
