import ShotSpec

/// Splits a shot into chunks of at most M frames that share O overlap frames; see Docs/chunking.md.
public enum ChunkPlanner {
    /// Longest clip one generation may produce, in seconds, as the fraction 21/2.
    static let maxSecondsNumerator = 21
    static let maxSecondsDenominator = 2

    /// M = floor(10.5 s × fps), exact for rational rates (24000/1001 → 251).
    public static func maxChunkFrames(fps: FrameRate) -> Int {
        (maxSecondsNumerator * fps.numerator) / (maxSecondsDenominator * fps.denominator)
    }

    /// round(0.5 s × fps), halves rounding up (25 fps → 13).
    public static func halfSecondFrames(fps: FrameRate) -> Int {
        (fps.numerator + fps.denominator) / (2 * fps.denominator)
    }

    /// The overlap used when the spec gives none: half a second, but at most M/4 so a generator with
    /// a short `maxFramesPerCall` still gets a valid plan.
    public static func defaultOverlap(fps: FrameRate, maxFrames: Int) -> Int {
        min(halfSecondFrames(fps: fps), maxFrames / 4)
    }

    /// Plans `spec`; `overlap` overrides the spec's, `maxFramesPerCall` (the generator's) shrinks M.
    public static func plan(_ spec: ShotSpec, overlap: Int? = nil, maxFramesPerCall: Int? = nil) throws(ChunkingError) -> ChunkPlan {
        try plan(frames: spec.frames, fps: spec.fps, overlap: overlap ?? spec.chunking.overlap, maxFramesPerCall: maxFramesPerCall)
    }

    /// Plans a frame range at a rate; nil `overlap` means the default.
    public static func plan(frames: FrameRange, fps: FrameRate, overlap: Int?, maxFramesPerCall: Int? = nil) throws(ChunkingError) -> ChunkPlan {
        guard frames.count >= 1 else { throw .emptyShot(frames: frames.count) }
        if let maxFramesPerCall, maxFramesPerCall < 1 { throw .invalidMaxFrames(maxFramesPerCall) }
        // At least one frame per chunk, even for a rate below 2/21 fps (the spec refuses < 1 fps).
        let m = max(1, min(maxChunkFrames(fps: fps), maxFramesPerCall ?? Int.max))
        let o = overlap ?? defaultOverlap(fps: fps, maxFrames: m)
        guard o >= 0 else { throw .negativeOverlap(o) }
        // 2·O < M, written so that no overlap however large can overflow.
        guard o <= (m - 1) / 2 else { throw .overlapTooLong(overlap: o, maxFrames: m, fps: fps) }
        guard frames.count <= SpecLimits.maxFrames else { throw .tooManyFrames(frames.count) }

        let n = frames.count
        if n <= m {
            let only = Chunk(index: 0, frames: frames.numbers, overlapWithPrevious: 0, overlapWithNext: 0)
            return ChunkPlan(fps: fps, frames: frames, maxFrames: m, overlap: o, chunks: [only])
        }
        let k = chunkCount(frames: n, maxFrames: m, overlap: o)
        // Every overlap frame is generated twice, so the chunks hold N + (k − 1)·O frames in all;
        // the first `total % k` chunks take one frame more.
        let total = n + (k - 1) * o
        let shortest = total / k
        if k > 2, shortest < 2 * o { throw .overlapsWouldNest(overlap: o, chunkFrames: shortest, chunks: k) }
        var chunks: [Chunk] = []
        var start = frames.first
        for index in 0..<k {
            let length = shortest + (index < total % k ? 1 : 0)
            chunks.append(Chunk(
                index: index,
                frames: start...(start + length - 1),
                overlapWithPrevious: index == 0 ? 0 : o,
                overlapWithNext: index == k - 1 ? 0 : o
            ))
            start += length - o
        }
        return ChunkPlan(fps: fps, frames: frames, maxFrames: m, overlap: o, chunks: chunks)
    }

    /// k = ceil((N − O) / (M − O)) for N > M.
    public static func chunkCount(frames n: Int, maxFrames m: Int, overlap o: Int) -> Int {
        guard n > m else { return 1 }
        return (n - o + (m - o) - 1) / (m - o)
    }
}
