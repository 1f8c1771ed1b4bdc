@testable import Farm
import Foundation
import Testing

/// The ready read on a store that has run for months and holds a deep queue: the order stays the
/// documented one (protocol.md §7) and the database walks the queue in that order instead of
/// reading its whole history or sorting every ready task (StoreSchema.v6DispatchOrder). The plan
/// is asked of each database's own planner (`EXPLAIN`), which is what decides the pass's cost.
@Suite struct JobStoreDispatchOrderTests {
    /// Finished jobs in the store before the test's own.
    static let history = 3000

    @Test(arguments: StoreKind.allCases)
    func aLongHistoryAndADeepQueueAreReadInDispatchOrderThroughTheIndexes(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        let backend = try database.openBackend()
        try store.writeHistory(jobs: Self.history, like: try JobStoreTests.job(id: "template"))
        // 40 queued jobs over three priorities, submitted in an order unrelated to their ids.
        var queued: [(id: String, priority: Int, submitted: Date)] = []
        for i in 0..<40 {
            let id = "q-\(String(format: "%02d", (i * 17) % 40))"
            let job = try JobStoreTests.job(id: id, submittedAt: Date(timeIntervalSince1970: 1_900_000_000 + Double(i)))
            try store.insert(job, tasks: job.tasks)
            let priority = [0, 5, -3][i % 3]
            if priority != 0 { #expect(try store.setPriority(job: id, priority: priority)) }
            queued.append((id, priority, job.submittedAt))
        }
        // The first job in dispatch order finishes its lighting: its generate tasks are ready
        // (several tasks of one job, read in graph order).
        let order = queued.sorted { a, b in
            a.priority != b.priority ? a.priority > b.priority : a.submitted != b.submitted ? a.submitted < b.submitted : a.id < b.id
        }
        let first = order[0].id
        #expect(try store.lease(job: first, task: "lighting", attempt: "a-\(first)", worker: "n1"))
        #expect(try store.complete(attempt: "a-\(first)", outcome: TaskOutcome()) != nil)
        let firstTasks = try store.tasks(job: first).filter { $0.state == .ready }
        try #require(firstTasks.count > 1)

        let expected = firstTasks.map { [first, $0.node.name] } + order.dropFirst().map { [$0.id, "lighting"] }
        let ready = try store.readyTasks(limit: 12)
        #expect(ready.map { [$0.job, $0.node.name] } == Array(expected.prefix(12)))
        #expect(try store.readyTasks(limit: 500).count == expected.count)

        // STATUS: the active jobs and the last finished ones, oldest first, not the history.
        let listed = try store.jobs(listedFinished: 3)
        let active = queued.sorted { $0.submitted < $1.submitted }.map(\.id)
        #expect(listed.map(\.job.id) == (Self.history - 2...Self.history).map { "history-\($0)" } + active)
        #expect(listed.prefix(3).allSatisfy { $0.state == .done && $0.job.plan == listed[4].job.plan })
        #expect(try store.jobs(listedFinished: 0).map(\.job.id) == active)

        let plan = try Self.plan(of: JobStore.readySQL, limit: 12, on: backend)
        switch kind {
        case .sqlite:
            // Walks jobs_dispatch_order, probes each job's ready tasks; only a job's own few ready
            // tasks are ever sorted ("RIGHT PART OF ORDER BY").
            #expect(plan.contains("jobs_dispatch_order") && plan.contains("tasks_ready_by_job (job_id=? AND state=?)"), "\(plan)")
            #expect(!plan.contains("SCAN tasks") && !plan.contains("TEMP B-TREE FOR ORDER BY"), "\(plan)")
        case .postgres:
            #expect(!plan.contains("Seq Scan"), "reads the whole history: \(plan)")
            #expect(plan.contains("jobs_dispatch_order") || plan.contains("tasks_ready_by_job"), "\(plan)")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func statusListsFromTheIndexesNotTheHistory(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        try store.writeHistory(jobs: Self.history, like: try JobStoreTests.job(id: "template"))
        let job = try JobStoreTests.job(id: "q-1")
        try store.insert(job, tasks: job.tasks)
        let plan = try Self.plan(of: JobStore.listedSQL, limit: 100, on: try database.openBackend())
        switch kind {
        case .sqlite:
            #expect(plan.contains("jobs_finished_by_submission") && plan.contains("jobs_dispatch_order"), "\(plan)")
        case .postgres:
            #expect(!plan.contains("Seq Scan"), "reads the whole history: \(plan)")
        }
    }

    /// The database's own plan for `sql`, one line per step, as the coordinator's statements
    /// get it: SQLite without table statistics (the store never runs ANALYZE), PostgreSQL after
    /// counting the tables (its autovacuum does).
    static func plan(of sql: String, limit: Int, on backend: any StoreBackend) throws -> String {
        try backend.write { db in
            switch backend.dialect {
            case .sqlite:
                return try db.query("EXPLAIN QUERY PLAN " + sql, [limit]).map { try $0.string("detail") }.joined(separator: "\n")
            case .postgres:
                _ = try db.execute("ANALYZE jobs")
                _ = try db.execute("ANALYZE tasks")
                return try db.query("EXPLAIN " + sql, [limit]).map { try $0.string("QUERY PLAN") }.joined(separator: "\n")
            }
        }
    }
}
