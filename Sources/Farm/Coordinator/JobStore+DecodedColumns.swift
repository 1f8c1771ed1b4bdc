import Foundation

/// Decoded JSON columns, by their exact text. A task's `node_json` never changes once stored, a
/// job's `job_json` changes only when its lighting id is recorded, and an `outcome_json` is
/// written once: yet the loop and the snapshot read the same rows again and again (ready tasks
/// on every dispatch pass, every active job's tasks on every snapshot, a job on every status
/// request), and decoding the JSON anew each time was most of the coordinator's time per task.
/// Keyed by the whole text, so a changed column is simply a miss: the cache can never return a
/// value the row no longer holds. Cleared when it grows past `limit` entries.
final class DecodedColumns<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Value] = [:]
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// The value `text` decodes to, decoding it only the first time.
    func value(_ text: String, decode: (String) throws -> Value) throws -> Value {
        if let known = lock.withLock({ values[text] }) { return known }
        let decoded = try decode(text)
        lock.withLock {
            if values.count >= limit { values.removeAll(keepingCapacity: true) }
            values[text] = decoded
        }
        return decoded
    }
}

/// The caches one `JobStore` keeps (several coordinators in one process, as the tests run
/// them, each have their own).
struct JobStoreCaches: Sendable {
    let nodes = DecodedColumns<TaskNode>(limit: 50_000)
    let outcomes = DecodedColumns<TaskOutcome>(limit: 50_000)
    let jobs = DecodedColumns<ShotJob>(limit: 2_000)
    let failedOn = DecodedColumns<[String]>(limit: 1_000)
}
