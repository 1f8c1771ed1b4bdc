import Chunking

/// How long a lease may last before the coordinator cancels the attempt and counts a failure:
/// `base + perMegapixelFrame × frames × megapixels`, where frames are those the task renders or
/// reads (generate: its chunk; blend: the overlap; publish: the shot; lighting: none).
public struct LeaseLimits: Sendable, Equatable {
    /// Seconds every task gets (default 600: a lighting solve, a slow node starting up).
    public var base: Double
    /// Seconds per frame per megapixel (default 5: about 10 s per 1080p frame, 7 to 25 times what
    /// scenelit needs on two shared cores, see Docs/performance.md).
    public var perMegapixelFrame: Double

    public static let `default` = LeaseLimits(base: 600, perMegapixelFrame: 5)

    public init(base: Double, perMegapixelFrame: Double) {
        self.base = base
        self.perMegapixelFrame = perMegapixelFrame
    }

    /// The lease of `task` in seconds, for a shot of `width`×`height` planned as `plan`.
    public func seconds(for task: TaskNode, plan: ChunkPlan, width: Int, height: Int) -> Double {
        base + perMegapixelFrame * Double(Self.frames(of: task, plan: plan)) * Double(width * height) / 1_000_000
    }

    /// Frames a task renders or reads.
    static func frames(of task: TaskNode, plan: ChunkPlan) -> Int {
        switch task.kind {
        case .lighting: return 0
        case .generate: return task.frames?.count ?? (plan.chunks.indices.contains(task.index) ? plan.chunks[task.index].frames.count : 0)
        case .blend: return plan.boundaries.first { $0.index == task.index }?.overlap ?? 0
        case .publish: return plan.frames.count
        }
    }
}
