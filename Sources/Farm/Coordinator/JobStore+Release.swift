import Foundation

extension StoreSchema {
    /// A finished task releases its dependants by trigger, inside the very statement that
    /// records it done: each dependant has as many dependencies fewer as it has edges to the
    /// finished task, and one with none left becomes ready. Before this step the result batch
    /// sent a statement of its own after reading the recorded rows, so a loop pass (JobStore+Pass.swift)
    /// could read the ready tasks only after one more round trip, or before the release and so
    /// lease lower-priority work ahead of a finished task's dependants. The same SQL as that
    /// statement, per finished row (SET reads the row as it was); the trigger fires only on a
    /// leased task becoming done, which only a result does (`complete(_:)`).
    static let v5ReleaseByTrigger = StoreMigration("v5-release-by-trigger") { dialect in
        let edges = "SELECT COUNT(*) FROM task_deps WHERE task_deps.job_id = NEW.job_id AND task_deps.depends_on = NEW.name AND task_deps.task = tasks.name"
        let release = """
            UPDATE tasks SET pending_deps = pending_deps - (\(edges)),
                state = CASE WHEN state = 'waiting' AND pending_deps <= (\(edges)) THEN 'ready' ELSE state END
            WHERE job_id = NEW.job_id AND name IN (SELECT task FROM task_deps WHERE task_deps.job_id = NEW.job_id AND task_deps.depends_on = NEW.name);
            """
        let when = "OLD.state = 'leased' AND NEW.state = 'done'"
        switch dialect {
        case .sqlite:
            return ["CREATE TRIGGER task_done_releases AFTER UPDATE OF state ON tasks WHEN \(when) BEGIN \(release) END"]
        case .postgres:
            return [
                "CREATE FUNCTION task_done_releases() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \(release) RETURN NULL; END $$",
                "CREATE TRIGGER task_done_releases AFTER UPDATE OF state ON tasks FOR EACH ROW WHEN (\(when)) EXECUTE FUNCTION task_done_releases()",
            ]
        }
    }
}
