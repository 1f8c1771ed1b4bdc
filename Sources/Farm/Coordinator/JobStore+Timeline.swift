import Foundation
import GRDB

/// Task timings: every lease of a task becomes a row of `task_attempts` (node, attempt number,
/// start, end, result), written by SQLite triggers on the task's state column inside the same
/// transaction as the transition itself, so no code path that moves a task can forget to record
/// it. Read by the snapshot (dashboard, API, metrics) and written into the job report.
extension JobStore {
    /// Schema v2: the attempt history. Older stores get it on start-up; tasks leased before the
    /// upgrade simply have no row for that lease.
    static func registerTimeline(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-task-attempts") { db in
            // Times are Unix seconds with millisecond precision (julianday keeps fractions).
            let now = "((julianday('now') - 2440587.5) * 86400.0)"
            try db.execute(sql: """
                CREATE TABLE task_attempts (
                    attempt TEXT PRIMARY KEY,
                    job_id TEXT NOT NULL,
                    task TEXT NOT NULL,
                    number INTEGER NOT NULL,
                    worker TEXT NOT NULL,
                    started_at REAL NOT NULL,
                    ended_at REAL,
                    result TEXT NOT NULL DEFAULT 'running',
                    error TEXT
                );
                CREATE INDEX task_attempts_by_job ON task_attempts(job_id, task);
                CREATE TRIGGER task_attempt_started AFTER UPDATE OF state ON tasks
                WHEN NEW.state = 'leased' AND OLD.state <> 'leased' AND NEW.attempt IS NOT NULL
                BEGIN
                    INSERT OR IGNORE INTO task_attempts (attempt, job_id, task, number, worker, started_at)
                    VALUES (NEW.attempt, NEW.job_id, NEW.name, NEW.attempts, COALESCE(NEW.worker, '?'), \(now));
                END;
                CREATE TRIGGER task_attempt_ended AFTER UPDATE OF state ON tasks
                WHEN OLD.state = 'leased' AND NEW.state <> 'leased' AND OLD.attempt IS NOT NULL
                BEGIN
                    UPDATE task_attempts SET ended_at = \(now), error = NEW.error, result = CASE
                        WHEN NEW.state IN ('done', 'failed', 'cancelled') THEN NEW.state
                        WHEN NEW.failed_on <> OLD.failed_on THEN 'retried'
                        ELSE 'requeued' END
                    WHERE attempt = OLD.attempt;
                END;
                """)
        }
    }

    /// Calls `record` with the seconds SQLite spent in each write transaction (from BEGIN to the
    /// end of COMMIT, statements only), on the writer's thread. For /metrics.
    public func observeWriteLatency(_ record: @escaping @Sendable (Double) -> Void) throws {
        let sum = LockedSeconds()
        try db.writeWithoutTransaction { db in
            db.trace(options: .profile) { event in
                guard case .profile(let statement, let duration) = event else { return }
                let sql = statement.sql
                if sql.hasPrefix("BEGIN") {
                    sum.reset(to: duration)
                } else if sql.hasPrefix("COMMIT") {
                    record(sum.add(duration))
                } else {
                    _ = sum.add(duration)
                }
            }
        }
    }

    // MARK: - Snapshot queries

    /// The job columns that change, newest first: active jobs and up to `finished` final ones.
    func jobRows(finished: Int) throws -> [JobRow] {
        try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, state, error, published, seams_json, started_at, finished_at FROM jobs
                WHERE state IN ('queued', 'running')
                   OR id IN (SELECT id FROM jobs WHERE state NOT IN ('queued', 'running') ORDER BY submitted_at DESC, id DESC LIMIT ?)
                ORDER BY submitted_at DESC, id DESC
                """, arguments: [finished]).map { row in
                JobRow(
                    id: row["id"], state: JobState(rawValue: row["state"]) ?? .failed, error: row["error"], published: row["published"],
                    seamScores: (row["seams_json"] as String?).flatMap { try? JSONDecoder().decode([Double?].self, from: Data($0.utf8)) },
                    startedAt: (row["started_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                    finishedAt: (row["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:))
                )
            }
        }
    }

    /// Tasks and attempts of `jobs`, by job id, tasks in graph order and attempts oldest first.
    func timeline(jobs: [String]) throws -> [String: (tasks: [StoredTask], attempts: [AttemptRecord])] {
        guard !jobs.isEmpty else { return [:] }
        let marks = Array(repeating: "?", count: jobs.count).joined(separator: ",")
        return try db.read { db in
            var result: [String: (tasks: [StoredTask], attempts: [AttemptRecord])] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM tasks WHERE job_id IN (\(marks)) ORDER BY job_id, seq", arguments: StatementArguments(jobs)) {
                let task = try Self.task(row)
                result[task.job, default: ([], [])].tasks.append(task)
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM task_attempts WHERE job_id IN (\(marks)) ORDER BY started_at, attempt", arguments: StatementArguments(jobs)) {
                let started = Date(timeIntervalSince1970: row["started_at"])
                let ended = (row["ended_at"] as Double?).map(Date.init(timeIntervalSince1970:))
                let record = AttemptRecord(
                    task: row["task"], number: row["number"], node: row["worker"], startedAt: started, endedAt: ended,
                    durationSeconds: ended.map { $0.timeIntervalSince(started) },
                    result: AttemptRecord.Result(rawValue: row["result"]) ?? .failed, error: row["error"]
                )
                result[row["job_id"], default: ([], [])].attempts.append(record)
            }
            return result
        }
    }

    /// Totals over the whole store: jobs by state, tasks of active jobs by kind and state,
    /// attempts by result, attempts done and failed by node, and final frames written.
    func totals() throws -> StoreTotals {
        try db.read { db in
            var totals = StoreTotals()
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM jobs GROUP BY state") {
                totals.jobs[row["state"]] = row["n"]
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT tasks.name AS name, tasks.state AS state FROM tasks JOIN jobs ON jobs.id = tasks.job_id
                WHERE jobs.state IN ('queued', 'running')
                """) {
                let name: String = row["name"]
                let kind = name.split(separator: "-").first.map(String.init) ?? name
                totals.activeTasks[kind, default: [:]][row["state"], default: 0] += 1
            }
            for row in try Row.fetchAll(db, sql: "SELECT worker, result, COUNT(*) AS n FROM task_attempts GROUP BY worker, result") {
                let result: String = row["result"], n: Int = row["n"], worker: String = row["worker"]
                totals.attempts[result, default: 0] += n
                if result == AttemptRecord.Result.done.rawValue { totals.doneByNode[worker, default: 0] += n }
                if result == AttemptRecord.Result.retried.rawValue || result == AttemptRecord.Result.failed.rawValue { totals.failuresByNode[worker, default: 0] += n }
            }
            totals.framesWritten = try Int.fetchOne(db, sql: """
                SELECT COALESCE(SUM(frames_done), 0) FROM tasks WHERE state = 'done' AND (name LIKE 'generate-%' OR name LIKE 'blend-%')
                """) ?? 0
            return totals
        }
    }

    /// Attempts that ended at or after `since` (Unix seconds), for the duration histogram; the
    /// caller drops the ones it saw at exactly `since`. Oldest first.
    func attemptsEnded(since: Double) throws -> [EndedAttempt] {
        try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT attempt, task, worker, started_at, ended_at FROM task_attempts
                WHERE ended_at >= ? ORDER BY ended_at LIMIT 100000
                """, arguments: [since]).map { row in
                let task: String = row["task"]
                let started: Double = row["started_at"], ended: Double = row["ended_at"]
                return EndedAttempt(id: row["attempt"], kind: task.split(separator: "-").first.map(String.init) ?? task,
                                    node: row["worker"], endedAt: ended, seconds: max(0, ended - started))
            }
        }
    }
}

/// An attempt that ended, for the task-duration histogram.
struct EndedAttempt: Sendable {
    var id: String
    var kind: String
    var node: String
    var endedAt: Double
    var seconds: Double
}

/// The job columns a snapshot refreshes on every pass.
struct JobRow: Sendable {
    var id: String
    var state: JobState
    var error: String?
    var published: String?
    var seamScores: [Double?]?
    var startedAt: Date?
    var finishedAt: Date?
}

/// Store-wide counts for a snapshot.
struct StoreTotals: Sendable {
    var jobs: [String: Int] = [:]
    var activeTasks: [String: [String: Int]] = [:]
    var attempts: [String: Int] = [:]
    var doneByNode: [String: Int] = [:]
    var failuresByNode: [String: Int] = [:]
    var framesWritten = 0
}

/// Seconds summed across the statements of one transaction (the writer's trace callback).
private final class LockedSeconds: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds = 0.0

    func reset(to value: Double) {
        lock.lock()
        seconds = value
        lock.unlock()
    }

    func add(_ value: Double) -> Double {
        lock.lock()
        defer { lock.unlock() }
        seconds += value
        return seconds
    }
}
