/// Seam scores of one shot, as the job report carries them.
public struct SeamReport: Sendable, Codable, Equatable {
    /// One boundary's seam.
    public struct Seam: Sendable, Codable, Equatable {
        /// The earlier chunk's index; the seam lies between it and the next chunk.
        public var boundary: Int
        /// The two consecutive frames compared: (takeover − 1, takeover).
        public var frames: [Int]
        /// Mean absolute RGB difference of that pair in the final (blended) sequence.
        public var meanAbsoluteDifference: Double
        /// `meanAbsoluteDifference` / `interiorMedian`: about 1 is invisible; nil without interior motion.
        public var score: Double?
        /// The same pair had the overlap been hard-cut at the takeover frame (nil when not measured).
        public var unblendedMeanAbsoluteDifference: Double?
        public var unblendedScore: Double?
    }

    /// How many interior pairs (both frames owned by the same chunk) the median is taken over.
    public var interiorPairs: Int
    /// Median mean absolute difference of interior pairs; nil when there are none.
    public var interiorMedian: Double?
    public var seams: [Seam]
}
