/// One generation call's worth of a shot: a contiguous frame range sharing overlaps with its neighbours.
public struct Chunk: Sendable, Codable, Equatable {
    /// What a frame of a chunk is for.
    public enum FrameRole: Sendable, Codable, Equatable {
        /// Only this chunk renders the frame: written directly as the final plate frame.
        case owned
        /// Shared with the previous chunk; `index` counts from the start of that overlap.
        case overlapWithPrevious(index: Int)
        /// Shared with the next chunk; `index` counts from the start of that overlap.
        case overlapWithNext(index: Int)
    }

    /// Position in the plan, from 0.
    public var index: Int
    /// Shot frame numbers this chunk generates, overlaps included.
    public var frames: ClosedRange<Int>
    /// Leading frames shared with the previous chunk (0 for the first chunk).
    public var overlapWithPrevious: Int
    /// Trailing frames shared with the next chunk (0 for the last chunk).
    public var overlapWithNext: Int

    public init(index: Int, frames: ClosedRange<Int>, overlapWithPrevious: Int, overlapWithNext: Int) {
        self.index = index
        self.frames = frames
        self.overlapWithPrevious = overlapWithPrevious
        self.overlapWithNext = overlapWithNext
    }

    /// Frames generated, overlaps included.
    public var count: Int { frames.count }

    /// Frames written directly as final plates; empty when the two overlaps cover the whole chunk.
    public var ownedFrames: Range<Int> {
        (frames.lowerBound + overlapWithPrevious)..<(frames.upperBound + 1 - overlapWithNext)
    }

    /// The role of shot frame `frame`, or nil when the chunk does not generate it.
    public func role(of frame: Int) -> FrameRole? {
        guard frames.contains(frame) else { return nil }
        let offset = frame - frames.lowerBound
        if offset < overlapWithPrevious { return .overlapWithPrevious(index: offset) }
        let nextStart = count - overlapWithNext
        if offset >= nextStart { return .overlapWithNext(index: offset - nextStart) }
        return .owned
    }
}
