import Chunking
import Foundation
import ImageCore
import Testing

@Suite struct BoundaryBlendTests {
    @Test(arguments: [1, 2, 7, 12, 15, 30])
    func weightsRiseMonotonicallyAndMirrorToOne(overlap: Int) {
        let w = (0..<overlap).map { BoundaryBlend.weightOfLater($0, overlap: overlap) }
        #expect(w.allSatisfy { $0 > 0 && $0 < 1 })
        for i in 1..<max(1, overlap) { #expect(w[i] > w[i - 1]) }
        for i in 0..<overlap {
            // Earlier weight at i is later weight at the mirrored frame.
            #expect(abs(w[i] + w[overlap - 1 - i] - 1) < 1e-12)
        }
        if overlap == 12 {
            #expect(abs(w[0] - (0.5 - 0.5 * cos(Double.pi * 0.5 / 12))) < 1e-15)
            #expect(abs(w[0] - 0.004277569313094) < 1e-12)
        }
    }

    @Test func blendingIdenticalFramesReturnsThemBitForBit() throws {
        var image = RGBAImage(width: 64, height: 36)
        var state: UInt32 = 12345
        for i in image.pixels.indices {
            state = state &* 1_664_525 &+ 1_013_904_223
            // HDR values across many stops, negatives and exact zeros, as scene-linear plates have.
            image.pixels[i] = (Float(state >> 8) / Float(1 << 24) - 0.2) * Float(1 << (state % 12))
        }
        image.pixels[5] = .infinity
        image.pixels[6] = -0.0
        for i in 0..<12 {
            let out = try BoundaryBlend.blend(earlier: image, later: image, index: i, overlap: 12)
            #expect(out.pixels.map(\.bitPattern) == image.pixels.map(\.bitPattern))
        }
    }

    @Test func blendMixesBlackAndWhiteByTheRamp() throws {
        let black = RGBAImage(width: 8, height: 4, fill: [0, 0, 0, 1])
        let white = RGBAImage(width: 8, height: 4, fill: [1, 1, 1, 1])
        for i in 0..<6 {
            let out = try BoundaryBlend.blend(earlier: black, later: white, index: i, overlap: 6)
            #expect(out[3, 2] == SIMD4(Float(BoundaryBlend.weightOfLater(i, overlap: 6)), Float(BoundaryBlend.weightOfLater(i, overlap: 6)), Float(BoundaryBlend.weightOfLater(i, overlap: 6)), 1))
        }
    }

    @Test func blendRefusesMismatchedFramesAndIndicesOutsideTheOverlap() {
        let a = RGBAImage(width: 8, height: 4), b = RGBAImage(width: 4, height: 8)
        let size = #expect(throws: ChunkingError.self) { try BoundaryBlend.blend(earlier: a, later: b, index: 0, overlap: 4) }
        #expect(size?.description == "frames to blend differ in size: 8x4 and 4x8")
        let index = #expect(throws: ChunkingError.self) { try BoundaryBlend.blend(earlier: a, later: a, index: 4, overlap: 4) }
        #expect(index?.description == "blend index 4 is outside the 4-frame overlap")
    }
}
