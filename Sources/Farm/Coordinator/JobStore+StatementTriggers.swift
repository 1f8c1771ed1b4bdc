import Foundation

extension StoreSchema {
    /// PostgreSQL: the attempt history (v2) and the release of dependants (v5) by one trigger per
    /// statement instead of three per row. A row trigger is a PL/pgSQL call and an executor
    /// start for each task a statement moves, and a dispatch pass moves one task per slot twice
    /// (its lease, its result): in `bench farm --stores` the row triggers were 31 % of the writing
    /// backend's time, and are 18 % as one per statement (Docs/performance.md, "CPU per task,
    /// triggers per statement"). This trigger reads the statement's transition tables (the rows
    /// before and after it) and does the same three things once, set-wise, with the same
    /// conditions as the row triggers' WHEN clauses:
    ///
    /// - an attempt ended (leased → anything else): its history row gets its end, error and result;
    /// - an attempt started (anything else → leased, with an attempt id): a history row is added;
    /// - a task finished (leased → done): each dependant loses one pending dependency per edge from
    ///   the finished tasks, and one with none left becomes ready. Summed over the statement's
    ///   finished tasks, as the row triggers subtracted them one after another: the same result.
    ///
    /// The release UPDATE runs only when a task finished: its own statement fires this trigger
    /// again (a statement trigger fires even for no rows), and there it finds none and stops.
    /// SQLite keeps its row triggers: they run in the coordinator's process, with no call across.
    static let v7StatementTriggers = StoreMigration("v7-statement-triggers") { dialect in
        guard dialect == .postgres else { return [] }
        let now = dialect.unixNow
        let moved = "old_rows AS o JOIN new_rows AS n ON n.job_id = o.job_id AND n.name = o.name"
        let finished = "o.state = 'leased' AND n.state = 'done'"
        return [
            "DROP TRIGGER task_attempt_started ON tasks",
            "DROP TRIGGER task_attempt_ended ON tasks",
            "DROP TRIGGER task_done_releases ON tasks",
            "DROP FUNCTION task_attempt_started()",
            "DROP FUNCTION task_attempt_ended()",
            "DROP FUNCTION task_done_releases()",
            """
            CREATE FUNCTION tasks_moved() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
                UPDATE task_attempts SET ended_at = \(now), error = n.error, result = CASE
                    WHEN n.state IN ('done', 'failed', 'cancelled') THEN n.state
                    WHEN n.failed_on <> o.failed_on THEN 'retried'
                    ELSE 'requeued' END
                FROM \(moved)
                WHERE task_attempts.attempt = o.attempt AND o.state = 'leased' AND n.state <> 'leased' AND o.attempt IS NOT NULL;
                INSERT INTO task_attempts (attempt, job_id, task, number, worker, started_at)
                SELECT n.attempt, n.job_id, n.name, n.attempts, COALESCE(n.worker, '?'), \(now)
                FROM \(moved)
                WHERE n.state = 'leased' AND o.state <> 'leased' AND n.attempt IS NOT NULL
                ON CONFLICT DO NOTHING;
                IF EXISTS (SELECT 1 FROM \(moved) WHERE \(finished)) THEN
                    UPDATE tasks SET pending_deps = tasks.pending_deps - released.edges,
                        state = CASE WHEN tasks.state = 'waiting' AND tasks.pending_deps <= released.edges THEN 'ready' ELSE tasks.state END
                    FROM (SELECT d.job_id, d.task, COUNT(*) AS edges
                          FROM task_deps AS d JOIN \(moved) ON d.job_id = n.job_id AND d.depends_on = n.name
                          WHERE \(finished)
                          GROUP BY d.job_id, d.task) AS released
                    WHERE tasks.job_id = released.job_id AND tasks.name = released.task;
                END IF;
                RETURN NULL;
            END $$
            """,
            "CREATE TRIGGER tasks_moved AFTER UPDATE ON tasks REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tasks_moved()",
        ]
    }
}
