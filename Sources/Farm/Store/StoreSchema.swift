import Foundation

/// The job store's schema, as the ordered list of migrations both backends apply. To change the
/// schema, append a migration with a new id; never edit one that has shipped (stores in the field
/// have applied it). Column types are the ones SQLite and PostgreSQL read alike: TEXT, BIGINT
/// (SQLite: INTEGER affinity), DOUBLE PRECISION (SQLite: REAL affinity; times are Unix seconds).
public enum StoreSchema {
    public static let migrations: [StoreMigration] = [v1, v2TaskAttempts, v3ActiveCoordinator, v4JobPriority, v5ReleaseByTrigger, v6DispatchOrder, v7StatementTriggers, v8TransitionJoin]

    static let v1 = StoreMigration("v1") { _ in
        [
            """
            CREATE TABLE jobs (
                id TEXT PRIMARY KEY,
                state TEXT NOT NULL,
                job_json TEXT NOT NULL,
                submitted_at DOUBLE PRECISION NOT NULL,
                started_at DOUBLE PRECISION,
                finished_at DOUBLE PRECISION,
                error TEXT,
                published TEXT,
                seams_json TEXT
            )
            """,
            """
            CREATE TABLE tasks (
                job_id TEXT NOT NULL REFERENCES jobs(id),
                name TEXT NOT NULL,
                node_json TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts BIGINT NOT NULL DEFAULT 0,
                attempt TEXT,
                worker TEXT,
                frames_done BIGINT NOT NULL DEFAULT 0,
                error TEXT,
                outcome_json TEXT,
                failed_on TEXT NOT NULL DEFAULT '[]',
                seq BIGINT NOT NULL,
                pending_deps BIGINT NOT NULL DEFAULT 0,
                PRIMARY KEY (job_id, name)
            )
            """,
            // Edges of the task graph, so finishing a task touches only the tasks that wait on it.
            "CREATE TABLE task_deps (job_id TEXT NOT NULL, task TEXT NOT NULL, depends_on TEXT NOT NULL)",
            "CREATE INDEX task_deps_by_dependency ON task_deps(job_id, depends_on)",
            "CREATE INDEX tasks_state ON tasks(state)",
            "CREATE UNIQUE INDEX tasks_attempt ON tasks(attempt) WHERE attempt IS NOT NULL",
            "CREATE TABLE drained_nodes (name TEXT PRIMARY KEY)",
        ]
    }

    /// The attempt history (JobStore+Timeline.swift): every lease of a task becomes a row, written
    /// by triggers on the task's state column inside the transaction that moves the task, so no
    /// code path can forget it. Tasks leased before a store got this step have no row for that lease.
    static let v2TaskAttempts = StoreMigration("v2-task-attempts") { dialect in
        let now = dialect.unixNow
        let table = [
            """
            CREATE TABLE task_attempts (
                attempt TEXT PRIMARY KEY,
                job_id TEXT NOT NULL,
                task TEXT NOT NULL,
                number BIGINT NOT NULL,
                worker TEXT NOT NULL,
                started_at DOUBLE PRECISION NOT NULL,
                ended_at DOUBLE PRECISION,
                result TEXT NOT NULL DEFAULT 'running',
                error TEXT
            )
            """,
            "CREATE INDEX task_attempts_by_job ON task_attempts(job_id, task)",
        ]
        let started = """
            INSERT INTO task_attempts (attempt, job_id, task, number, worker, started_at)
            VALUES (NEW.attempt, NEW.job_id, NEW.name, NEW.attempts, COALESCE(NEW.worker, '?'), \(now))
            ON CONFLICT DO NOTHING;
            """
        let ended = """
            UPDATE task_attempts SET ended_at = \(now), error = NEW.error, result = CASE
                WHEN NEW.state IN ('done', 'failed', 'cancelled') THEN NEW.state
                WHEN NEW.failed_on <> OLD.failed_on THEN 'retried'
                ELSE 'requeued' END
            WHERE attempt = OLD.attempt;
            """
        let startedWhen = "NEW.state = 'leased' AND OLD.state <> 'leased' AND NEW.attempt IS NOT NULL"
        let endedWhen = "OLD.state = 'leased' AND NEW.state <> 'leased' AND OLD.attempt IS NOT NULL"
        switch dialect {
        case .sqlite:
            return table + [
                "CREATE TRIGGER task_attempt_started AFTER UPDATE OF state ON tasks WHEN \(startedWhen) BEGIN \(started) END",
                "CREATE TRIGGER task_attempt_ended AFTER UPDATE OF state ON tasks WHEN \(endedWhen) BEGIN \(ended) END",
            ]
        case .postgres:
            // PostgreSQL triggers call a function; the WHEN clauses and bodies are the same SQL.
            return table + [
                "CREATE FUNCTION task_attempt_started() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \(started) RETURN NULL; END $$",
                "CREATE FUNCTION task_attempt_ended() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \(ended) RETURN NULL; END $$",
                "CREATE TRIGGER task_attempt_started AFTER UPDATE OF state ON tasks FOR EACH ROW WHEN (\(startedWhen)) EXECUTE FUNCTION task_attempt_started()",
                "CREATE TRIGGER task_attempt_ended AFTER UPDATE OF state ON tasks FOR EACH ROW WHEN (\(endedWhen)) EXECUTE FUNCTION task_attempt_ended()",
            ]
        }
    }

    /// The active-coordinator lease (`JobStore.claimActive`): at most one row, id 1.
    static let v3ActiveCoordinator = StoreMigration("v3-active-coordinator") { _ in
        ["CREATE TABLE active_coordinator (id BIGINT PRIMARY KEY CHECK (id = 1), holder TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL)"]
    }
}
