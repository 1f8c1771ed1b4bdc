@testable import Farm
import Foundation
import Testing

/// A store in the field that took its attempt history and releases from the row triggers (v2,
/// v5) is upgraded by v7 while a task is leased (on PostgreSQL v7 puts one trigger per statement
/// in their place; on SQLite it changes nothing): the lease taken before the upgrade is ended by
/// the result recorded after it, dependants are released once, and new leases are recorded,
/// exactly as the row triggers did.
@Suite struct JobStoreTriggerUpgradeTests {
    @Test(arguments: StoreKind.allCases)
    func aLeaseTakenBeforeV7IsEndedAndReleasesAfterIt(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let v7 = try #require(StoreSchema.migrations.firstIndex { $0.id == "v7-statement-triggers" })
        let old = try database.openBackend()
        try StoreMigration.migrate(old, Array(StoreSchema.migrations[..<v7]))
        let before = try JobStore(backend: old, migrating: false)
        let job = try JobStoreTests.job()
        try before.insert(job, tasks: job.tasks)
        #expect(try before.lease([LeaseRequest(job: job.id, task: "lighting", attempt: "old-lease", worker: "n1")], fence: nil) == ["old-lease"])

        let store = try database.open()
        let applied = try store.backend.read { db in try db.query("SELECT id FROM schema_migrations").map { try $0.string("id") } }
        #expect(applied.contains("v7-statement-triggers"))
        // The lighting result: its attempt row (written by the old trigger) ends as done, and
        // every generate task, which waits on the lighting only, becomes ready.
        #expect(try store.complete([Completion(attempt: "old-lease", outcome: TaskOutcome(lightingID: "L1"))]).first??.state == .done)
        let generates = job.tasks.filter { $0.kind == .generate }.map(\.name)
        let tasks = try store.tasks(job: job.id)
        #expect(Set(tasks.filter { $0.state == .ready }.map(\.node.name)) == Set(generates))
        #expect(tasks.allSatisfy { $0.state != .ready || $0.node.kind == .generate })

        // Two leases in one statement, one failing and one finishing: each gets its own row.
        let requests = generates.prefix(2).enumerated().map { LeaseRequest(job: job.id, task: $1, attempt: "new-\($0)", worker: "n2") }
        #expect(try store.lease(requests, fence: nil) == Set(requests.map(\.attempt)))
        _ = try store.fail(attempt: "new-0", error: "node ran out of memory", retryable: true, maxAttempts: 3)
        #expect(try store.complete([Completion(attempt: "new-1", outcome: TaskOutcome(framesWritten: 1))]).first??.state == .done)

        let attempts = try #require(try store.timeline(jobs: [job.id])[job.id]?.attempts)
        let byTask = Dictionary(grouping: attempts, by: \.task)
        #expect(byTask["lighting"]?.map(\.result) == [.done])
        #expect(byTask["lighting"]?.first?.node == "n1" && byTask["lighting"]?.first?.endedAt != nil)
        #expect(byTask[requests[0].task]?.map(\.result) == [.retried])
        #expect(byTask[requests[0].task]?.first?.error == "node ran out of memory")
        #expect(byTask[requests[1].task]?.map(\.result) == [.done])
        #expect(attempts.count == 3)
        #expect(try store.tasks(job: job.id).first { $0.node.name == requests[0].task }?.state == .ready)
    }
}
