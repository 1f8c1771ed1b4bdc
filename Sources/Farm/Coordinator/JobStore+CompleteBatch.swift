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
    /// in order, each task as recorded, or nil for a stale attempt (a repeat of an attempt earlier
    /// in the batch is stale too). In the same transaction a lighting task's
    /// artifact id is recorded in its job (as `setLighting`) and a publish task finishes its
    /// job (as `finish`), so a job is never seen with its lighting done but no lighting id, or
    /// its publish done but the job still running. The body touches only the session, so a
    /// backend may run it again after losing its connection.
    public func complete(_ completions: [Completion]) throws -> [StoredTask?] {
        guard !completions.isEmpty else { return [] }
        let batch = try ResultBatch(completions)
        let recorded = try backend.write { db -> [StoredTask?] in
            // A handful of statements per batch whatever its size. On PostgreSQL the loop waits
            // for the first (its rows decide the rest), the lighting jobs' read and COMMIT; the
            // others are sent unawaited ahead of COMMIT (StoreSession.executeLater).
            let answers = try db.queryAll(batch.statements(backend.dialect))
            return try record(db, batch, answers: answers)
        }
        changes.insert(contentsOf: recorded.compactMap { $0?.job })
        return recorded
    }

    /// A batch of results as the statements that record them take them: the first result for
    /// each attempt (a repeat in the same batch is stale, as it would be one by one), encoded.
    struct ResultBatch {
        let completions: [Completion]
        /// Indexes into `completions` of each attempt's first result.
        let firsts: [Int]
        /// (attempt, outcome JSON, frames done) for each of `firsts`.
        let results: StoreArguments
        /// Each completion's seam scores as JSON (publish tasks).
        let seams: [String?]
        /// Attempts reporting a lighting artifact: their jobs' rows are read (and locked) with
        /// the completing statement, so recording the id costs no round trip of its own.
        let lit: [String]

        init(_ completions: [Completion]) throws {
            self.completions = completions
            var firsts: [Int] = []
            var seen: Set<String> = []
            for (index, completion) in completions.enumerated() where seen.insert(completion.attempt).inserted { firsts.append(index) }
            self.firsts = firsts
            let encoder = WireMessage.makeEncoder()
            var results: StoreArguments = []
            for index in firsts {
                let outcome = completions[index].outcome
                results += [completions[index].attempt, String(decoding: try encoder.encode(outcome), as: UTF8.self), outcome.framesWritten] as StoreArguments
            }
            self.results = results
            seams = try completions.map { completion in
                try completion.outcome.seams.map { String(decoding: try JSONEncoder().encode($0.seams.map(\.score)), as: UTF8.self) }
            }
            lit = firsts.filter { completions[$0].outcome.lightingID != nil }.map { completions[$0].attempt }
        }

        /// The statements whose answers `record` needs: the completing UPDATE and, when a
        /// result carries a lighting id, its jobs' rows.
        func statements(_ dialect: SQLDialect) -> [(sql: String, arguments: StoreArguments)] {
            var statements: [(sql: String, arguments: StoreArguments)] = [("""
                WITH result (attempt, outcome_json, frames_done) AS (VALUES \(JobStore.rows(3, firsts.count)))
                UPDATE tasks SET state = 'done', outcome_json = result.outcome_json, frames_done = result.frames_done, error = NULL
                FROM result
                WHERE tasks.attempt = result.attempt AND tasks.state = 'leased'
                RETURNING \(JobStore.taskColumns)
                """, results)]
            if !lit.isEmpty {
                statements.append(("SELECT id, job_json FROM jobs WHERE id IN (SELECT job_id FROM tasks WHERE attempt IN (\(JobStore.marks(lit.count))))\(dialect.forUpdate)",
                                   lit as StoreArguments))
            }
            return statements
        }
    }

    /// The rest of a result batch inside its open transaction, from the answers to
    /// `batch.statements` (first in `answers`): records lighting ids and finished jobs, sent
    /// unawaited on PostgreSQL. Returns, in order, each
    /// task as recorded, or nil for a stale attempt.
    func record(_ db: any StoreSession, _ batch: ResultBatch, answers: [[StoreRow]]) throws -> [StoredTask?] {
        let completions = batch.completions
        let done = try answers[0].map(decodeTask)
        guard !done.isEmpty else { return completions.map { _ in nil } }
        // The finished tasks' dependants were released by the completing UPDATE itself (a trigger:
        // JobStore+Release.swift).
        var byAttempt: [String: StoredTask] = [:]
        for task in done { if let attempt = task.attempt { byAttempt[attempt] = task } }
        var recorded: [StoredTask?] = []
        var lighting: [(job: String, id: String)] = []
        var finished: StoreArguments = []
        var finishedCount = 0
        for (index, completion) in completions.enumerated() {
            // Only the first occurrence of an attempt is the recorded one.
            guard let task = byAttempt.removeValue(forKey: completion.attempt) else {
                recorded.append(nil)
                continue
            }
            switch task.node.kind {
            case .lighting:
                if let id = completion.outcome.lightingID { lighting.append((task.job, id)) }
            case .publish:
                finished += [task.job, completion.outcome.published, batch.seams[index]] as StoreArguments
                finishedCount += 1
            case .generate, .blend:
                break
            }
            recorded.append(task)
        }
        try recordLighting(db, lighting, rows: batch.lit.isEmpty ? [] : answers[1])
        if finishedCount > 0 {
            try db.executeLater("""
                WITH finished (id, published, seams_json) AS (VALUES \(Self.rows(3, finishedCount)))
                UPDATE jobs SET state = 'done', published = finished.published, seams_json = finished.seams_json, finished_at = ?
                FROM finished WHERE jobs.id = finished.id
                """, finished + [Date().timeIntervalSince1970])
        }
        return recorded
    }

    /// The columns of `tasks` a `RETURNING` hands back for `decodeTask`, named (an UPDATE … FROM
    /// would otherwise return the FROM table's columns too on PostgreSQL).
    static let taskColumns = ["job_id", "name", "node_json", "state", "attempts", "attempt", "worker", "frames_done", "error", "outcome_json", "failed_on"]
        .map { "tasks.\($0) AS \($0)" }.joined(separator: ", ")

    /// `count` rows of `width` placeholders for a VALUES list: `(?, ?), (?, ?)`.
    static func rows(_ width: Int, _ count: Int) -> String {
        let row = "(" + Array(repeating: "?", count: width).joined(separator: ", ") + ")"
        return Array(repeating: row, count: count).joined(separator: ", ")
    }

    /// `setLighting` for several jobs inside an open transaction: `rows` are their jobs' rows
    /// (and maybe others'), read and locked on PostgreSQL in the same transaction; the changed
    /// ones are written back in one statement.
    private func recordLighting(_ db: any StoreSession, _ lighting: [(job: String, id: String)], rows: [StoreRow]) throws {
        guard !lighting.isEmpty else { return }
        let ids = Dictionary(lighting.map { ($0.job, $0.id) }, uniquingKeysWith: { first, _ in first })
        var written: StoreArguments = []
        for row in rows {
            let job = try row.string("id")
            guard let id = ids[job] else { continue }
            var stored = try decodeShotJob(try row.string("job_json"))
            stored.lightingID = id
            written += [job, String(decoding: try WireMessage.makeEncoder().encode(stored), as: UTF8.self)] as StoreArguments
        }
        guard !written.isEmpty else { return }
        try db.executeLater("""
            WITH lit (id, job_json) AS (VALUES \(Self.rows(2, written.count / 2)))
            UPDATE jobs SET job_json = lit.job_json FROM lit WHERE jobs.id = lit.id
            """, written)
    }
}
