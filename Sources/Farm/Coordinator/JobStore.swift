import Foundation

/// A task's state in the store.
public enum TaskState: String, Sendable, Codable {
    /// Waiting for its dependencies.
    case waiting
    /// Can be dispatched.
    case ready
    /// Dispatched to a node under an attempt id.
    case leased
    case done
    case failed
    case cancelled
}

/// One task row.
public struct StoredTask: Sendable, Equatable {
    public var job: String
    public var node: TaskNode
    public var state: TaskState
    public var attempts: Int
    public var attempt: String?
    public var worker: String?
    public var framesDone: Int
    public var error: String?
    public var outcome: TaskOutcome?
    /// Nodes this task failed on; retries prefer others.
    public var failedOn: [String]
}

/// One job row.
public struct StoredJob: Sendable, Equatable {
    public var job: ShotJob
    public var state: JobState
    public var error: String?
    public var published: String?
    public var seamScores: [Double?]?
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Dispatch priority (`JobPriority`; JobStore+Priority.swift).
    public var priority: Int = JobPriority.default
}

/// The coordinator's durable job store: SQLite in WAL mode under `--state` (the default), or a
/// PostgreSQL server (`--store postgres://…`, FarmPostgres) that two coordinators can share.
/// Both run the same schema (`StoreSchema`) and the same SQL; every state change is one
/// transaction, and rows two coordinators could fight over are locked (`SQLDialect.forUpdate`).
/// Survives restarts.
public final class JobStore: Sendable {
    /// Internal, not private: the attempt history and the snapshot queries live in JobStore+Timeline.swift.
    let backend: any StoreBackend
    /// Decoded JSON columns (JobStore+DecodedColumns.swift).
    let caches = JobStoreCaches()
    /// Jobs changed by this store's writes, for the snapshot (JobStore+Changes.swift).
    let changes = ChangedJobs()

    /// Opens `backend` and brings its schema up to date.
    public convenience init(backend: any StoreBackend) throws {
        try self.init(backend: backend, migrating: true)
    }

    /// `migrating: false` for a second view of a store already opened (`asideReader`).
    init(backend: any StoreBackend, migrating: Bool) throws {
        self.backend = backend
        if migrating { try StoreMigration.migrate(backend, StoreSchema.migrations) }
    }

    /// The SQLite store in `directory` (created if missing).
    public convenience init(directory: URL) throws {
        try self.init(backend: SQLiteStore(directory: directory))
    }

    /// Where the rows are, for logs: a file path, or a URL without its password.
    public var location: String { backend.location }

    private var dialect: SQLDialect { backend.dialect }

    // MARK: - Jobs

    /// Stores a new job and its task graph; tasks without dependencies start ready.
    public func insert(_ job: ShotJob, tasks: [TaskNode]) throws {
        let jobJSON = try String(decoding: WireMessage.makeEncoder().encode(job), as: UTF8.self)
        let nodes = try tasks.map { try String(decoding: WireMessage.makeEncoder().encode($0), as: UTF8.self) }
        // Sent unawaited (on PostgreSQL the COMMIT answers for all of them: one round trip per
        // job, not one per row); a failed INSERT still rolls the whole job back.
        try backend.write { db in
            try db.executeLater("INSERT INTO jobs (id, state, job_json, submitted_at) VALUES (?, ?, ?, ?)",
                                [job.id, JobState.queued.rawValue, jobJSON, job.submittedAt.timeIntervalSince1970])
            for (seq, task) in tasks.enumerated() {
                try db.executeLater("INSERT INTO tasks (job_id, name, node_json, state, seq, pending_deps) VALUES (?, ?, ?, ?, ?, ?)",
                                    [job.id, task.name, nodes[seq], (task.dependsOn.isEmpty ? TaskState.ready : .waiting).rawValue, seq, task.dependsOn.count])
                for dependency in task.dependsOn {
                    try db.executeLater("INSERT INTO task_deps (job_id, task, depends_on) VALUES (?, ?, ?)", [job.id, task.name, dependency])
                }
            }
        }
        changes.insert(job.id)
        backend.rowsAdded(1 + tasks.count + tasks.reduce(0) { $0 + $1.dependsOn.count })
    }

    public func job(_ id: String) throws -> StoredJob? {
        try backend.read { db in try db.queryOne("SELECT * FROM jobs WHERE id = ?", [id]).map(decodeJob) }
    }

    /// The jobs among `ids` that exist, by id: one statement for a dispatch pass's new jobs
    /// instead of one each.
    public func jobs(ids: [String]) throws -> [String: StoredJob] {
        try backend.read { db in try jobs(ids: ids, db) }
    }

    /// `jobs(ids:)` on an open session (a read, or the transaction of a loop pass).
    func jobs(ids: [String], _ db: any StoreSession) throws -> [String: StoredJob] {
        var found: [String: StoredJob] = [:]
        for slice in Self.parts(ids) {
            for row in try db.query("SELECT * FROM jobs WHERE id IN (\(Self.marks(slice.count)))", slice as StoreArguments) {
                let job = try decodeJob(row)
                found[job.job.id] = job
            }
        }
        return found
    }

    /// Most ids one `IN (…)` list binds (SQLite allows 32766 variables; both plan a long list
    /// slowly), so a store of many jobs is asked in parts.
    static let maxListed = 500

    /// `ids` in parts of at most `maxListed`.
    static func parts(_ ids: [String]) -> [[String]] {
        stride(from: 0, to: ids.count, by: maxListed).map { Array(ids[$0..<min(ids.count, $0 + maxListed)]) }
    }

    /// `count` placeholders for an `IN (…)` list, comma-separated without spaces, so the SQLite
    /// backend does not keep one compiled statement per length (SQLiteStore.cacheable).
    static func marks(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ",")
    }

    /// Jobs, oldest first; `active` limits to queued and running.
    public func jobs(active: Bool = false) throws -> [StoredJob] {
        let filter = active ? "WHERE state IN ('queued', 'running')" : ""
        return try backend.read { db in try db.query("SELECT * FROM jobs \(filter) ORDER BY submitted_at, id").map(decodeJob) }
    }

    /// What STATUS lists: every queued or running job and the `finished` final ones submitted
    /// last, oldest first. The final ones come through `jobs_finished_by_submission` (migration
    /// v6), so the read does not grow with the store's history.
    public func jobs(listedFinished finished: Int) throws -> [StoredJob] {
        try backend.read { db in
            try db.query(Self.listedSQL, [finished]).map(decodeJob)
        }
    }

    /// `jobs(listedFinished:)`' statement; its one argument is the number of final jobs. Two
    /// halves, each answered by its own partial index (`jobs_dispatch_order`,
    /// `jobs_finished_by_submission`), where one `OR` made PostgreSQL read the whole table.
    static let listedSQL = """
        SELECT * FROM (
            SELECT * FROM jobs WHERE state IN ('queued', 'running')
            UNION ALL
            SELECT * FROM (SELECT * FROM jobs WHERE state IN ('done', 'failed', 'cancelled') ORDER BY submitted_at DESC, id DESC LIMIT ?) last_finished
        ) listed ORDER BY submitted_at, id
        """

    /// Ids of jobs that became final after `date`.
    public func jobs(finishedSince date: Date) throws -> [String] {
        try backend.read { db in
            try db.query("SELECT id FROM jobs WHERE state IN ('done', 'failed', 'cancelled') AND finished_at > ?", [date.timeIntervalSince1970])
                .map { try $0.string("id") }
        }
    }

    public func tasks(job: String) throws -> [StoredTask] {
        try backend.read { db in try db.query("SELECT * FROM tasks WHERE job_id = ? ORDER BY seq", [job]).map(decodeTask) }
    }

    /// Ready tasks of active jobs, highest job priority first, then oldest job first, each job's
    /// in graph order; at most `limit`.
    public func readyTasks(limit: Int = 256) throws -> [StoredTask] {
        try backend.read { db in try db.query(Self.readySQL, [limit]).map(decodeTask) }
    }

    /// `readyTasks`' statement; its one argument is the limit. `jobs CROSS JOIN tasks` makes
    /// SQLite walk the unfinished jobs in dispatch order (`jobs_dispatch_order`) and each one's
    /// ready tasks in graph order (`tasks_ready_by_job`), stopping at the limit, instead of
    /// sorting every ready task; PostgreSQL plans the join itself from the same indexes
    /// (StoreSchema.v6DispatchOrder).
    static let readySQL = """
        SELECT tasks.* FROM jobs CROSS JOIN tasks
        WHERE tasks.job_id = jobs.id AND tasks.state = 'ready' AND jobs.state IN ('queued', 'running')
        ORDER BY jobs.priority DESC, jobs.submitted_at, jobs.id, tasks.seq LIMIT ?
        """

    /// Tasks currently leased (any job).
    public func leasedTasks() throws -> [StoredTask] {
        try backend.read { db in try db.query("SELECT * FROM tasks WHERE state = 'leased'").map(decodeTask) }
    }

    public func task(attempt: String) throws -> StoredTask? {
        try backend.read { db in try db.queryOne("SELECT * FROM tasks WHERE attempt = ?", [attempt]).map(decodeTask) }
    }

    /// Progress of a job by SQL aggregates, without decoding its tasks (JobStore+Progress.swift).
    public func progress(job: String) throws -> Progress {
        try progress(jobs: [job])[job] ?? Progress(framesDone: 0, chunksDone: 0, running: 0, workers: [])
    }

    // MARK: - Task transitions

    /// Leases a ready task to `worker` under a fresh attempt id; false if it was no longer ready.
    /// The conditional UPDATE is the lock: on PostgreSQL a second coordinator's UPDATE of the same
    /// row waits for this transaction, then finds the task no longer ready and changes nothing.
    /// With `fence`, the lease is also refused (false) unless `fence.holder` holds the
    /// active-coordinator lease at `fence.now`, checked in the same statement: a coordinator that
    /// lost the lease without noticing yet cannot dispatch.
    public func lease(job: String, task: String, attempt: String, worker: String, fence: (holder: String, now: Date)? = nil) throws -> Bool {
        let fenceClause = fence == nil ? "" : " AND EXISTS (SELECT 1 FROM active_coordinator WHERE id = 1 AND holder = ? AND expires_at > ?)"
        let fenceArguments: StoreArguments = fence.map { [$0.holder, $0.now.timeIntervalSince1970] } ?? []
        defer { changes.insert(job) }
        return try backend.write { db in
            let changed = try db.execute("""
                UPDATE tasks SET state = 'leased', attempt = ?, worker = ?, attempts = attempts + 1, frames_done = 0
                WHERE job_id = ? AND name = ? AND state = 'ready'\(fenceClause)
                """, [attempt, worker, job, task] + fenceArguments)
            guard changed == 1 else { return false }
            try db.executeLater("UPDATE jobs SET state = 'running', started_at = COALESCE(started_at, ?) WHERE id = ? AND state = 'queued'",
                                [Date().timeIntervalSince1970, job])
            return true
        }
    }

    public func setProgress(attempt: String, framesDone: Int) throws {
        let jobs = try backend.write { db in
            try db.query("UPDATE tasks SET frames_done = ? WHERE attempt = ? AND state = 'leased' RETURNING job_id", [framesDone, attempt]).map { try $0.string("job_id") }
        }
        changes.insert(contentsOf: jobs)
    }

    /// Records a finished attempt: `complete(_:)` for one. Returns the task as recorded (done),
    /// or nil when the attempt is stale (the task was re-leased, cancelled or already done): such
    /// results are ignored. The conditional UPDATE is the lock: on PostgreSQL a second
    /// coordinator handed the same result waits for the row, then finds it no longer leased and
    /// changes nothing, so exactly one records it (and so one publish completes once).
    public func complete(attempt: String, outcome: TaskOutcome) throws -> StoredTask? {
        try complete([Completion(attempt: attempt, outcome: outcome)])[0]
    }

    /// Records a failed attempt: back to ready (remembering the node) unless attempts are used up
    /// or the error cannot be cured by retrying, in which case the task and its job fail.
    public func fail(attempt: String, error: String, retryable: Bool, maxAttempts: Int) throws -> (task: StoredTask, jobFailed: Bool)? {
        let failed = try backend.write { db -> (StoredTask, Bool)? in
            guard let row = try db.queryOne("SELECT * FROM tasks WHERE attempt = ? AND state = 'leased'\(dialect.forUpdate)", [attempt]) else { return nil }
            var task = try decodeTask(row)
            if let worker = task.worker { task.failedOn.append(worker) }
            let failedOn = String(decoding: try JSONEncoder().encode(task.failedOn), as: UTF8.self)
            if retryable, task.attempts < maxAttempts {
                try db.execute("UPDATE tasks SET state = 'ready', attempt = NULL, worker = NULL, error = ?, failed_on = ?, frames_done = 0 WHERE job_id = ? AND name = ?",
                               [error, failedOn, task.job, task.node.name])
                return (task, false)
            }
            try db.execute("UPDATE tasks SET state = 'failed', error = ?, failed_on = ? WHERE job_id = ? AND name = ?",
                           [error, failedOn, task.job, task.node.name])
            let message = "\(task.node.name) failed after \(task.attempts) attempt(s): \(error)"
            try db.execute("UPDATE jobs SET state = 'failed', error = ?, finished_at = ? WHERE id = ?",
                           [message, Date().timeIntervalSince1970, task.job])
            try db.execute("UPDATE tasks SET state = 'cancelled' WHERE job_id = ? AND state IN ('waiting', 'ready')", [task.job])
            return (task, true)
        }
        if let failed { changes.insert(failed.0.job) }
        return failed
    }

    /// Puts a leased task back in the queue without counting a failure against the node's work
    /// (its node died or left): the attempt id is retired so a late result is ignored.
    public func requeue(attempt: String, reason: String) throws {
        let jobs = try backend.write { db in
            try db.query("""
                UPDATE tasks SET state = 'ready', attempt = NULL, worker = NULL, frames_done = 0, error = ?
                WHERE attempt = ? AND state = 'leased' RETURNING job_id
                """, [reason, attempt]).map { try $0.string("job_id") }
        }
        changes.insert(contentsOf: jobs)
    }

    /// Marks a job done with its published folder and seam scores.
    public func finish(job: String, published: String?, seamScores: [Double?]?) throws {
        let seams = try seamScores.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try backend.write { db in
            try db.execute("UPDATE jobs SET state = 'done', published = ?, seams_json = ?, finished_at = ? WHERE id = ?",
                           [published, seams, Date().timeIntervalSince1970, job])
        }
        changes.insert(job)
    }

    /// Records the lighting artifact in the job so later tasks stamp it into frames.
    public func setLighting(job: String, id: String) throws {
        guard var stored = try self.job(job) else { return }
        stored.job.lightingID = id
        let json = try String(decoding: WireMessage.makeEncoder().encode(stored.job), as: UTF8.self)
        try backend.write { db in try db.execute("UPDATE jobs SET job_json = ? WHERE id = ?", [json, job]) }
        changes.insert(job)
    }

    /// Cancels a job: pending tasks are cancelled; returns the attempts still running so their
    /// nodes can be told. False when the job is unknown or already final.
    public func cancel(job: String) throws -> (cancelled: Bool, running: [String]) {
        defer { changes.insert(job) }
        return try backend.write { db in
            let state = try db.queryOne("SELECT state FROM jobs WHERE id = ?\(dialect.forUpdate)", [job]).map { try $0.string("state") }
            guard let state, let current = JobState(rawValue: state), !current.isFinal else { return (false, []) }
            let running = try db.query("SELECT attempt FROM tasks WHERE job_id = ? AND state = 'leased'\(dialect.forUpdate)", [job]).map { try $0.string("attempt") }
            try db.execute("UPDATE tasks SET state = 'cancelled', attempt = NULL WHERE job_id = ? AND state IN ('waiting', 'ready', 'leased')", [job])
            try db.execute("UPDATE jobs SET state = 'cancelled', finished_at = ? WHERE id = ?", [Date().timeIntervalSince1970, job])
            return (true, running)
        }
    }

    // MARK: - Nodes

    public func setDrained(_ name: String, _ drained: Bool) throws {
        try backend.write { db in
            if drained {
                try db.execute("INSERT INTO drained_nodes (name) VALUES (?) ON CONFLICT DO NOTHING", [name])
            } else {
                try db.execute("DELETE FROM drained_nodes WHERE name = ?", [name])
            }
        }
    }

    public func drainedNodes() throws -> Set<String> {
        try backend.read { db in Set(try db.query("SELECT name FROM drained_nodes").map { try $0.string("name") }) }
    }

    // MARK: - Active coordinator lease

    /// Takes or renews the single "active coordinator" lease for `holder` until `now + ttl`; true
    /// when `holder` has it. It is free to take when nobody holds it, when the holder's lease has
    /// expired, or when `holder` already holds it (a renewal). One `INSERT … ON CONFLICT DO UPDATE
    /// … WHERE` statement, so of two coordinators racing (two processes, or two machines on one
    /// PostgreSQL) exactly one changes the row and wins; the loser's statement changes nothing.
    /// Times come from the caller's clock: the pair's clocks must agree to well within `ttl`.
    public func claimActive(holder: String, now: Date, ttl: TimeInterval) throws -> Bool {
        try backend.write { db in
            try db.execute("""
                INSERT INTO active_coordinator (id, holder, expires_at) VALUES (1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE active_coordinator.holder = excluded.holder OR active_coordinator.expires_at <= ?
                """, [holder, now.addingTimeInterval(ttl).timeIntervalSince1970, now.timeIntervalSince1970]) == 1
        }
    }

    /// Gives the lease up at once (a clean shutdown or a step down), so the peer need not wait for
    /// it to expire. Does nothing when `holder` does not hold it.
    public func releaseActive(holder: String) throws {
        try backend.write { db in try db.execute("DELETE FROM active_coordinator WHERE holder = ?", [holder]) }
    }

    /// Who holds the active-coordinator lease and until when; nil when nobody ever took it or it was released.
    public func activeHolder() throws -> (holder: String, expiresAt: Date)? {
        try backend.read { db in
            try db.queryOne("SELECT holder, expires_at FROM active_coordinator WHERE id = 1").map {
                (try $0.string("holder"), Date(timeIntervalSince1970: try $0.double("expires_at")))
            }
        }
    }

    // MARK: - Rows

    // A row that does not decode throws (the coordinator logs it and carries on) rather than crash.
    func decodeJob(_ row: StoreRow) throws -> StoredJob {
        let job = try decodeShotJob(try row.string("job_json"))
        let seams = try row.optionalString("seams_json").flatMap { try? JSONDecoder().decode([Double?].self, from: Data($0.utf8)) }
        return StoredJob(
            job: job, state: JobState(rawValue: try row.string("state")) ?? .failed, error: try row.optionalString("error"),
            published: try row.optionalString("published"), seamScores: seams,
            startedAt: try row.optionalDouble("started_at").map(Date.init(timeIntervalSince1970:)),
            finishedAt: try row.optionalDouble("finished_at").map(Date.init(timeIntervalSince1970:)),
            priority: try row.int("priority")
        )
    }

    /// A `job_json` column's job, decoded once per distinct text.
    func decodeShotJob(_ json: String) throws -> ShotJob {
        try caches.jobs.value(json) { try WireMessage.makeDecoder().decode(ShotJob.self, from: Data($0.utf8)) }
    }

    func decodeTask(_ row: StoreRow) throws -> StoredTask {
        StoredTask(
            job: try row.string("job_id"),
            node: try caches.nodes.value(try row.string("node_json")) { try WireMessage.makeDecoder().decode(TaskNode.self, from: Data($0.utf8)) },
            state: TaskState(rawValue: try row.string("state")) ?? .failed,
            attempts: try row.int("attempts"), attempt: try row.optionalString("attempt"), worker: try row.optionalString("worker"),
            framesDone: try row.int("frames_done"),
            error: try row.optionalString("error"),
            outcome: try row.optionalString("outcome_json").flatMap { text in
                try? caches.outcomes.value(text) { try WireMessage.makeDecoder().decode(TaskOutcome.self, from: Data($0.utf8)) }
            },
            failedOn: (try? caches.failedOn.value(try row.string("failed_on")) { try JSONDecoder().decode([String].self, from: Data($0.utf8)) }) ?? []
        )
    }
}
