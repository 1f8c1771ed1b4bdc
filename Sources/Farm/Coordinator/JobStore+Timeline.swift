import Foundation

/// Task timings: every lease of a task becomes a row of `task_attempts` (node, attempt number,
/// start, end, result), written by triggers on the task's state column inside the same
/// transaction as the transition itself (`StoreSchema.v2TaskAttempts`), so no code path that
/// moves a task can forget to record it. Read by the snapshot (dashboard, API, metrics) and
/// written into the job report.
extension JobStore {
    /// Calls `record` with the seconds each write transaction took (SQLite: statements from BEGIN
    /// to the end of COMMIT; PostgreSQL: BEGIN sent to COMMIT acknowledged). For /metrics.
    public func observeWriteLatency(_ record: @escaping @Sendable (Double) -> Void) throws {
        try backend.observeWriteLatency(record)
    }

    // MARK: - Snapshot queries

    /// The job columns that change, newest first: active jobs and up to `finished` final ones.
    func jobRows(finished: Int) throws -> [JobRow] {
        try backend.read { db in
            try db.query("""
                SELECT id, state, priority, error, published, seams_json, started_at, finished_at FROM jobs
                WHERE state IN ('queued', 'running')
                   OR id IN (SELECT id FROM jobs WHERE state IN ('done', 'failed', 'cancelled') ORDER BY submitted_at DESC, id DESC LIMIT ?)
                ORDER BY submitted_at DESC, id DESC
                """, [finished]).map { row in
                JobRow(
                    id: try row.string("id"), state: JobState(rawValue: try row.string("state")) ?? .failed, priority: try row.int("priority"),
                    error: try row.optionalString("error"), published: try row.optionalString("published"),
                    seamScores: try row.optionalString("seams_json").flatMap { try? JSONDecoder().decode([Double?].self, from: Data($0.utf8)) },
                    startedAt: try row.optionalDouble("started_at").map(Date.init(timeIntervalSince1970:)),
                    finishedAt: try row.optionalDouble("finished_at").map(Date.init(timeIntervalSince1970:))
                )
            }
        }
    }

    /// Tasks and attempts of `jobs`, by job id, tasks in graph order and attempts oldest first.
    func timeline(jobs: [String]) throws -> [String: (tasks: [StoredTask], attempts: [AttemptRecord])] {
        guard !jobs.isEmpty else { return [:] }
        return try backend.read { db in
            // Sent together: one round trip on PostgreSQL.
            let answers = try db.queryAll(timelineStatements(jobs))
            return try readTimeline(answers[0], answers[1])
        }
    }

    /// The two statements of `timeline(jobs:)`, for `queryAll` alone or with others (`statusRead`).
    func timelineStatements(_ jobs: [String]) -> [(sql: String, arguments: StoreArguments)] {
        let marks = Self.marks(jobs.count)
        let ids: StoreArguments = jobs
        return [
            ("SELECT * FROM tasks WHERE job_id IN (\(marks)) ORDER BY job_id, seq", ids),
            ("SELECT * FROM task_attempts WHERE job_id IN (\(marks)) ORDER BY started_at, attempt", ids),
        ]
    }

    /// The answers to `timelineStatements`, by job id.
    func readTimeline(_ tasks: [StoreRow], _ attempts: [StoreRow]) throws -> [String: (tasks: [StoredTask], attempts: [AttemptRecord])] {
        var result: [String: (tasks: [StoredTask], attempts: [AttemptRecord])] = [:]
        for row in tasks {
            let task = try decodeTask(row)
            result[task.job, default: ([], [])].tasks.append(task)
        }
        for row in attempts {
            let started = Date(timeIntervalSince1970: try row.double("started_at"))
            let ended = try row.optionalDouble("ended_at").map(Date.init(timeIntervalSince1970:))
            let record = AttemptRecord(
                task: try row.string("task"), number: try row.int("number"), node: try row.string("worker"), startedAt: started, endedAt: ended,
                durationSeconds: ended.map { $0.timeIntervalSince(started) },
                result: AttemptRecord.Result(rawValue: try row.string("result")) ?? .failed, error: try row.optionalString("error")
            )
            result[try row.string("job_id"), default: ([], [])].attempts.append(record)
        }
        return result
    }

    /// Totals over the whole store: jobs by state, tasks of active jobs by kind and state,
    /// attempts by result, attempts done and failed by node, and final frames written.
    func totals() throws -> StoreTotals {
        try backend.read { db in
            var totals = StoreTotals()
            // Sent together: one round trip on PostgreSQL.
            let answers = try db.queryAll([
                ("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state", []),
                ("""
                SELECT tasks.name AS name, tasks.state AS state FROM tasks JOIN jobs ON jobs.id = tasks.job_id
                WHERE jobs.state IN ('queued', 'running')
                """, []),
                ("SELECT worker, result, COUNT(*) AS n FROM task_attempts GROUP BY worker, result", []),
                ("""
                SELECT COALESCE(SUM(frames_done), 0) AS frames FROM tasks WHERE state = 'done' AND (name LIKE 'generate-%' OR name LIKE 'blend-%')
                """, []),
            ])
            for row in answers[0] {
                totals.jobs[try row.string("state")] = try row.int("n")
            }
            for row in answers[1] {
                let name = try row.string("name")
                let kind = name.split(separator: "-").first.map(String.init) ?? name
                totals.activeTasks[kind, default: [:]][try row.string("state"), default: 0] += 1
            }
            for row in answers[2] {
                let result = try row.string("result"), n = try row.int("n"), worker = try row.string("worker")
                totals.attempts[result, default: 0] += n
                if result == AttemptRecord.Result.done.rawValue { totals.doneByNode[worker, default: 0] += n }
                if result == AttemptRecord.Result.retried.rawValue || result == AttemptRecord.Result.failed.rawValue { totals.failuresByNode[worker, default: 0] += n }
            }
            totals.framesWritten = try answers[3].first?.int("frames") ?? 0
            return totals
        }
    }

    /// Attempts that ended at or after `since` (Unix seconds), for the duration histogram; the
    /// caller drops the ones it saw at exactly `since`. Oldest first.
    func attemptsEnded(since: Double) throws -> [EndedAttempt] {
        try backend.read { db in
            try db.query("""
                SELECT attempt, task, worker, started_at, ended_at FROM task_attempts
                WHERE ended_at >= ? ORDER BY ended_at LIMIT 100000
                """, [since]).map { row in
                let task = try row.string("task")
                let started = try row.double("started_at"), ended = try row.double("ended_at")
                return EndedAttempt(id: try row.string("attempt"), kind: task.split(separator: "-").first.map(String.init) ?? task,
                                    node: try row.string("worker"), endedAt: ended, seconds: max(0, ended - started))
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
    var priority: Int
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
