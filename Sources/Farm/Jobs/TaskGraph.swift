import Chunking

/// One unit of work a node runs.
public enum TaskKind: String, Sendable, Codable, CaseIterable {
    /// The scene-level lighting solve (once per scene; reused if already stored).
    case lighting
    /// Generate chunk `index`: owned frames become final plates, overlap frames intermediates.
    case generate
    /// Blend boundary `index` (chunks index and index + 1) into final plates.
    case blend
    /// Seam report, sidecars, proxies, then the version appears by one rename.
    case publish
}

/// A task in a job's graph, with the tasks it waits for.
public struct TaskNode: Sendable, Codable, Equatable, Hashable {
    public var kind: TaskKind
    /// Chunk index (generate) or boundary index (blend); 0 otherwise.
    public var index: Int
    public var dependsOn: [String]
    /// Generate only: the part of chunk `index` this task renders, when the chunk is split over
    /// several nodes; nil for the whole chunk. The chunk stays the generation window: a part
    /// renders exactly the frames the whole chunk would.
    public var frames: ClosedRange<Int>?

    public init(kind: TaskKind, index: Int, dependsOn: [String], frames: ClosedRange<Int>? = nil) {
        self.kind = kind
        self.index = index
        self.dependsOn = dependsOn
        self.frames = frames
    }

    /// Stable name within a job: `lighting`, `generate-0003`, `generate-0003-1041-1064` (a part),
    /// `blend-0002`, `publish`.
    public var name: String {
        guard let frames else { return Self.name(kind, index) }
        return "\(Self.name(kind, index))-\(frames.lowerBound)-\(frames.upperBound)"
    }

    public static func name(_ kind: TaskKind, _ index: Int = 0) -> String {
        switch kind {
        case .lighting, .publish: return kind.rawValue
        case .generate, .blend: return "\(kind.rawValue)-\(String(format: "%04d", index))"
        }
    }
}

/// Builds the dependency graph of a job: lighting → generates → blends → publish, listed so
/// that each blend follows the generate tasks of its later chunk.
public enum TaskGraph {
    /// `taskFrames`: split each chunk into generate tasks of about this many frames (parallel
    /// mode only; sequential chunks hand frames to each other and stay whole). Nil: whole chunks.
    public static func build(plan: ChunkPlan, mode: ChunkMode, taskFrames: Int? = nil) -> [TaskNode] {
        var nodes: [TaskNode] = [TaskNode(kind: .lighting, index: 0, dependsOn: [])]
        var generates: [Int: [String]] = [:]
        let sequential: Bool = if case .sequential = mode { true } else { false }
        for chunk in plan.chunks {
            var deps = [TaskNode.name(.lighting)]
            // Sequential mode: a chunk needs its predecessor's last frames as conditioning.
            if case .sequential(let c) = mode, c > 0, chunk.index > 0 { deps += generates[chunk.index - 1] ?? [] }
            let parts = sequential ? [nil] : Self.parts(of: chunk.frames, taskFrames: taskFrames)
            for part in parts {
                let node = TaskNode(kind: .generate, index: chunk.index, dependsOn: deps, frames: part)
                nodes.append(node)
                generates[chunk.index, default: []].append(node.name)
            }
            // The blend of the boundary before this chunk comes next in the graph: the coordinator
            // dispatches ready tasks in graph order, so a blend runs as soon as both its chunks are
            // done instead of after every generate task, and only the last one is left for the tail.
            if let boundary = plan.boundaries.first(where: { $0.index == chunk.index - 1 }), boundary.overlap > 0 {
                nodes.append(TaskNode(kind: .blend, index: boundary.index, dependsOn: (generates[boundary.index] ?? []) + (generates[boundary.index + 1] ?? [])))
            }
        }
        nodes.append(TaskNode(kind: .publish, index: 0, dependsOn: nodes.map(\.name)))
        return nodes
    }

    /// `frames` cut into ceil(count / taskFrames) runs whose lengths differ by at most one; one
    /// `nil` (the whole chunk) when it would not be cut.
    static func parts(of frames: ClosedRange<Int>, taskFrames: Int?) -> [ClosedRange<Int>?] {
        guard let taskFrames, taskFrames >= 1, frames.count > taskFrames else { return [nil] }
        let count = (frames.count + taskFrames - 1) / taskFrames
        return (0..<count).map { i in
            let start = frames.lowerBound + frames.count * i / count
            let end = frames.lowerBound + frames.count * (i + 1) / count - 1
            return start...end
        }
    }

    /// Frames per generate task when the coordinator chooses: enough tasks that `nodes` nodes
    /// stay busy to the end (about four per node), none shorter than `minimumTaskFrames`, and,
    /// where a size up to a quarter shorter allows it, a task count that is a multiple of the node
    /// count, so no node renders a last task alone while the others wait (9 tasks of 81 frames on
    /// 2 nodes left one node idle for a whole task; 12 of 54 do not).
    /// One node (or `scenefarm render`) keeps whole chunks: splitting would only add overhead.
    public static func automaticTaskFrames(plan: ChunkPlan, nodes: Int) -> Int? {
        guard nodes > 1 else { return nil }
        let frames = plan.chunks.reduce(0) { $0 + $1.count }
        let wanted = 4 * nodes
        let longest = max(minimumTaskFrames, (frames + wanted - 1) / wanted)
        for size in stride(from: longest, through: max(minimumTaskFrames, longest * 3 / 4), by: -1)
        where taskCount(plan: plan, taskFrames: size) % nodes == 0 {
            return size
        }
        return longest
    }

    /// Generate tasks a parallel plan makes with `taskFrames` frames per task.
    public static func taskCount(plan: ChunkPlan, taskFrames: Int?) -> Int {
        plan.chunks.reduce(0) { $0 + parts(of: $1.frames, taskFrames: taskFrames).count }
    }

    /// Shortest generate task the automatic split makes: per-task set-up (generator, lighting
    /// solve load, physics replay to the first frame) stays small next to the frames.
    public static let minimumTaskFrames = 12
}
