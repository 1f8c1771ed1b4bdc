import Foundation
import GRDB

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
}

/// The coordinator's durable job store: SQLite in WAL mode under `--state`. Survives restarts;
/// every state change is one transaction.
public final class JobStore: Sendable {
    /// Internal, not private: the attempt history and the snapshot queries live in JobStore+Timeline.swift.
    let db: DatabasePool

    public init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        // A second process on the same file (a second coordinator, or a test reading beside one)
        // waits for the write lock instead of failing at once with SQLITE_BUSY.
        configuration.busyMode = .timeout(10)
        db = try DatabasePool(path: directory.appendingPathComponent("scenefarm.sqlite").path, configuration: configuration)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE jobs (
                    id TEXT PRIMARY KEY,
                    state TEXT NOT NULL,
                    job_json TEXT NOT NULL,
                    submitted_at REAL NOT NULL,
                    started_at REAL,
                    finished_at REAL,
                    error TEXT,
                    published TEXT,
                    seams_json TEXT
                );
                CREATE TABLE tasks (
                    job_id TEXT NOT NULL REFERENCES jobs(id),
                    name TEXT NOT NULL,
                    node_json TEXT NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    attempt TEXT,
                    worker TEXT,
                    frames_done INTEGER NOT NULL DEFAULT 0,
                    error TEXT,
                    outcome_json TEXT,
                    failed_on TEXT NOT NULL DEFAULT '[]',
                    seq INTEGER NOT NULL,
                    pending_deps INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (job_id, name)
                );
                -- Edges of the task graph, so finishing a task touches only the tasks that wait on it.
                CREATE TABLE task_deps (
                    job_id TEXT NOT NULL,
                    task TEXT NOT NULL,
                    depends_on TEXT NOT NULL
                );
                CREATE INDEX task_deps_by_dependency ON task_deps(job_id, depends_on);
                CREATE INDEX tasks_state ON tasks(state);
                CREATE UNIQUE INDEX tasks_attempt ON tasks(attempt) WHERE attempt IS NOT NULL;
                CREATE TABLE drained_nodes (name TEXT PRIMARY KEY);
                """)
        }
        Self.registerTimeline(&migrator)
        migrator.registerMigration("v3-active-coordinator") { db in
            // One row at most (id is always 1): who may dispatch, and until when.
            try db.execute(sql: "CREATE TABLE active_coordinator (id INTEGER PRIMARY KEY CHECK (id = 1), holder TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL)")
        }
        try migrator.migrate(db)
    }

    // MARK: - Jobs

    /// Stores a new job and its task graph; tasks without dependencies start ready.
    public func insert(_ job: ShotJob, tasks: [TaskNode]) throws {
        let jobJSON = try String(decoding: WireMessage.makeEncoder().encode(job), as: UTF8.self)
        try db.write { db in
            try db.execute(sql: "INSERT INTO jobs (id, state, job_json, submitted_at) VALUES (?, ?, ?, ?)",
                           arguments: [job.id, JobState.queued.rawValue, jobJSON, job.submittedAt.timeIntervalSince1970])
            for (seq, task) in tasks.enumerated() {
                let nodeJSON = try String(decoding: WireMessage.makeEncoder().encode(task), as: UTF8.self)
                try db.execute(sql: "INSERT INTO tasks (job_id, name, node_json, state, seq, pending_deps) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [job.id, task.name, nodeJSON, (task.dependsOn.isEmpty ? TaskState.ready : .waiting).rawValue, seq, task.dependsOn.count])
                for dependency in task.dependsOn {
                    try db.execute(sql: "INSERT INTO task_deps (job_id, task, depends_on) VALUES (?, ?, ?)", arguments: [job.id, task.name, dependency])
                }
            }
        }
    }

    public func job(_ id: String) throws -> StoredJob? {
        try db.read { db in try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]).map(Self.job) }
    }

    /// Jobs, oldest first; `active` limits to queued and running.
    public func jobs(active: Bool = false) throws -> [StoredJob] {
        let filter = active ? "WHERE state IN ('queued', 'running')" : ""
        return try db.read { db in try Row.fetchAll(db, sql: "SELECT * FROM jobs \(filter) ORDER BY submitted_at, id").map(Self.job) }
    }

    /// Ids of jobs that became final after `date`.
    public func jobs(finishedSince date: Date) throws -> [String] {
        try db.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM jobs WHERE state IN ('done', 'failed', 'cancelled') AND finished_at > ?", arguments: [date.timeIntervalSince1970])
        }
    }

    public func tasks(job: String) throws -> [StoredTask] {
        try db.read { db in try Row.fetchAll(db, sql: "SELECT * FROM tasks WHERE job_id = ? ORDER BY seq", arguments: [job]).map(Self.task) }
    }

    /// Ready tasks of active jobs, oldest job first, in graph order; at most `limit`.
    public func readyTasks(limit: Int = 256) throws -> [StoredTask] {
        try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT tasks.* FROM tasks JOIN jobs ON jobs.id = tasks.job_id
                WHERE tasks.state = 'ready' AND jobs.state IN ('queued', 'running')
                ORDER BY jobs.submitted_at, jobs.id, tasks.seq LIMIT ?
                """, arguments: [limit]).map(Self.task)
        }
    }

    /// Tasks currently leased (any job).
    public func leasedTasks() throws -> [StoredTask] {
        try db.read { db in try Row.fetchAll(db, sql: "SELECT * FROM tasks WHERE state = 'leased'").map(Self.task) }
    }

    public func task(attempt: String) throws -> StoredTask? {
        try db.read { db in try Row.fetchOne(db, sql: "SELECT * FROM tasks WHERE attempt = ?", arguments: [attempt]).map(Self.task) }
    }

    /// Progress of a job by SQL aggregates, without decoding its tasks.
    public struct Progress: Sendable, Equatable {
        public var framesDone: Int
        public var chunksDone: Int
        public var running: Int
        public var workers: [String]
    }

    public func progress(job: String) throws -> Progress {
        try db.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT
                    COALESCE(SUM(CASE WHEN name LIKE 'generate-%' OR name LIKE 'blend-%' THEN frames_done ELSE 0 END), 0) AS frames,
                    (SELECT COUNT(*) FROM (
                        -- A chunk is done when every generate task of it is: 'generate-0003', or its
                        -- parts 'generate-0003-1041-1064' when it was split over nodes.
                        SELECT CASE WHEN instr(substr(name, 10), '-') > 0 THEN substr(name, 1, 8 + instr(substr(name, 10), '-')) ELSE name END AS chunk
                        FROM tasks WHERE job_id = ?1 AND name LIKE 'generate-%'
                        GROUP BY chunk HAVING SUM(state != 'done') = 0
                    )) AS chunks,
                    COALESCE(SUM(CASE WHEN state = 'leased' THEN 1 ELSE 0 END), 0) AS running
                FROM tasks WHERE job_id = ?1
                """, arguments: [job])
            let workers = try String.fetchAll(db, sql: "SELECT DISTINCT worker FROM tasks WHERE job_id = ? AND state = 'leased' AND worker IS NOT NULL ORDER BY worker", arguments: [job])
            return Progress(framesDone: row?["frames"] ?? 0, chunksDone: row?["chunks"] ?? 0, running: row?["running"] ?? 0, workers: workers)
        }
    }

    // MARK: - Task transitions

    /// Leases a ready task to `worker` under a fresh attempt id; false if it was no longer ready.
    public func lease(job: String, task: String, attempt: String, worker: String) throws -> Bool {
        try db.write { db in
            try db.execute(sql: """
                UPDATE tasks SET state = 'leased', attempt = ?, worker = ?, attempts = attempts + 1, frames_done = 0
                WHERE job_id = ? AND name = ? AND state = 'ready'
                """, arguments: [attempt, worker, job, task])
            guard db.changesCount == 1 else { return false }
            try db.execute(sql: "UPDATE jobs SET state = 'running', started_at = COALESCE(started_at, ?) WHERE id = ? AND state = 'queued'",
                           arguments: [Date().timeIntervalSince1970, job])
            return true
        }
    }

    public func setProgress(attempt: String, framesDone: Int) throws {
        try db.write { db in
            try db.execute(sql: "UPDATE tasks SET frames_done = ? WHERE attempt = ? AND state = 'leased'", arguments: [framesDone, attempt])
        }
    }

    /// Records a finished attempt. Returns the task, or nil when the attempt is stale (the task was
    /// re-leased, cancelled or already done): such results are ignored.
    public func complete(attempt: String, outcome: TaskOutcome) throws -> StoredTask? {
        let outcomeJSON = try String(decoding: WireMessage.makeEncoder().encode(outcome), as: UTF8.self)
        return try db.write { db -> StoredTask? in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM tasks WHERE attempt = ? AND state = 'leased'", arguments: [attempt]) else { return nil }
            let task = try Self.task(row)
            try db.execute(sql: "UPDATE tasks SET state = 'done', outcome_json = ?, frames_done = ?, error = NULL WHERE attempt = ?",
                           arguments: [outcomeJSON, outcome.framesWritten, attempt])
            try Self.release(db, job: task.job, finished: task.node.name)
            return task
        }
    }

    /// Records a failed attempt: back to ready (remembering the node) unless attempts are used up
    /// or the error cannot be cured by retrying, in which case the task and its job fail.
    public func fail(attempt: String, error: String, retryable: Bool, maxAttempts: Int) throws -> (task: StoredTask, jobFailed: Bool)? {
        try db.write { db -> (StoredTask, Bool)? in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM tasks WHERE attempt = ? AND state = 'leased'", arguments: [attempt]) else { return nil }
            var task = try Self.task(row)
            if let worker = task.worker { task.failedOn.append(worker) }
            let failedOn = String(decoding: try JSONEncoder().encode(task.failedOn), as: UTF8.self)
            if retryable, task.attempts < maxAttempts {
                try db.execute(sql: "UPDATE tasks SET state = 'ready', attempt = NULL, worker = NULL, error = ?, failed_on = ?, frames_done = 0 WHERE job_id = ? AND name = ?",
                               arguments: [error, failedOn, task.job, task.node.name])
                return (task, false)
            }
            try db.execute(sql: "UPDATE tasks SET state = 'failed', error = ?, failed_on = ? WHERE job_id = ? AND name = ?",
                           arguments: [error, failedOn, task.job, task.node.name])
            let message = "\(task.node.name) failed after \(task.attempts) attempt(s): \(error)"
            try db.execute(sql: "UPDATE jobs SET state = 'failed', error = ?, finished_at = ? WHERE id = ?",
                           arguments: [message, Date().timeIntervalSince1970, task.job])
            try db.execute(sql: "UPDATE tasks SET state = 'cancelled' WHERE job_id = ? AND state IN ('waiting', 'ready')", arguments: [task.job])
            return (task, true)
        }
    }

    /// Puts a leased task back in the queue without counting a failure against the node's work
    /// (its node died or left): the attempt id is retired so a late result is ignored.
    public func requeue(attempt: String, reason: String) throws {
        try db.write { db in
            try db.execute(sql: """
                UPDATE tasks SET state = 'ready', attempt = NULL, worker = NULL, frames_done = 0, error = ?
                WHERE attempt = ? AND state = 'leased'
                """, arguments: [reason, attempt])
        }
    }

    /// Marks a job done with its published folder and seam scores.
    public func finish(job: String, published: String?, seamScores: [Double?]?) throws {
        let seams = try seamScores.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try db.write { db in
            try db.execute(sql: "UPDATE jobs SET state = 'done', published = ?, seams_json = ?, finished_at = ? WHERE id = ?",
                           arguments: [published, seams, Date().timeIntervalSince1970, job])
        }
    }

    /// Records the lighting artifact in the job so later tasks stamp it into frames.
    public func setLighting(job: String, id: String) throws {
        guard var stored = try self.job(job) else { return }
        stored.job.lightingID = id
        let json = try String(decoding: WireMessage.makeEncoder().encode(stored.job), as: UTF8.self)
        try db.write { db in try db.execute(sql: "UPDATE jobs SET job_json = ? WHERE id = ?", arguments: [json, job]) }
    }

    /// Cancels a job: pending tasks are cancelled; returns the attempts still running so their
    /// nodes can be told. False when the job is unknown or already final.
    public func cancel(job: String) throws -> (cancelled: Bool, running: [String]) {
        try db.write { db in
            let state = try String.fetchOne(db, sql: "SELECT state FROM jobs WHERE id = ?", arguments: [job])
            guard let state, let current = JobState(rawValue: state), !current.isFinal else { return (false, []) }
            let running = try String.fetchAll(db, sql: "SELECT attempt FROM tasks WHERE job_id = ? AND state = 'leased'", arguments: [job])
            try db.execute(sql: "UPDATE tasks SET state = 'cancelled', attempt = NULL WHERE job_id = ? AND state IN ('waiting', 'ready', 'leased')", arguments: [job])
            try db.execute(sql: "UPDATE jobs SET state = 'cancelled', finished_at = ? WHERE id = ?", arguments: [Date().timeIntervalSince1970, job])
            return (true, running)
        }
    }

    // MARK: - Nodes

    public func setDrained(_ name: String, _ drained: Bool) throws {
        try db.write { db in
            if drained {
                try db.execute(sql: "INSERT OR IGNORE INTO drained_nodes (name) VALUES (?)", arguments: [name])
            } else {
                try db.execute(sql: "DELETE FROM drained_nodes WHERE name = ?", arguments: [name])
            }
        }
    }

    public func drainedNodes() throws -> Set<String> {
        try db.read { db in Set(try String.fetchAll(db, sql: "SELECT name FROM drained_nodes")) }
    }

    // MARK: - Active coordinator lease

    /// Takes or renews the single "active coordinator" lease for `holder` until `now + ttl`; true
    /// when `holder` has it. It is free to take when nobody holds it, when the holder's lease has
    /// expired, or when `holder` already holds it (a renewal). One `INSERT … ON CONFLICT DO UPDATE
    /// … WHERE` statement, so of two coordinators racing (two processes, or two machines on one
    /// PostgreSQL) exactly one changes the row and wins; the loser's statement changes nothing.
    /// Times come from the caller's clock: the pair's clocks must agree to well within `ttl`.
    public func claimActive(holder: String, now: Date, ttl: TimeInterval) throws -> Bool {
        try db.write { db in
            try db.execute(sql: """
                INSERT INTO active_coordinator (id, holder, expires_at) VALUES (1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE active_coordinator.holder = excluded.holder OR active_coordinator.expires_at <= ?
                """, arguments: [holder, now.addingTimeInterval(ttl).timeIntervalSince1970, now.timeIntervalSince1970])
            return db.changesCount == 1
        }
    }

    /// Gives the lease up at once (a clean shutdown or a step down), so the peer need not wait for
    /// it to expire. Does nothing when `holder` does not hold it.
    public func releaseActive(holder: String) throws {
        try db.write { db in try db.execute(sql: "DELETE FROM active_coordinator WHERE holder = ?", arguments: [holder]) }
    }

    /// Who holds the active-coordinator lease and until when; nil when nobody ever took it or it was released.
    public func activeHolder() throws -> (holder: String, expiresAt: Date)? {
        try db.read { db in
            try Row.fetchOne(db, sql: "SELECT holder, expires_at FROM active_coordinator WHERE id = 1").map {
                ($0["holder"], Date(timeIntervalSince1970: $0["expires_at"]))
            }
        }
    }

    // MARK: - Rows

    /// A task finished: its dependants have one dependency fewer; those with none left are ready.
    private static func release(_ db: Database, job: String, finished: String) throws {
        try db.execute(sql: """
            UPDATE tasks SET pending_deps = pending_deps - 1
            WHERE job_id = ? AND name IN (SELECT task FROM task_deps WHERE job_id = ? AND depends_on = ?)
            """, arguments: [job, job, finished])
        try db.execute(sql: "UPDATE tasks SET state = 'ready' WHERE job_id = ? AND state = 'waiting' AND pending_deps <= 0", arguments: [job])
    }

    // A row that does not decode throws (the coordinator logs it and carries on) rather than crash.
    private static func job(_ row: Row) throws -> StoredJob {
        let job = try WireMessage.makeDecoder().decode(ShotJob.self, from: Data((row["job_json"] as String).utf8))
        let seams = (row["seams_json"] as String?).flatMap { try? JSONDecoder().decode([Double?].self, from: Data($0.utf8)) }
        return StoredJob(
            job: job, state: JobState(rawValue: row["state"]) ?? .failed, error: row["error"], published: row["published"],
            seamScores: seams, startedAt: (row["started_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            finishedAt: (row["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        )
    }

    static func task(_ row: Row) throws -> StoredTask {
        let decoder = WireMessage.makeDecoder()
        return StoredTask(
            job: row["job_id"],
            node: try decoder.decode(TaskNode.self, from: Data((row["node_json"] as String).utf8)),
            state: TaskState(rawValue: row["state"]) ?? .failed,
            attempts: row["attempts"], attempt: row["attempt"], worker: row["worker"], framesDone: row["frames_done"],
            error: row["error"],
            outcome: (row["outcome_json"] as String?).flatMap { try? decoder.decode(TaskOutcome.self, from: Data($0.utf8)) },
            failedOn: (try? JSONDecoder().decode([String].self, from: Data((row["failed_on"] as String).utf8))) ?? []
        )
    }
}
