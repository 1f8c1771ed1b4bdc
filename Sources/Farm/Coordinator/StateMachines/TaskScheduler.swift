import Foundation

/// Which node takes a ready task, as a value type: built from the nodes with free slots for one
/// dispatch pass, asked for each ready task in queue order, told when a task was really sent.
/// The coordinator's loop does the store lease and the send in between (either may fail, and
/// then nothing is assigned). Tests drive it without sockets or a store.
public struct TaskScheduler: Sendable {
    /// A node that may take tasks this pass.
    public struct Candidate: Sendable, Equatable {
        public var peer: Data
        public var name: String
        public var freeSlots: Int
        /// Attempts it runs now: the least busy is preferred.
        public var running: Int
        public var generators: Set<String>
        /// Whether it mounts the shared storage (blend, publish, lighting and sequential jobs need it).
        public var shared: Bool

        public init(peer: Data, name: String, freeSlots: Int, running: Int, generators: Set<String>, shared: Bool) {
            self.peer = peer
            self.name = name
            self.freeSlots = freeSlots
            self.running = running
            self.generators = generators
            self.shared = shared
        }
    }

    /// What a ready task needs from its node.
    public struct Demand: Sendable, Equatable {
        public var generator: String
        public var needsShared: Bool
        /// Nodes it failed on: others are preferred.
        public var failedOn: [String]

        public init(generator: String, needsShared: Bool, failedOn: [String] = []) {
            self.generator = generator
            self.needsShared = needsShared
            self.failedOn = failedOn
        }
    }

    public private(set) var candidates: [Candidate]

    public init(candidates: [Candidate]) {
        self.candidates = candidates.filter { $0.freeSlots > 0 }
    }

    /// No node can take anything more this pass.
    public var isEmpty: Bool { candidates.isEmpty }

    public var freeSlots: Int { candidates.reduce(0) { $0 + $1.freeSlots } }

    /// Whether a task of this kind must run where the shared storage is mounted.
    public static func needsShared(_ kind: TaskKind, sequential: Bool) -> Bool {
        kind == .blend || kind == .publish || kind == .lighting || sequential
    }

    /// The node for `demand`, nil when none offers its generator and storage. Prefers a node the
    /// task has not failed on, then the least busy, then the name (so the choice never depends
    /// on dictionary order).
    public func choose(_ demand: Demand) -> Candidate? {
        candidates.filter { $0.generators.contains(demand.generator) && (!demand.needsShared || $0.shared) }.min { a, b in
            let fa = demand.failedOn.contains(a.name), fb = demand.failedOn.contains(b.name)
            if fa != fb { return !fa }
            if a.running != b.running { return a.running < b.running }
            return a.name < b.name
        }
    }

    /// A task was sent to `peer`: one slot fewer there, one more running.
    public mutating func assigned(to peer: Data) {
        guard let index = candidates.firstIndex(where: { $0.peer == peer }) else { return }
        candidates[index].freeSlots -= 1
        candidates[index].running += 1
        if candidates[index].freeSlots <= 0 { candidates.remove(at: index) }
    }
}
