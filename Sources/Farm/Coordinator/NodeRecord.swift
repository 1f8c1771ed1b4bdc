import Foundation
import Inference

/// What the coordinator knows about one connected node.
struct NodeRecord {
    var peer: Data
    var name: String
    var slots: Int
    var generators: [GeneratorCapabilities]
    var storage: StorageMode
    var lastSeen: ContinuousClock.Instant
    /// Attempts this connection holds. Only this connection may report on them.
    var running: [String: Lease]
    /// When each attempt was sent, so a heartbeat that omits an older one can expose a lost task.
    var dispatchedAt: [String: ContinuousClock.Instant] = [:]
    /// The node is draining itself (SIGTERM): no new tasks.
    var draining: Bool
    var tasksDone: Int
    /// The connection's file descriptor (ZMQ_SRCFD), matched against disconnect events.
    var descriptor: Int32 = -1
    /// What READY said about the machine, for the dashboard.
    var cores = 0
    var memoryBytes: UInt64 = 0

    /// One attempt a node holds: which task it is, for status and for clamping its progress.
    struct Lease {
        var job: String
        var task: TaskNode
        /// Final frames the task writes: PROGRESS is clamped to 0…this.
        var frames: Int

        /// `<job>/<task>`: what `scenefarm nodes` shows instead of the (secret) attempt id.
        var label: String { "\(job)/\(task.name)" }
    }

    var freeSlots: Int { max(0, slots - running.count) }

    func offers(_ generator: String) -> Bool { generators.contains { $0.name == generator } }
}
