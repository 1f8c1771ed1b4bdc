import Foundation

/// One task the dispatcher wants leased: which task, under which fresh attempt id, to which node.
public struct LeaseRequest: Sendable, Equatable {
    public var job: String
    public var task: String
    public var attempt: String
    public var worker: String

    public init(job: String, task: String, attempt: String, worker: String) {
        self.job = job
        self.task = task
        self.attempt = attempt
        self.worker = worker
    }
}

extension JobStore {
    /// Most leases one `lease(_:fence:)` call takes: its statement binds 4 values per lease plus
    /// 2, and SQLite allows 32766 variables; a dispatch pass asks for one per free slot.
    public static let maxLeaseBatch = 1024

    /// Leases several ready tasks in one transaction of two statements, whatever their number
    /// (one dispatch pass: one fsync and, on PostgreSQL, one round trip: both statements go
    /// unawaited ahead of COMMIT). Returns the attempt ids that were leased; a task no longer ready is left out.
    ///
    /// With `fence`, nothing is leased unless `fence.holder` holds the unexpired
    /// active-coordinator lease at `fence.now`, checked inside the leasing statement itself, as
    /// `lease(job:task:attempt:worker:fence:)` does: a coordinator that lost the lease without
    /// noticing (its pair link cut) cannot dispatch. The UPDATE is the lock: on PostgreSQL a
    /// second coordinator's UPDATE of the same rows waits for this transaction, then finds them
    /// no longer ready and changes nothing.
    public func lease(_ requests: [LeaseRequest], fence: (holder: String, now: Date)?) throws -> Set<String> {
        guard !requests.isEmpty else { return [] }
        defer { changes.insert(contentsOf: Set(requests.map(\.job))) }
        let answer = try backend.write { db in
            // PostgreSQL: this commit does not wait for its WAL to reach the disk (it follows
            // within the WAL writer's 0.2 s, or with the next durable commit, a result batch's).
            // A server crash in that window loses leases, never results or publishes: a lost
            // lease is a task back in 'ready', which is the fail-over rules' "requeued" case, and
            // its node's result then names an attempt the store does not know and is refused as
            // stale. Every other transaction keeps synchronous commit (SET LOCAL ends with this one).
            if backend.dialect == .postgres { try db.executeLater("SET LOCAL synchronous_commit = off", []) }
            return try Self.lease(db, requests, fence: fence)
        }
        return Set(try answer.rows().map { try $0.string("attempt") })
    }

    /// The two statements of a lease batch inside an open transaction, both sent unawaited on
    /// PostgreSQL (the transaction's COMMIT answers for them). The answer's rows, read once the
    /// transaction has committed, are the leased tasks' job ids and attempt ids.
    static func lease(_ db: any StoreSession, _ requests: [LeaseRequest], fence: (holder: String, now: Date)?) throws -> StoreAnswer {
        precondition(requests.count <= maxLeaseBatch, "lease batch of \(requests.count) > \(maxLeaseBatch)")
        var arguments: StoreArguments = []
        arguments.reserveCapacity(requests.count * 4 + 2)
        for request in requests { arguments += [request.job, request.task, request.attempt, request.worker] as StoreArguments }
        let fenceClause = fence == nil ? "" : " AND EXISTS (SELECT 1 FROM active_coordinator WHERE id = 1 AND holder = ? AND expires_at > ?)"
        if let fence { arguments += [fence.holder, fence.now.timeIntervalSince1970] as StoreArguments }
        let jobs = Array(Set(requests.map(\.job))).sorted()
        // A CTE with named columns and UPDATE … FROM … RETURNING: the same text on SQLite
        // (3.35 or newer) and PostgreSQL. The second statement needs nothing from the first's
        // rows: it finds the jobs whose tasks this batch leased by their fresh attempt ids.
        let leased = try db.queryLater("""
            WITH wanted (job_id, name, attempt, worker) AS (VALUES \(rows(4, requests.count)))
            UPDATE tasks SET state = 'leased', attempt = wanted.attempt, worker = wanted.worker, attempts = tasks.attempts + 1, frames_done = 0
            FROM wanted
            WHERE tasks.job_id = wanted.job_id AND tasks.name = wanted.name AND tasks.state = 'ready'\(fenceClause)
            RETURNING tasks.job_id AS job_id, tasks.attempt AS attempt
            """, arguments)
        try db.executeLater("""
            UPDATE jobs SET state = 'running', started_at = COALESCE(started_at, ?)
            WHERE state = 'queued' AND id IN (\(marks(jobs.count)))
              AND EXISTS (SELECT 1 FROM tasks WHERE tasks.job_id = jobs.id AND tasks.state = 'leased' AND tasks.attempt IN (\(marks(requests.count))))
            """, [Date().timeIntervalSince1970] + (jobs as StoreArguments) + (requests.map(\.attempt) as StoreArguments))
        return leased
    }
}
