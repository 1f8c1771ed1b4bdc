/// Where chunk `index` meets chunk `index + 1`.
public struct ChunkBoundary: Sendable, Codable, Equatable {
    /// The earlier chunk's index; the later chunk is `index + 1`.
    public var index: Int
    /// First frame of the later chunk, which is also the first overlap frame.
    public var overlapStart: Int
    /// Frames both chunks generate (0: the chunks simply abut).
    public var overlap: Int

    public init(index: Int, overlapStart: Int, overlap: Int) {
        self.index = index
        self.overlapStart = overlapStart
        self.overlap = overlap
    }

    /// Shot frames blended from both chunks.
    public var overlapFrames: Range<Int> { overlapStart..<(overlapStart + overlap) }

    /// The frame where the later chunk takes over: the first whose ramp weight for the later chunk is
    /// at least one half, and the first frame a hard cut takes from the later chunk.
    public var takeoverFrame: Int { overlapStart + overlap / 2 }

    /// The pair of consecutive frames the seam score compares: (takeover − 1, takeover).
    public var seamPair: (before: Int, after: Int) { (takeoverFrame - 1, takeoverFrame) }
}
