import Foundation

extension StoreSchema {
    /// Indexes in the order the loop reads ready tasks (`JobStore.readySQL`), so a dispatch pass
    /// costs the same on a store that has finished a million jobs or holds thousands of ready
    /// tasks as on a new one. Without them SQLite gathered and sorted every ready task on each
    /// pass (2.7 ms at 6,666 ready) and PostgreSQL read the whole `jobs` table (10 ms with 100,000
    /// finished jobs); with them both walk the unfinished jobs in dispatch order and stop at the
    /// limit (Docs/performance.md, "A deep queue and a long history"). Both are partial: finished
    /// jobs and tasks that are not ready never enter them, so they stay as small as the queue.
    static let v6DispatchOrder = StoreMigration("v6-dispatch-order") { _ in
        [
            "CREATE INDEX jobs_dispatch_order ON jobs(priority DESC, submitted_at, id) WHERE state IN ('queued', 'running')",
            // `state` in the key too: without table statistics (the store never runs ANALYZE)
            // SQLite otherwise probes each job through `tasks_state`, every ready task per job.
            "CREATE INDEX tasks_ready_by_job ON tasks(job_id, state, seq) WHERE state = 'ready'",
            // STATUS's last finished jobs (`JobStore.jobs(listedFinished:)`).
            "CREATE INDEX jobs_finished_by_submission ON jobs(submitted_at DESC, id DESC) WHERE state IN ('done', 'failed', 'cancelled')",
        ]
    }
}
