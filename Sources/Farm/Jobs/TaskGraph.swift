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

    /// Stable name within a job: `lighting`, `generate-0003`, `blend-0002`, `publish`.
    public var name: String { Self.name(kind, index) }

    public static func name(_ kind: TaskKind, _ index: Int = 0) -> String {
        switch kind {
        case .lighting, .publish: return kind.rawValue
        case .generate, .blend: return "\(kind.rawValue)-\(String(format: "%04d", index))"
        }
    }
}

/// Builds the dependency graph of a job: lighting → generates → blends → publish.
public enum TaskGraph {
    public static func build(plan: ChunkPlan, mode: ChunkMode) -> [TaskNode] {
        var nodes: [TaskNode] = [TaskNode(kind: .lighting, index: 0, dependsOn: [])]
        for chunk in plan.chunks {
            var deps = [TaskNode.name(.lighting)]
            // Sequential mode: a chunk needs its predecessor's last frames as conditioning.
            if case .sequential(let c) = mode, c > 0, chunk.index > 0 { deps.append(TaskNode.name(.generate, chunk.index - 1)) }
            nodes.append(TaskNode(kind: .generate, index: chunk.index, dependsOn: deps))
        }
        for boundary in plan.boundaries where boundary.overlap > 0 {
            nodes.append(TaskNode(kind: .blend, index: boundary.index, dependsOn: [
                TaskNode.name(.generate, boundary.index), TaskNode.name(.generate, boundary.index + 1),
            ]))
        }
        nodes.append(TaskNode(kind: .publish, index: 0, dependsOn: nodes.map(\.name)))
        return nodes
    }
}
