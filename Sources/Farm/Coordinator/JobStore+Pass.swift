import Foundation

/// What one pass of the coordinator's loop wrote (`JobStore.pass`).
public struct PassResult {
    /// In order of the completions given: each task as recorded, or nil for a stale attempt.
    public var recorded: [StoredTask?]
    /// The leases the plan asked for (from the run of the transaction that committed).
    public var requests: [LeaseRequest]
    /// The attempt ids among `requests` that were leased.
    public var leased: Set<String>
}

extension JobStore {
    /// The store's part of one pass of the coordinator's loop: records the pass's results (as
    /// `complete(_:)`) and leases the tasks `plan` chooses among the ready ones (as
    /// `lease(_:fence:)`, fenced alike), in ONE transaction: one commit per pass instead of two.
    /// On PostgreSQL the loop waits twice: once for the completing UPDATE's rows together with
    /// the ready tasks (one pipelined batch), once for COMMIT, which answers for the lighting
    /// ids, the finished jobs and the lease batch sent unawaited before it. The commit is
    /// durable (it holds results).
    ///
    /// The ready tasks are read after the results are recorded, and so after their dependants
    /// were released (by trigger, in the completing UPDATE: JobStore+Release.swift): a task a
    /// result of this pass makes ready competes, by priority, for this pass's free slots. A
    /// fence that refuses the lease refuses only the lease: the results are recorded all the
    /// same, as `complete` alone would.
    ///
    /// Without results, the ready tasks are read outside any transaction and the lease is
    /// `lease(_:fence:)` itself (its commit need not reach the disk: see there). `readyLimit`
    /// nil: no ready tasks are read and nothing is leased (no node has a free slot).
    ///
    /// `plan` gets the ready tasks, highest priority first (as `readyTasks`), and a reader of
    /// jobs by id in the same transaction; it must change nothing outside itself, since a
    /// backend may run the transaction again after losing its connection (`StoreBackend.write`).
    public func pass(recording completions: [Completion], readyLimit: Int?, fence: (holder: String, now: Date)?,
                     plan: (_ ready: [StoredTask], _ jobs: ([String]) throws -> [String: StoredJob]) throws -> [LeaseRequest]) throws -> PassResult {
        guard !completions.isEmpty else {
            guard let readyLimit else { return PassResult(recorded: [], requests: [], leased: []) }
            let ready = try readyTasks(limit: readyLimit)
            let requests = ready.isEmpty ? [] : try plan(ready) { try jobs(ids: $0) }
            return PassResult(recorded: [], requests: requests, leased: try lease(requests, fence: fence))
        }
        let batch = try ResultBatch(completions)
        let (recorded, requests, answer) = try backend.write { db -> ([StoredTask?], [LeaseRequest], StoreAnswer?) in
            let recording = batch.statements(backend.dialect)
            let answers = try db.queryAll(recording + (readyLimit.map { [(Self.readySQL, [$0] as StoreArguments)] } ?? []))
            let recorded = try record(db, batch, answers: answers)
            let ready = readyLimit == nil ? [] : try answers[recording.count].map(decodeTask)
            let requests = ready.isEmpty ? [] : try plan(ready) { try jobs(ids: $0, db) }
            return (recorded, requests, requests.isEmpty ? nil : try Self.lease(db, requests, fence: fence))
        }
        changes.insert(contentsOf: recorded.compactMap { $0?.job } + requests.map(\.job))
        return PassResult(recorded: recorded, requests: requests, leased: Set(try answer?.rows().map { try $0.string("attempt") } ?? []))
    }
}
