import Foundation

extension StoreSchema {
    /// Job priority (`JobPriority`, SET_PRIORITY): the column `readyTasks` orders by, highest
    /// first; 0 for every job already stored. Standard SQL both backends accept (SQLite allows
    /// ADD COLUMN … NOT NULL with a constant default).
    static let v4JobPriority = StoreMigration("v4-job-priority") { _ in
        ["ALTER TABLE jobs ADD COLUMN priority BIGINT NOT NULL DEFAULT 0"]
    }
}

extension JobStore {
    /// Sets a queued or running job's priority; false when the job is unknown or already final.
    public func setPriority(job: String, priority: Int) throws -> Bool {
        defer { changes.insert(job) }
        return try backend.write { db in
            try db.execute("UPDATE jobs SET priority = ? WHERE id = ? AND state IN ('queued', 'running')", [priority, job]) == 1
        }
    }
}
