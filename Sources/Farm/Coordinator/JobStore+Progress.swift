import Foundation

extension JobStore {
    /// Progress of a job by SQL aggregates, without decoding its tasks.
    public struct Progress: Sendable, Equatable {
        public var framesDone: Int
        public var chunksDone: Int
        public var running: Int
        public var workers: [String]
    }

    /// Progress of several jobs, by id, in two statements sent together (one round trip on
    /// PostgreSQL) per `maxListed` jobs, instead of two per job: `status` of every job asks for
    /// all of them. A job without tasks (or unknown) is absent.
    public func progress(jobs: [String]) throws -> [String: Progress] {
        try backend.read { db in
            var progress: [String: Progress] = [:]
            for ids in Self.parts(jobs) {
                let answers = try db.queryAll(progressStatements(ids))
                try Self.readProgress(answers[0], answers[1], into: &progress)
            }
            return progress
        }
    }

    /// The two statements of `progress(jobs:)` for at most `maxListed` jobs, for `queryAll`
    /// alone or with others (`statusRead`).
    func progressStatements(_ jobs: [String]) -> [(sql: String, arguments: StoreArguments)] {
        // A chunk is done when every generate task of it is: 'generate-0003', or its parts
        // 'generate-0003-1041-1064' when it was split over nodes (the chunk is the name up to the
        // second dash).
        let dash = backend.dialect.position(of: "'-'", in: "substr(name, 10)")
        let ids = jobs as StoreArguments
        let marks = Self.marks(jobs.count)
        return [
            ("""
            SELECT tasks.job_id AS job_id,
                COALESCE(SUM(CASE WHEN name LIKE 'generate-%' OR name LIKE 'blend-%' THEN frames_done ELSE 0 END), 0) AS frames,
                COALESCE(SUM(CASE WHEN state = 'leased' THEN 1 ELSE 0 END), 0) AS running,
                COALESCE(MAX(finished.chunks), 0) AS chunks
            FROM tasks LEFT JOIN (
                SELECT job_id, COUNT(*) AS chunks FROM (
                    SELECT job_id, CASE WHEN \(dash) > 0 THEN substr(name, 1, 8 + \(dash)) ELSE name END AS chunk
                    FROM tasks WHERE job_id IN (\(marks)) AND name LIKE 'generate-%'
                    GROUP BY job_id, chunk HAVING SUM(CASE WHEN state <> 'done' THEN 1 ELSE 0 END) = 0
                ) AS finished_chunks GROUP BY job_id
            ) AS finished ON finished.job_id = tasks.job_id
            WHERE tasks.job_id IN (\(marks))
            GROUP BY tasks.job_id
            """, ids + ids),
            ("SELECT DISTINCT job_id, worker FROM tasks WHERE job_id IN (\(marks)) AND state = 'leased' AND worker IS NOT NULL ORDER BY job_id, worker", ids),
        ]
    }

    /// The answers to `progressStatements`, by job id.
    static func readProgress(_ totals: [StoreRow], _ workers: [StoreRow], into progress: inout [String: Progress]) throws {
        for row in totals {
            progress[try row.string("job_id")] = Progress(framesDone: try row.int("frames"), chunksDone: try row.int("chunks"),
                                                          running: try row.int("running"), workers: [])
        }
        for row in workers { progress[try row.string("job_id")]?.workers.append(try row.string("worker")) }
    }

    /// What `status JOB` shows: the job, its progress (nil: no tasks) and its tasks with their
    /// attempts, read together (one round trip on PostgreSQL instead of five); nil for no such job.
    public func statusRead(job id: String) throws -> (job: StoredJob, progress: Progress?, timeline: (tasks: [StoredTask], attempts: [AttemptRecord]))? {
        try backend.read { db in
            let answers = try db.queryAll([("SELECT * FROM jobs WHERE id = ?", [id])] + progressStatements([id]) + timelineStatements([id]))
            guard let row = answers[0].first else { return nil }
            var progress: [String: Progress] = [:]
            try Self.readProgress(answers[1], answers[2], into: &progress)
            let timeline = try readTimeline(answers[3], answers[4])[id] ?? ([], [])
            return (try decodeJob(row), progress[id], timeline)
        }
    }
}
