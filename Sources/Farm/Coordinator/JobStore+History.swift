import Foundation

extension JobStore {
    /// Writes `count` finished copies of `template` (ids `history-1` … `history-N`, submitted and
    /// finished in 1970, before any real job, every task done), as a farm that has run for months
    /// holds: for `bench farm --history` and the store tests that check that a dispatch pass and
    /// a STATUS do not read that history. One statement per table row kind, whatever `count`.
    public func writeHistory(jobs count: Int, like template: ShotJob) throws {
        guard count > 0 else { return }
        var marked = template
        marked.id = "history-0"
        let jobJSON = try String(decoding: WireMessage.makeEncoder().encode(marked), as: UTF8.self)
        let tasks = try template.tasks.map { try String(decoding: WireMessage.makeEncoder().encode($0), as: UTF8.self) }
        let numbers = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(count))"
        try backend.write { db in
            _ = try db.execute("""
                \(numbers) INSERT INTO jobs (id, state, job_json, submitted_at, started_at, finished_at, published)
                SELECT 'history-' || i, 'done', REPLACE(?, '"history-0"', '"history-' || i || '"'), 1000000.0 + i, 1000000.5 + i, 1000001.0 + i, 'history' FROM n
                """, [jobJSON])
            for (seq, task) in template.tasks.enumerated() {
                _ = try db.execute("""
                    \(numbers) INSERT INTO tasks (job_id, name, node_json, state, seq, attempts, frames_done)
                    SELECT 'history-' || i, ?, ?, 'done', ?, 1, ? FROM n
                    """, [task.name, tasks[seq], seq, task.frames?.count ?? 0])
            }
        }
    }
}
