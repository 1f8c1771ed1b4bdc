import Foundation

/// A finished attempt for `JobStore.complete(_:)`: its id and what its node reported (as the
/// coordinator records it).
public struct Completion: Sendable, Equatable {
    public var attempt: String
    public var outcome: TaskOutcome

    public init(attempt: String, outcome: TaskOutcome) {
        self.attempt = attempt
        self.outcome = outcome
    }
}

extension JobStore {
    /// Records several finished attempts in one transaction (the results of one pass of the
    /// coordinator's loop: one commit, and on PostgreSQL one fsync, for all of them). Returns,
    /// in order, each task as recorded, or nil for a stale attempt, exactly as
    /// `complete(attempt:outcome:)` would one by one. In the same transaction a lighting task's
    /// artifact id is recorded in its job (as `setLighting`) and a publish task finishes its
    /// job (as `finish`), so a job is never seen with its lighting done but no lighting id, or
    /// its publish done but the job still running. The body touches only the session, so a
    /// backend may run it again after losing its connection.
    public func complete(_ completions: [Completion]) throws -> [StoredTask?] {
        guard !completions.isEmpty else { return [] }
        let encoder = WireMessage.makeEncoder()
        let outcomes = try completions.map { try String(decoding: encoder.encode($0.outcome), as: UTF8.self) }
        let seams = try completions.map { completion in
            try completion.outcome.seams.map { String(decoding: try JSONEncoder().encode($0.seams.map(\.score)), as: UTF8.self) }
        }
        let recorded = try backend.write { db in
            var recorded: [StoredTask?] = []
            recorded.reserveCapacity(completions.count)
            for (index, completion) in completions.enumerated() {
                guard let task = try complete(db, attempt: completion.attempt, outcomeJSON: outcomes[index], framesWritten: completion.outcome.framesWritten) else {
                    recorded.append(nil)
                    continue
                }
                switch task.node.kind {
                case .lighting:
                    if let id = completion.outcome.lightingID { try recordLighting(db, job: task.job, id: id) }
                case .publish:
                    try Self.finish(db, job: task.job, published: completion.outcome.published, seamsJSON: seams[index])
                case .generate, .blend:
                    break
                }
                recorded.append(task)
            }
            return recorded
        }
        changes.insert(contentsOf: recorded.compactMap { $0?.job })
        return recorded
    }

    /// `setLighting` inside an open transaction: the job row is read (locked on PostgreSQL),
    /// changed and written back.
    private func recordLighting(_ db: any StoreSession, job: String, id: String) throws {
        guard let row = try db.queryOne("SELECT job_json FROM jobs WHERE id = ?\(backend.dialect.forUpdate)", [job]) else { return }
        var stored = try caches.jobs.value(try row.string("job_json")) { try WireMessage.makeDecoder().decode(ShotJob.self, from: Data($0.utf8)) }
        stored.lightingID = id
        let json = try String(decoding: WireMessage.makeEncoder().encode(stored), as: UTF8.self)
        try db.execute("UPDATE jobs SET job_json = ? WHERE id = ?", [json, job])
    }
}
