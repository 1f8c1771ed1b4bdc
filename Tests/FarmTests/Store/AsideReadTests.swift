@testable import Farm
import Foundation
import Testing

/// `STATUS` is read off the coordinator's loop through `StoreBackend.readAside` (StatusReader):
/// on both stores such a read must not wait for a read the loop has in progress (PostgreSQL: a
/// connection of its own; SQLite: the reader pool), and must see what the loop committed.
@Suite struct AsideReadTests {
    /// Set once, read after the thread that set it is joined through a semaphore.
    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.withLock { value } }
        func set() { lock.withLock { value = true } }
    }

    @Test(arguments: StoreKind.allCases)
    func anAsideReadGoesThroughWhileALoopReadIsInProgress(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        let aside = try store.asideReader()
        let job = try JobStoreTests.job()
        try store.insert(job, tasks: job.tasks)

        // A loop read that holds its connection until the aside read has answered (or 10 s).
        let asideAnswered = DispatchSemaphore(value: 0), loopReading = DispatchSemaphore(value: 0), loopDone = DispatchSemaphore(value: 0)
        let loopSawAsideFirst = Flag()
        Thread.detachNewThread {
            _ = try? store.backend.read { db in
                _ = try db.query("SELECT id FROM jobs")
                loopReading.signal()
                if asideAnswered.wait(timeout: .now() + 10) == .success { loopSawAsideFirst.set() }
            }
            loopDone.signal()
        }
        loopReading.wait()
        let read = try #require(try aside.statusRead(job: job.id))
        asideAnswered.signal()
        loopDone.wait()
        #expect(loopSawAsideFirst.isSet, "the aside read waited for the loop's read to end")
        #expect(read.job.job.id == job.id && read.job.state == .queued && read.timeline.tasks.count == job.tasks.count)

        // What the loop commits next, the aside reader sees.
        _ = try store.cancel(job: job.id)
        #expect(try aside.statusRead(job: job.id)?.job.state == .cancelled)
    }
}
