import ImageCore

/// Seam scores: how much a boundary jumps compared with the shot's ordinary frame-to-frame change.
public enum SeamMetrics {
    /// Mean of |a − b| over the R, G and B samples of every pixel (alpha is not part of the picture).
    public static func meanAbsoluteDifference(_ a: RGBAImage, _ b: RGBAImage) throws(ChunkingError) -> Double {
        try BoundaryBlend.checkSameSize(a, b)
        var sum = 0.0
        a.pixels.withUnsafeBufferPointer { pa in
            b.pixels.withUnsafeBufferPointer { pb in
                var p = 0
                while p < pa.count {
                    // Float sums per pixel, Double across pixels: exact enough without a slow all-Double loop.
                    sum += Double(abs(pa[p] - pb[p]) + abs(pa[p + 1] - pb[p + 1]) + abs(pa[p + 2] - pb[p + 2]))
                    p += 4
                }
            }
        }
        return sum / Double(a.pixelCount * 3)
    }

    /// Scores the final sequence, read through `frame(number)`; the pipeline passes its plate reader.
    /// Interior pairs are consecutive frames both owned by the same chunk. `known` holds interior
    /// differences already measured where the frames were written (by the pair's first frame);
    /// only the pairs missing from it, and the seam pairs, are read. The median does not depend
    /// on the order the pairs come in, so the report is the same bits either way.
    public static func report(plan: ChunkPlan, known: [Int: Double] = [:], frame: (Int) throws -> RGBAImage) throws -> SeamReport {
        var interior: [Double] = []
        for chunk in plan.chunks where chunk.ownedFrames.count > 1 {
            // Walk each owned run once, so a reader backed by plates on disk loads every frame once.
            var previous: (number: Int, image: RGBAImage)?
            for f in chunk.ownedFrames.dropLast() {
                if let value = known[f], value.isFinite, value >= 0 {
                    interior.append(value)
                    continue
                }
                let before = try previous.flatMap { $0.number == f ? $0.image : nil } ?? frame(f)
                let after = try frame(f + 1)
                interior.append(try meanAbsoluteDifference(before, after))
                previous = (f + 1, after)
            }
        }
        let median = self.median(interior)
        let seams = try plan.boundaries.map { boundary in
            let pair = boundary.seamPair
            let difference = try meanAbsoluteDifference(frame(pair.before), frame(pair.after))
            return SeamReport.Seam(
                boundary: boundary.index, frames: [pair.before, pair.after],
                meanAbsoluteDifference: difference, score: ratio(difference, median)
            )
        }
        return SeamReport(interiorPairs: interior.count, interiorMedian: median, seams: seams)
    }

    /// Scores the blended sequence of these chunk outputs and, beside it, the hard-cut one.
    public static func report(plan: ChunkPlan, chunkOutputs: [[RGBAImage]]) throws(ChunkingError) -> SeamReport {
        let blended = try plan.assemble(chunkOutputs: chunkOutputs, treatment: .blended)
        let first = plan.frames.first
        var report: SeamReport
        do {
            report = try self.report(plan: plan) { blended[$0 - first] }
        } catch let error as ChunkingError {
            throw error
        } catch {
            preconditionFailure("reading frames from memory cannot fail: \(error)")
        }
        for (i, boundary) in plan.boundaries.enumerated() {
            let pair = boundary.seamPair
            // Only the pair itself differs from the blended sequence: assemble just those two frames.
            let before = try plan.finalFrame(pair.before, chunkOutputs: chunkOutputs, treatment: .hardCut)
            let after = try plan.finalFrame(pair.after, chunkOutputs: chunkOutputs, treatment: .hardCut)
            let difference = try meanAbsoluteDifference(before, after)
            report.seams[i].unblendedMeanAbsoluteDifference = difference
            report.seams[i].unblendedScore = ratio(difference, report.interiorMedian)
        }
        return report
    }

    private static func ratio(_ difference: Double, _ median: Double?) -> Double? {
        guard let median, median > 0 else { return nil }
        return difference / median
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}
