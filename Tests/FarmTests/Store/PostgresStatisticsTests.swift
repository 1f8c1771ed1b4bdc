@testable import Farm
import FarmPostgres
import Foundation
import Testing

/// PostgreSQL plans the dispatch statements from its table statistics; the store refreshes them
/// itself once enough rows were submitted (`PostgresStore.rowsAdded`) instead of leaving a new
/// or fast-growing farm to autovacuum's next round. What the server itself records is checked:
/// `pg_class.reltuples`, which only ANALYZE or VACUUM set, with autovacuum turned off for the
/// test's tables so that nothing but the store can have set it.
@Suite struct PostgresStatisticsTests {
    @Test func theStoreGathersStatisticsAfterABigSubmissionWithoutAutovacuum() throws {
        let database = try StoreFixture.database(.postgres)
        defer { database.drop() }
        let store = try database.open()
        let probe = try database.openBackend()
        try probe.write { db in
            for table in ["jobs", "tasks", "task_deps"] { try db.execute("ALTER TABLE \(table) SET (autovacuum_enabled = false)") }
        }
        func counted(_ table: String) throws -> Double {
            try probe.read { db in try db.queryOne("SELECT reltuples FROM pg_class WHERE relname = ? AND relkind = 'r'", [table])?.double("reltuples") ?? -1 }
        }
        // A few jobs are under the threshold (500 rows): no refresh, the tables stay uncounted.
        let template = try JobStoreTests.job(id: "template")
        let rowsPerJob = 1 + template.tasks.count + template.tasks.reduce(0) { $0 + $1.dependsOn.count }
        let few = max(1, 400 / rowsPerJob)
        for i in 0..<few {
            let job = try JobStoreTests.job(id: "few-\(i)")
            try store.insert(job, tasks: job.tasks)
        }
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try counted("tasks") <= 0, "statistics refreshed below the threshold")

        // A submission past it: the store runs ANALYZE off the caller's thread, soon.
        let many = 600 / rowsPerJob + 1
        for i in 0..<many {
            let job = try JobStoreTests.job(id: "many-\(i)")
            try store.insert(job, tasks: job.tasks)
        }
        let deadline = Date().addingTimeInterval(20)
        while try counted("tasks") <= 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let tasks = Double((few + many) * template.tasks.count)
        let countedTasks = try counted("tasks"), countedJobs = try counted("jobs"), countedDeps = try counted("task_deps")
        #expect(countedTasks >= tasks / 2, "tasks counted \(countedTasks) of \(tasks)")
        #expect(countedJobs > 0 && countedDeps > 0, "jobs \(countedJobs), task_deps \(countedDeps)")
    }
}
