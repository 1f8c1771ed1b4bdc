@testable import Farm
import Foundation
import Testing

/// The session calls that let a server backend send statements without waiting for each
/// (`StoreSession.executeLater`, `queryAll`), on both stores: what a transaction commits must be
/// what it would commit statement by statement, and a failure must still undo all of it.
@Suite struct StoreSessionPipelineTests {
    /// A store whose schema is in place, and a second backend on it for raw statements.
    private static func open(_ kind: StoreKind) throws -> (database: TestDatabase, store: JobStore, backend: any StoreBackend) {
        let database = try StoreFixture.database(kind)
        let store = try database.open()
        return (database, store, try database.openBackend())
    }

    /// What `write` threw, as text (SQLite's errors name the statement as GRDB words them,
    /// PostgreSQL's as `StoreError.statement`); nil when it did not throw.
    private static func failure(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// A primary-key violation in an unawaited statement fails the transaction: `write` throws
    /// it, naming that statement (not the COMMIT, which PostgreSQL answers with ROLLBACK, nor a
    /// later statement refused because the transaction was aborted), and nothing of the
    /// transaction is kept, including the statements before and after it.
    @Test(arguments: StoreKind.allCases)
    func aFailedUnawaitedStatementUndoesTheWholeTransaction(kind: StoreKind) throws {
        let (database, store, backend) = try Self.open(kind)
        defer { database.drop() }
        let duplicate = "INSERT INTO drained_nodes (name) VALUES (?)"
        let failed = Self.failure {
            try backend.write { db in
                try db.execute("INSERT INTO drained_nodes (name) VALUES ('n1')")
                try db.executeLater(duplicate, ["n1"])
                try db.executeLater("INSERT INTO drained_nodes (name) VALUES ('n2')", [])
            }
        }
        #expect(failed?.contains(duplicate) == true && failed?.contains("COMMIT") == false, "\(failed ?? "no error")")
        #expect(try store.drainedNodes().isEmpty)
        // A statement waited for after the failed one reports the failed one too.
        let waited = Self.failure {
            try backend.write { db in
                try db.executeLater(duplicate, ["n3"])
                try db.executeLater(duplicate, ["n3"])
                _ = try db.query("SELECT name FROM drained_nodes")
            }
        }
        #expect(waited?.contains(duplicate) == true && waited?.contains("SELECT") == false, "\(waited ?? "no error")")
        #expect(try store.drainedNodes().isEmpty)
        // Without a failure, unawaited statements are committed like any other.
        try backend.write { db in
            try db.executeLater(duplicate, ["n4"])
            try db.executeLater(duplicate, ["n5"])
        }
        #expect(try store.drainedNodes() == ["n4", "n5"])
    }

    /// Statements sent together answer each with its own rows, in order, in a transaction (seeing
    /// its earlier writes) and outside one.
    @Test(arguments: StoreKind.allCases)
    func queryAllAnswersEachStatementInOrder(kind: StoreKind) throws {
        let (database, _, backend) = try Self.open(kind)
        defer { database.drop() }
        let inside = try backend.write { db in
            try db.executeLater("INSERT INTO drained_nodes (name) VALUES (?), (?)", ["b", "a"])
            return try db.queryAll([
                ("SELECT name FROM drained_nodes ORDER BY name", []),
                ("SELECT COUNT(*) AS n FROM drained_nodes WHERE name = ?", ["b"]),
                ("SELECT name FROM drained_nodes WHERE name = ?", ["none"]),
            ])
        }
        #expect(try inside[0].map { try $0.string("name") } == ["a", "b"])
        #expect(try inside[1].first?.int("n") == 1)
        #expect(inside[2].isEmpty && inside.count == 3)
        let outside = try backend.read { db in
            try db.queryAll([("SELECT name FROM drained_nodes WHERE name = ?", ["a"]), ("SELECT name FROM drained_nodes WHERE name = ?", ["b"])])
        }
        #expect(try outside.map { try $0.map { try $0.string("name") } } == [["a"], ["b"]])
    }

    /// `progress(jobs:)` (what `status` of every job reads) gives each job what its own tasks say:
    /// one job running its lighting on n1 with 0 frames, one with its lighting done and a
    /// generate task at 5 frames on n2, one untouched; an unknown id is absent. `jobs(ids:)`
    /// (a dispatch pass's new jobs) returns the known jobs only.
    @Test(arguments: StoreKind.allCases)
    func severalJobsProgressAndRowsAreReadTogether(kind: StoreKind) throws {
        let (database, store, _) = try Self.open(kind)
        defer { database.drop() }
        let jobs = try (0..<3).map { i in try JobStoreTests.job(submittedAt: Date(timeIntervalSince1970: 1_800_000_000 + Double(i))) }
        for job in jobs { try store.insert(job, tasks: job.tasks) }
        #expect(try store.lease(job: jobs[0].id, task: "lighting", attempt: "l0", worker: "n1"))
        #expect(try store.lease(job: jobs[1].id, task: "lighting", attempt: "l1", worker: "n1"))
        _ = try store.complete(attempt: "l1", outcome: TaskOutcome())
        let generate = try #require(jobs[1].tasks.first { $0.kind == .generate }).name
        #expect(try store.lease(job: jobs[1].id, task: generate, attempt: "g1", worker: "n2"))
        try store.setProgress(attempt: "g1", framesDone: 5)
        let progress = try store.progress(jobs: jobs.map(\.id) + ["no-such-job"])
        #expect(progress.count == 3)
        #expect(progress[jobs[0].id] == JobStore.Progress(framesDone: 0, chunksDone: 0, running: 1, workers: ["n1"]))
        #expect(progress[jobs[1].id] == JobStore.Progress(framesDone: 5, chunksDone: 0, running: 1, workers: ["n2"]))
        #expect(progress[jobs[2].id] == JobStore.Progress(framesDone: 0, chunksDone: 0, running: 0, workers: []))
        let rows = try store.jobs(ids: [jobs[2].id, "no-such-job", jobs[0].id])
        #expect(Set(rows.keys) == [jobs[0].id, jobs[2].id])
        #expect(rows[jobs[0].id]?.state == .running && rows[jobs[2].id]?.state == .queued && rows[jobs[0].id]?.job.id == jobs[0].id)
    }

    /// `statusRead` (`status JOB`, every 10 ms from `submit --wait`) reads the job, its progress
    /// and its timeline together: after its lighting task was leased to n1, the job is running,
    /// one task runs on n1, every task of its graph is listed in graph order and the lease is
    /// its one attempt; an unknown job reads as nil.
    @Test(arguments: StoreKind.allCases)
    func aJobsStatusIsReadInOneGo(kind: StoreKind) throws {
        let (database, store, _) = try Self.open(kind)
        defer { database.drop() }
        let job = try JobStoreTests.job()
        try store.insert(job, tasks: job.tasks)
        #expect(try store.lease(job: job.id, task: "lighting", attempt: "l0", worker: "n1"))
        let read = try #require(try store.statusRead(job: job.id))
        #expect(read.job.job.id == job.id && read.job.state == .running)
        #expect(read.progress == JobStore.Progress(framesDone: 0, chunksDone: 0, running: 1, workers: ["n1"]))
        #expect(read.timeline.tasks.map(\.node.name) == job.tasks.map(\.name))
        #expect(read.timeline.attempts.map(\.task) == ["lighting"] && read.timeline.attempts.first?.node == "n1" && read.timeline.attempts.first?.result == .running)
        #expect(try store.statusRead(job: "no-such-job") == nil)
    }
}
