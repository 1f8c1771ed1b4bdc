import Foundation

/// Ids of jobs whose rows (job, tasks, attempts) this store changed since the snapshot last
/// asked, so a snapshot re-reads only those instead of every active job's tasks and attempts
/// (with hundreds of jobs queued, the full re-read twice a second took half the loop's time).
/// Only this process's writes are seen: the snapshot still re-reads everything every few
/// seconds, for rows another coordinator of a pair wrote before this one took over.
final class ChangedJobs: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: Set<String> = []
    /// Off until a snapshot publisher starts taking the ids, so a coordinator without a
    /// dashboard collects none.
    private var tracking = false

    func startTracking() { lock.withLock { tracking = true } }
    func insert(_ id: String) { lock.withLock { if tracking { ids.insert(id) } } }
    func insert<S: Sequence>(contentsOf more: S) where S.Element == String { lock.withLock { if tracking { ids.formUnion(more) } } }

    /// The ids collected since the last call, which starts a new collection.
    func take() -> Set<String> {
        lock.withLock {
            let taken = ids
            ids = []
            return taken
        }
    }
}

extension JobStore {
    /// Jobs this store changed since the last call (see `ChangedJobs`).
    func takeChangedJobs() -> Set<String> { changes.take() }

    /// Starts collecting the ids `takeChangedJobs` returns.
    func trackChangedJobs() { changes.startTracking() }
}
