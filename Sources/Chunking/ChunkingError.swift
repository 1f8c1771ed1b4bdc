import ShotSpec

/// Why a shot cannot be split, blended or handed between chunks; each message names the field.
public enum ChunkingError: Error, Sendable, Equatable, CustomStringConvertible {
    case emptyShot(frames: Int)
    case tooManyFrames(Int)
    case negativeOverlap(Int)
    /// The overlap is at least half of the chunk limit, so neighbouring overlaps would meet.
    case overlapTooLong(overlap: Int, maxFrames: Int, fps: FrameRate)
    /// Equal-length chunks of this shot would be shorter than their two overlaps together.
    case overlapsWouldNest(overlap: Int, chunkFrames: Int, chunks: Int)
    case invalidMaxFrames(Int)
    case negativeConditioningFrames(Int)
    /// Sequential mode was asked for, but the generator takes no conditioning frames.
    case sequentialUnsupported(generator: String)
    case chunkOutOfRange(index: Int, chunks: Int)
    /// Outputs were given for a different number of chunks than the plan has.
    case wrongChunkCount(expected: Int, got: Int)
    /// A chunk's output does not hold one image per frame of the chunk.
    case wrongFrameCount(chunk: Int, expected: Int, got: Int)
    case imageSizeMismatch(expected: String, got: String)
    case blendIndexOutOfRange(index: Int, overlap: Int)

    public var description: String {
        switch self {
        case .emptyShot(let frames):
            return "shot.frames.count: must be at least 1 frame, got \(frames)"
        case .tooManyFrames(let frames):
            return "shot.frames: \(frames) frames is more than the \(SpecLimits.maxFrames) a shot may hold"
        case .negativeOverlap(let overlap):
            return "shot.chunking.overlap: must not be negative, got \(overlap)"
        case .overlapTooLong(let overlap, let maxFrames, let fps):
            return "shot.chunking.overlap: \(overlap) frames is at least half of the \(maxFrames)-frame chunk limit at \(fps) fps; use at most \((maxFrames - 1) / 2)"
        case .overlapsWouldNest(let overlap, let chunkFrames, let chunks):
            return "shot.chunking.overlap: \(overlap) frames makes \(chunks) chunks as short as \(chunkFrames) frames, fewer than the \(2 * overlap) their two overlaps need; use a smaller overlap"
        case .invalidMaxFrames(let n):
            return "generator.capabilities.maxFramesPerCall: must be at least 1, got \(n)"
        case .negativeConditioningFrames(let n):
            return "shot.chunking.conditioning_frames: must not be negative, got \(n)"
        case .sequentialUnsupported(let generator):
            return "shot.chunking.mode: sequential needs a generator that accepts conditioning frames, and '\(generator)' accepts none; use auto or parallel"
        case .chunkOutOfRange(let index, let chunks):
            return "chunk \(index) is not in the plan, which has \(chunks) chunks"
        case .wrongChunkCount(let expected, let got):
            return "expected the outputs of \(expected) chunks, got \(got)"
        case .wrongFrameCount(let chunk, let expected, let got):
            return "chunk \(chunk): expected \(expected) frames, got \(got)"
        case .imageSizeMismatch(let expected, let got):
            return "frames to blend differ in size: \(expected) and \(got)"
        case .blendIndexOutOfRange(let index, let overlap):
            return "blend index \(index) is outside the \(overlap)-frame overlap"
        }
    }
}
