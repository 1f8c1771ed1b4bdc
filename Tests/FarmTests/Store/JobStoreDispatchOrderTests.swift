@testable import Farm
import Foundation
import Testing

/// The ready read on a store that has run for months and holds a deep queue: the order stays the
/// documented one (protocol.md §7) and the database walks the queue in that order instead of
/// reading its whole history or sorting every ready task (StoreSchema.v6DispatchOrder). The plan
/// is asked of each database's own planner (`EXPLAIN`), which is what decides the pass's cost.
@Suite struct JobStoreDispatchOrderTests {
    /// Finished jobs, each with three finished tasks, written in one statement.
    static let history = 3000

    @Test(arguments: StoreKind.allCases)
    func aLongHistoryAndADeepQueueAreReadInDispatchOrderThroughTheIndexes(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        let backend = try database.openBackend()
        try backend.write { db in
            let numbers = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(Self.history))"
            _ = try db.execute("""
                \(numbers) INSERT INTO jobs (id, state, job_json, submitted_at, finished_at)
                SELECT 'old-' || i, 'done', '{}', 1000000.0 + i, 1000001.0 + i FROM n
                """)
            _ = try db.execute("""
                \(numbers) INSERT INTO tasks (job_id, name, node_json, state, seq, attempts)
                SELECT 'old-' || i, t.name, '{}', 'done', t.seq, 1 FROM n CROSS JOIN (SELECT 'lighting' AS name, 0 AS seq UNION ALL SELECT 'gen', 1 UNION ALL SELECT 'publish', 2) t
                """)
        }
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

        let plan = try Self.plan(of: JobStore.readySQL, limit: 12, on: backend)
        switch kind {
        case .sqlite:
            // Walks jobs_dispatch_order, probes each job's ready tasks; only a job's own few ready
            // tasks are ever sorted ("RIGHT PART OF ORDER BY").
            #expect(plan.contains("jobs_dispatch_order") && plan.contains("tasks_ready_by_job"), "\(plan)")
            #expect(!plan.contains("SCAN tasks") && !plan.contains("TEMP B-TREE FOR ORDER BY"), "\(plan)")
        case .postgres:
            #expect(!plan.contains("Seq Scan"), "reads the whole history: \(plan)")
            #expect(plan.contains("jobs_dispatch_order") || plan.contains("tasks_ready_by_job"), "\(plan)")
        }
    }

    /// The database's own plan for `sql`, one line per step, after it has counted the tables.
    static func plan(of sql: String, limit: Int, on backend: any StoreBackend) throws -> String {
        try backend.write { db in
            switch backend.dialect {
            case .sqlite:
                _ = try db.execute("ANALYZE")
                return try db.query("EXPLAIN QUERY PLAN " + sql, [limit]).map { try $0.string("detail") }.joined(separator: "\n")
            case .postgres:
                _ = try db.execute("ANALYZE jobs")
                _ = try db.execute("ANALYZE tasks")
                return try db.query("EXPLAIN " + sql, [limit]).map { try $0.string("QUERY PLAN") }.joined(separator: "\n")
            }
        }
    }
}
