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
        guard !jobs.isEmpty else { return [:] }
        // A chunk is done when every generate task of it is: 'generate-0003', or its parts
        // 'generate-0003-1041-1064' when it was split over nodes (the chunk is the name up to the
        // second dash).
        let dash = backend.dialect.position(of: "'-'", in: "substr(name, 10)")
        return try backend.read { db in
            var progress: [String: Progress] = [:]
            for part in stride(from: 0, to: jobs.count, by: Self.maxListed) {
                let ids = Array(jobs[part..<min(jobs.count, part + Self.maxListed)]) as StoreArguments
                let marks = Self.marks(ids.count)
                let answers = try db.queryAll([
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
                ])
                for row in answers[0] {
                    progress[try row.string("job_id")] = Progress(framesDone: try row.int("frames"), chunksDone: try row.int("chunks"),
                                                                  running: try row.int("running"), workers: [])
                }
                for row in answers[1] { progress[try row.string("job_id")]?.workers.append(try row.string("worker")) }
            }
            return progress
        }
    }
}
