import Foundation

extension StoreSchema {
    /// PostgreSQL: v7's statement trigger joined the statement's rows before and after it in
    /// nested loops, in time that grows with the square of the rows a statement moves. The rows
    /// of a transition table have no statistics, so the planner takes each filter on them
    /// (`o.state = 'leased'`) to keep one row in two hundred, counts one row on each side, and
    /// rescans one side for every row of the other. A dispatch pass of 128 results compared
    /// 25,654 pairs to release 202 dependants: 4.8 of the release's 7.7 ms (Docs/performance.md,
    /// "The transition join"). A pass of `JobStore.maxLeaseBatch` (1024) would compare some
    /// 1.6 million.
    ///
    /// Here a statement's rows are paired without a join. An attempt started when a task is leased
    /// under an attempt id with no history row yet: the new rows alone say so (the history row's
    /// key is the attempt id, and every lease on a PostgreSQL store has one: its schema had the
    /// history from its first start, so a task leased before this statement is already there).
    /// An attempt ended when a task leased before the statement is not leased after it: the
    /// leased rows before and the not-leased rows after, grouped on the task's key (a hash or a
    /// sort of both sides together, whatever sizes the planner assumed), pair where a key has
    /// both. Those pairs end their history rows and, where the task is now done, release its
    /// dependants, in one statement. The same three actions under the same conditions as v7.
    static let v8TransitionJoin = StoreMigration("v8-transition-join") { dialect in
        guard dialect == .postgres else { return [] }
        let now = dialect.unixNow
        let ended = """
            ended AS MATERIALIZED (
                SELECT job_id, name, max(old_attempt) AS old_attempt, max(old_failed_on) AS old_failed_on,
                       max(state) AS state, max(error) AS error, max(failed_on) AS failed_on
                FROM (SELECT job_id, name, attempt AS old_attempt, failed_on AS old_failed_on,
                             NULL::text AS state, NULL::text AS error, NULL::text AS failed_on
                      FROM old_rows WHERE state = 'leased'
                      UNION ALL
                      SELECT job_id, name, NULL, NULL, state, error, failed_on
                      FROM new_rows WHERE state <> 'leased') AS sides
                GROUP BY job_id, name
                HAVING count(*) = 2)
            """
        let close = """
            UPDATE task_attempts SET ended_at = \(now), error = e.error, result = CASE
                WHEN e.state IN ('done', 'failed', 'cancelled') THEN e.state
                WHEN e.failed_on <> e.old_failed_on THEN 'retried'
                ELSE 'requeued' END
            FROM ended AS e
            WHERE task_attempts.attempt = e.old_attempt
            """
        // The release is a statement on `tasks`, which fires this trigger again even when it
        // changes no row, so it runs only when a task is done after this statement (the nested
        // call finds none).
        return [
            """
            CREATE OR REPLACE FUNCTION tasks_moved() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
                INSERT INTO task_attempts (attempt, job_id, task, number, worker, started_at)
                SELECT n.attempt, n.job_id, n.name, n.attempts, COALESCE(n.worker, '?'), \(now)
                FROM new_rows AS n
                WHERE n.state = 'leased' AND n.attempt IS NOT NULL
                ON CONFLICT DO NOTHING;
                IF EXISTS (SELECT 1 FROM new_rows WHERE state = 'done') THEN
                    WITH \(ended), closed AS (\(close))
                    UPDATE tasks SET pending_deps = tasks.pending_deps - released.edges,
                        state = CASE WHEN tasks.state = 'waiting' AND tasks.pending_deps <= released.edges THEN 'ready' ELSE tasks.state END
                    FROM (SELECT d.job_id, d.task, COUNT(*) AS edges
                          FROM ended AS e JOIN task_deps AS d ON d.job_id = e.job_id AND d.depends_on = e.name
                          WHERE e.state = 'done'
                          GROUP BY d.job_id, d.task) AS released
                    WHERE tasks.job_id = released.job_id AND tasks.name = released.task;
                ELSE
                    WITH \(ended) \(close);
                END IF;
                RETURN NULL;
            END $$
            """,
        ]
    }
}
