import ImageCore

/// The frames sequential mode hands from one chunk to the next.
public struct ConditioningHandoff: Sendable, Equatable {
    /// The chunk that receives them.
    public var chunk: Int
    /// Shot frame numbers of `images`, oldest first.
    public var frameNumbers: ClosedRange<Int>?
    public var images: [RGBAImage]

    /// The frame numbers of chunk `chunk`'s conditioning: the previous chunk's last `count`
    /// frames (nil for the first chunk or `count` 0).
    public static func frameNumbers(for chunk: Int, in plan: ChunkPlan, count: Int) throws(ChunkingError) -> ClosedRange<Int>? {
        let receiving = try plan.chunk(chunk)
        guard receiving.index > 0, count > 0 else { return nil }
        let previous = plan.chunks[receiving.index - 1].frames
        let n = min(count, previous.count)
        return (previous.upperBound - n + 1)...previous.upperBound
    }

    /// What chunk `previous + 1` receives, cut from `previousFrames`, chunk `previous`'s output in order.
    public static func after(chunk previous: Int, frames previousFrames: [RGBAImage], in plan: ChunkPlan, count: Int) throws(ChunkingError) -> ConditioningHandoff {
        let source = try plan.chunk(previous)
        let receiving = try plan.chunk(previous + 1).index
        guard previousFrames.count == source.count else {
            throw .wrongFrameCount(chunk: previous, expected: source.count, got: previousFrames.count)
        }
        guard let numbers = try frameNumbers(for: receiving, in: plan, count: count) else {
            return ConditioningHandoff(chunk: receiving, frameNumbers: nil, images: [])
        }
        let offset = numbers.lowerBound - source.frames.lowerBound
        return ConditioningHandoff(chunk: receiving, frameNumbers: numbers, images: Array(previousFrames[offset...]))
    }
}
