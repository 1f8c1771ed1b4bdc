import Color
import ImageCore
import Testing

/// `ColorProcessor.apply` splits rows into concurrent bands; the split must not change a single bit.
@Suite struct ParallelApplyTests {
    /// Deterministic HDR test pattern: gradients, a hash for texture, and values from 0 to about 16.
    static func pattern(width: Int, height: Int) -> RGBAImage {
        var image = RGBAImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                let hash = Float((x &* 73_856_093 ^ y &* 19_349_663) & 1023) / 1023
                let r = Float(x) / Float(width) * 16 * hash
                let g = Float(y) / Float(height)
                let b = hash * hash
                image[x, y] = SIMD4(r, g, b, Float(x % 7) / 6)
            }
        }
        return image
    }

    /// Applies `processor` to each row as its own one-row image (a single band each).
    static func applyRowByRow(_ processor: ColorProcessor, to image: RGBAImage) throws -> RGBAImage {
        var result = image
        let rowLength = image.width * 4
        for y in 0..<image.height {
            let range = (y * rowLength)..<((y + 1) * rowLength)
            var row = RGBAImage(width: image.width, height: 1, pixels: Array(image.pixels[range]))
            try processor.apply(&row)
            result.pixels.replaceSubrange(range, with: row.pixels)
        }
        return result
    }

    @Test(arguments: ["matrix", "display"])
    func bandedApplyMatchesRowByRowApplyBitForBit(kind: String) throws {
        let config = try ColorConfig.resolve(explicit: nil, environment: [:])
        let processor = kind == "matrix"
            ? try config.processor(from: "ACEScg", to: "ACES2065-1")
            : try config.displayProcessor(from: "ACES2065-1", display: "sRGB - Display", view: "ACES 1.0 - SDR Video")
        // 333 rows: many bands of 16+ rows on any core count, with an uneven last band.
        let source = Self.pattern(width: 97, height: 333)
        var banded = source
        try processor.apply(&banded)
        let rowByRow = try Self.applyRowByRow(processor, to: source)
        #expect(banded != source)
        #expect(banded == rowByRow)
        // Alpha is not colour: it must come through untouched.
        #expect(stride(from: 3, to: banded.pixels.count, by: 4).allSatisfy { banded.pixels[$0] == source.pixels[$0] })
    }

    @Test func convertedCopyMatchesRowByRowApplyAndLeavesTheSourceAlone() throws {
        let config = try ColorConfig.resolve(explicit: nil, environment: [:])
        let processor = try config.processor(from: "ACEScg", to: "ACES2065-1")
        let source = Self.pattern(width: 97, height: 333)
        // The bits themselves, not a second reference to the same storage.
        let kept = source.pixels.map(\.bitPattern)
        let copy = try processor.applied(to: source)
        #expect(copy.pixels.map(\.bitPattern) == (try Self.applyRowByRow(processor, to: source)).pixels.map(\.bitPattern))
        #expect(copy != source)
        #expect(source.pixels.map(\.bitPattern) == kept)
    }
}
