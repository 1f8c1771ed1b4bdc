import Farm
import Foundation
import Testing
import TestSupport

/// A `--state` folder written before the store kept its own `schema_migrations` (GRDB's migrator
/// recorded v1 and v2 in `grdb_migrations`) opens without re-running them, gains the new steps,
/// and keeps its rows and triggers. The old schema is built by the sqlite3 tool, not by our code.
@Suite struct JobStoreUpgradeTests {
    /// The schema and bookkeeping SceneFarm wrote up to commit 278086a.
    static let oldStore = """
        CREATE TABLE jobs (
            id TEXT PRIMARY KEY,
            state TEXT NOT NULL,
            job_json TEXT NOT NULL,
            submitted_at REAL NOT NULL,
            started_at REAL,
            finished_at REAL,
            error TEXT,
            published TEXT,
            seams_json TEXT
        );
        CREATE TABLE tasks (
            job_id TEXT NOT NULL REFERENCES jobs(id),
            name TEXT NOT NULL,
            node_json TEXT NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            attempt TEXT,
            worker TEXT,
            frames_done INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            outcome_json TEXT,
            failed_on TEXT NOT NULL DEFAULT '[]',
            seq INTEGER NOT NULL,
            pending_deps INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (job_id, name)
        );
        -- Edges of the task graph, so finishing a task touches only the tasks that wait on it.
        CREATE TABLE task_deps (
            job_id TEXT NOT NULL,
            task TEXT NOT NULL,
            depends_on TEXT NOT NULL
        );
        CREATE INDEX task_deps_by_dependency ON task_deps(job_id, depends_on);
        CREATE INDEX tasks_state ON tasks(state);
        CREATE UNIQUE INDEX tasks_attempt ON tasks(attempt) WHERE attempt IS NOT NULL;
        CREATE TABLE drained_nodes (name TEXT PRIMARY KEY);
        CREATE TABLE task_attempts (
            attempt TEXT PRIMARY KEY,
            job_id TEXT NOT NULL,
            task TEXT NOT NULL,
            number INTEGER NOT NULL,
            worker TEXT NOT NULL,
            started_at REAL NOT NULL,
            ended_at REAL,
            result TEXT NOT NULL DEFAULT 'running',
            error TEXT
        );
        CREATE INDEX task_attempts_by_job ON task_attempts(job_id, task);
        CREATE TRIGGER task_attempt_started AFTER UPDATE OF state ON tasks
        WHEN NEW.state = 'leased' AND OLD.state <> 'leased' AND NEW.attempt IS NOT NULL
        BEGIN
            INSERT OR IGNORE INTO task_attempts (attempt, job_id, task, number, worker, started_at)
            VALUES (NEW.attempt, NEW.job_id, NEW.name, NEW.attempts, COALESCE(NEW.worker, '?'), ((julianday('now') - 2440587.5) * 86400.0));
        END;
        CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
        INSERT INTO grdb_migrations VALUES ('v1'), ('v2-task-attempts');
        INSERT INTO drained_nodes VALUES ('old-node');
        """

    @Test func storeFromBeforeSchemaMigrationsIsAdoptedAndUpgraded() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scenefarm-old-store-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("scenefarm.sqlite").path
        let made = try Tool.run("sqlite3", [file, Self.oldStore])
        try #require(made.status == 0, "\(made.stderr)")

        let store = try JobStore(directory: directory)
        #expect(try store.drainedNodes() == ["old-node"])
        let job = try JobStoreTests.job()
        try store.insert(job, tasks: job.tasks)
        #expect(try store.lease(job: job.id, task: "lighting", attempt: "a1", worker: "n1"))
        #expect(try store.claimActive(holder: "c1", now: Date(), ttl: 5))
        let applied = try Tool.run("sqlite3", [file, "SELECT id FROM schema_migrations ORDER BY id; SELECT COUNT(*) FROM task_attempts;"])
        #expect(applied.stdout.split(separator: "\n") == ["v1", "v2-task-attempts", "v3-active-coordinator", "v4-job-priority", "v5-release-by-trigger", "v6-dispatch-order", "v7-statement-triggers", "v8-transition-join", "1"])
        // The upgraded store releases a finished task's dependants (v5's trigger): the graph's
        // rule is lighting → every generate task.
        #expect(try store.complete(attempt: "a1", outcome: TaskOutcome()) != nil)
        #expect(Set(try store.readyTasks().map(\.node.name)) == Set(job.tasks.filter { $0.kind == .generate }.map(\.name)))
    }
}
