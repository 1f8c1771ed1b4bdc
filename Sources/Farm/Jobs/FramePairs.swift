/// A generate task's differences between consecutive final frames it wrote, and across its ends
/// where the neighbouring part's frame was already accepted (JobStaging
/// `extras/pairs/<task>.json`): the interior pairs of the seam score, measured where the frames
/// were written so publish need not decode the plate again.
public struct FramePairs: Sendable, Codable, Equatable {
    /// Frames `frame` and `frame + 1`, both owned by the task's chunk.
    public struct Pair: Sendable, Codable, Equatable {
        public var frame: Int
        /// `SeamMetrics.meanAbsoluteDifference` of the two frames as read back from their files.
        public var meanAbsoluteDifference: Double
    }

    public var task: String
    public var pairs: [Pair]

    /// Every pair of `files` by first frame; a pair two files disagree on is left out (publish then
    /// measures it from the frames).
    public static func merged(_ files: [FramePairs]) -> [Int: Double] {
        var values: [Int: Double] = [:], disputed: Set<Int> = []
        for pair in files.flatMap(\.pairs) {
            if let known = values[pair.frame], known.bitPattern != pair.meanAbsoluteDifference.bitPattern { disputed.insert(pair.frame) }
            values[pair.frame] = pair.meanAbsoluteDifference
        }
        for frame in disputed { values[frame] = nil }
        return values
    }
}
