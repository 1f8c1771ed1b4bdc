@testable import Farm
import Foundation
import Testing

/// On PostgreSQL a lease batch commits without waiting for its WAL flush (a lease lost in a server
/// crash is a requeued task); that must end with the lease's transaction, since results,
/// publishes and submissions need their commits on disk before the coordinator answers.
@Suite struct JobStoreLeaseDurabilityTests {
    @Test func onlyTheLeaseBatchCommitsAsynchronouslyOnPostgres() throws {
        let database = try StoreFixture.database(.postgres)
        defer { database.drop() }
        let store = try database.open()
        let job = try JobStoreTests.job(submittedAt: Date(timeIntervalSince1970: 1_800_000_000))
        try store.insert(job, tasks: job.tasks)
        func synchronousCommit() throws -> String {
            try store.backend.write { db in try db.queryOne("SHOW synchronous_commit")?.string("synchronous_commit") } ?? "?"
        }
        // The test cluster trades durability for speed; production's default is on. Set it for
        // the session (SET, not SET LOCAL: it outlives the transaction), as a server would have it.
        try store.backend.write { db in try db.execute("SET synchronous_commit = on") }
        #expect(try synchronousCommit() == "on")
        let leased = try store.lease([LeaseRequest(job: job.id, task: "lighting", attempt: "a1", worker: "n1")], fence: nil)
        #expect(leased == ["a1"])
        // The same connection (the store's one writer) right after the lease batch.
        #expect(try synchronousCommit() == "on")
        #expect(try store.tasks(job: job.id).first { $0.node.name == "lighting" }?.state == .leased)
    }
}
