import ShotSpec

/// How the chunks of a plan are run.
public enum ChunkMode: Sendable, Codable, Equatable, CustomStringConvertible {
    /// Chunks run independently, anywhere, at once; overlaps are blended afterwards.
    case parallel
    /// Chunk k + 1 starts after chunk k and receives its last `conditioningFrames` frames.
    case sequential(conditioningFrames: Int)

    public var description: String {
        switch self {
        case .parallel: return "parallel"
        case .sequential(let c): return "sequential (\(c) conditioning frames)"
        }
    }

    /// Resolves the spec's mode against what the generator can do (its capabilities' name,
    /// `deterministic` and `conditioningFrames`).
    ///
    /// Auto picks parallel for deterministic generators (their chunks agree anyway) and for those
    /// that take no conditioning; otherwise sequential with
    /// C = min(requested ?? accepted, accepted, O, or the shortest chunk when O is 0).
    public static func resolve(
        _ requested: ChunkingSpec.Mode,
        conditioningFrames: Int? = nil,
        generator: String,
        deterministic: Bool,
        acceptsConditioningFrames accepted: Int,
        plan: ChunkPlan
    ) throws(ChunkingError) -> ChunkMode {
        if let conditioningFrames, conditioningFrames < 0 { throw .negativeConditioningFrames(conditioningFrames) }
        // Conditioning frames must come from inside the overlap the next chunk regenerates, or, with no
        // overlap, from within one chunk.
        let limit = plan.overlap > 0 ? plan.overlap : (plan.chunks.map(\.count).min() ?? 0)
        let c = max(0, min(conditioningFrames ?? accepted, accepted, limit))
        switch requested {
        case .parallel:
            return .parallel
        case .sequential:
            guard accepted > 0 else { throw .sequentialUnsupported(generator: generator) }
            return .sequential(conditioningFrames: c)
        case .auto:
            return deterministic || c == 0 ? .parallel : .sequential(conditioningFrames: c)
        }
    }
}
