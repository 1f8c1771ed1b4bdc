@testable import Farm
import Foundation
import Testing

/// A store in the field is upgraded while a task is leased, by each migration that replaces the
/// triggers writing the attempt history and releasing dependants: v7 (on PostgreSQL one trigger
/// per statement in place of v2's and v5's row triggers) and v8 (the same trigger pairing a
/// statement's rows before and after it without a nested loop); on SQLite neither changes
/// anything. The lease taken before the upgrade is ended by the result recorded after it,
/// dependants are released once, and new leases are recorded, exactly as before the upgrade.
@Suite struct JobStoreTriggerUpgradeTests {
    @Test(arguments: StoreKind.allCases, ["v7-statement-triggers", "v8-transition-join"])
    func aLeaseTakenBeforeTheUpgradeIsEndedAndReleasesAfterIt(kind: StoreKind, upgrade: String) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let step = try #require(StoreSchema.migrations.firstIndex { $0.id == upgrade })
        let old = try database.openBackend()
        try StoreMigration.migrate(old, Array(StoreSchema.migrations[..<step]))
        let before = try JobStore(backend: old, migrating: false)
        let job = try JobStoreTests.job()
        try before.insert(job, tasks: job.tasks)
        #expect(try before.lease([LeaseRequest(job: job.id, task: "lighting", attempt: "old-lease", worker: "n1")], fence: nil) == ["old-lease"])

        let store = try database.open()
        let applied = try store.backend.read { db in try db.query("SELECT id FROM schema_migrations").map { try $0.string("id") } }
        #expect(applied.contains(upgrade))
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
