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
    /// Attempts this node is running.
    var running: Set<String>
    /// When each attempt was sent, so a heartbeat that omits an older one can expose a lost task.
    var dispatchedAt: [String: ContinuousClock.Instant] = [:]
    /// The node is draining itself (SIGTERM): no new tasks.
    var draining: Bool
    var tasksDone: Int
    /// The connection's file descriptor (ZMQ_SRCFD), matched against disconnect events.
    var descriptor: Int32 = -1

    var freeSlots: Int { max(0, slots - running.count) }

    func offers(_ generator: String) -> Bool { generators.contains { $0.name == generator } }
}
