import Foundation
import ImageCore

/// The raised-cosine cross-fade of overlap frames, done in scene-linear Float32 before any half quantisation.
public enum BoundaryBlend {
    /// How a final overlap frame is made from the two chunks' versions.
    public enum Treatment: String, Sendable, Codable, CaseIterable {
        /// The raised-cosine ramp: what plates get.
        case blended
        /// The earlier chunk up to the takeover frame, the later chunk from it: for comparison only.
        case hardCut
    }

    /// Weight of the later chunk at overlap frame `index` of `overlap`: 0.5 − 0.5·cos(π(i + 0.5)/O).
    ///
    /// Sampling at frame centres keeps both ends off 0 and 1, so every overlap frame takes
    /// something from each chunk, and w(i) + w(O − 1 − i) = 1 makes the ramp symmetric.
    public static func weightOfLater(_ index: Int, overlap: Int) -> Double {
        0.5 - 0.5 * cos(Double.pi * (Double(index) + 0.5) / Double(overlap))
    }

    /// Overlap frame `index`: earlier + w·(later − earlier), so identical inputs come back bit for bit.
    public static func blend(earlier: RGBAImage, later: RGBAImage, index: Int, overlap: Int) throws(ChunkingError) -> RGBAImage {
        guard index >= 0, index < overlap else { throw .blendIndexOutOfRange(index: index, overlap: overlap) }
        try checkSameSize(earlier, later)
        let w = Float(weightOfLater(index, overlap: overlap))
        var out = earlier
        out.pixels.withUnsafeMutableBufferPointer { result in
            later.pixels.withUnsafeBufferPointer { b in
                mix(result, b, weight: w, rowSamples: earlier.width * 4, rows: earlier.height)
            }
        }
        return out
    }

    /// Overlap frame `index` under `treatment`.
    public static func frame(earlier: RGBAImage, later: RGBAImage, index: Int, overlap: Int, treatment: Treatment) throws(ChunkingError) -> RGBAImage {
        switch treatment {
        case .blended:
            return try blend(earlier: earlier, later: later, index: index, overlap: overlap)
        case .hardCut:
            guard index >= 0, index < overlap else { throw .blendIndexOutOfRange(index: index, overlap: overlap) }
            return index < overlap / 2 ? earlier : later
        }
    }

    static func checkSameSize(_ a: RGBAImage, _ b: RGBAImage) throws(ChunkingError) {
        guard a.width == b.width, a.height == b.height else {
            throw .imageSizeMismatch(expected: "\(a.width)x\(a.height)", got: "\(b.width)x\(b.height)")
        }
    }

    /// a ← a + w·(b − a) in place; equal samples are kept as they are so infinities survive too.
    private static func mix(_ a: UnsafeMutableBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, weight w: Float, rowSamples: Int, rows: Int) {
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return }
        parallelBands(count: rows, minimumBand: 16) { band in
            for i in (band.lowerBound * rowSamples)..<(band.upperBound * rowSamples) {
                let x = pa[i], y = pb[i]
                if x != y { pa[i] = x + w * (y - x) }
            }
        }
    }
}
