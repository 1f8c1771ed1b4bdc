#!/usr/bin/env python3
"""The job store's PostgreSQL statement trigger (`tasks_moved`) before and after v8, side by side.

Usage: python3 Farm/bench/transition_join.py [--trials 5] [--sizes 128,1024]   (as root or a user
that can run PostgreSQL 15's initdb; needs postgresql-15, which the deps script installs)

What it measures: one UPDATE that records N leased tasks as done, as a loop pass with N results
does, each task with two dependants to release, on a private cluster in a temporary folder. Two
cases per trigger:

- "after one row": the connection's first UPDATE moved a single task, so the plan PL/pgSQL keeps
  for the trigger's statements is the one made for a one-row transition table (a coordinator that
  starts with one task in the queue);
- "first": the N-row UPDATE is the connection's first.

The first trial is printed apart: after it, autovacuum's ANALYZE of the changed table may make
PL/pgSQL plan the trigger's statements again, with the sizes of that moment.

The trigger bodies are read from the Swift sources of migrations v7 and v8, so this measures the
SQL that ships. The tables are the columns and indexes of `tasks`, `task_deps` and `task_attempts`
that the trigger touches (StoreSchema.swift), without `jobs`.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOW = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS DOUBLE PRECISION)"
BIN = "/usr/lib/postgresql/15/bin"

SCHEMA = """
CREATE TABLE tasks (job_id TEXT NOT NULL, name TEXT NOT NULL, node_json TEXT NOT NULL, state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0, attempt TEXT, worker TEXT, frames_done BIGINT NOT NULL DEFAULT 0, error TEXT,
    outcome_json TEXT, failed_on TEXT NOT NULL DEFAULT '[]', seq BIGINT NOT NULL, pending_deps BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (job_id, name));
CREATE TABLE task_deps (job_id TEXT NOT NULL, task TEXT NOT NULL, depends_on TEXT NOT NULL);
CREATE INDEX task_deps_by_dependency ON task_deps(job_id, depends_on);
CREATE INDEX tasks_state ON tasks(state);
CREATE UNIQUE INDEX tasks_attempt ON tasks(attempt) WHERE attempt IS NOT NULL;
CREATE TABLE task_attempts (attempt TEXT PRIMARY KEY, job_id TEXT NOT NULL, task TEXT NOT NULL, number BIGINT NOT NULL,
    worker TEXT NOT NULL, started_at DOUBLE PRECISION NOT NULL, ended_at DOUBLE PRECISION, result TEXT NOT NULL DEFAULT 'running', error TEXT);
CREATE INDEX task_attempts_by_job ON task_attempts(job_id, task);
CREATE TRIGGER tasks_moved AFTER UPDATE ON tasks REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tasks_moved();
"""


def trigger_function(swift_file):
    """The `tasks_moved()` function a migration creates, its Swift interpolations filled in."""
    text = open(os.path.join(ROOT, "Sources/Farm/Coordinator", swift_file)).read()
    values = {"now": NOW}
    for name, block in re.findall(r'let (\w+) = """\n(.*?)\n\s*"""', text, re.S):
        values[name] = block
    for name, line in re.findall(r'let (\w+) = "((?:[^"\\]|\\.)*)"\n', text):
        values[name] = line
    match = re.search(r'"""\n(\s*CREATE (?:OR REPLACE )?FUNCTION tasks_moved\(\).*?END \$\$)\n\s*"""', text, re.S)
    if not match:
        sys.exit(f"no tasks_moved() in {swift_file}")
    body = match.group(1)
    for _ in range(3):
        body = re.sub(r"\\\((\w+)\)", lambda m: values[m.group(1)], body)
    return body.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION") + ";"


def run_sql(socket, database, sql, user):
    command = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", socket, "-d", database, "-U", "postgres"]
    result = subprocess.run(as_user(command, user), input=sql, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(result.stderr)
    return result.stdout


def as_user(command, user):
    return command if user is None else ["runuser", "-u", user, "--"] + command


def session(function, n, warm, trials):
    """SQL for one connection: the tables, N + 1 leased tasks with two dependants each, then
    `trials` timed N-row updates (each undone without firing the trigger)."""
    rows = n + 1
    lines = [SCHEMA.replace("CREATE TRIGGER", function + "\nCREATE TRIGGER", 1),
             f"INSERT INTO tasks (job_id, name, node_json, state, attempts, attempt, worker, seq) "
             f"SELECT 'j' || i, 'generate', '{{}}', 'leased', 1, 'a' || i, 'n1', 1 FROM generate_series(1, {rows}) i;",
             f"INSERT INTO tasks (job_id, name, node_json, state, seq, pending_deps) "
             f"SELECT 'j' || i, 'blend-' || k, '{{}}', 'waiting', 2, 1 FROM generate_series(1, {rows}) i, generate_series(1, 2) k;",
             f"INSERT INTO task_deps SELECT 'j' || i, 'blend-' || k, 'generate' FROM generate_series(1, {rows}) i, generate_series(1, 2) k;",
             f"INSERT INTO task_attempts SELECT 'a' || i, 'j' || i, 'generate', 1, 'n1', 0 FROM generate_series(1, {rows}) i;",
             "ANALYZE;"]
    if warm:
        lines.append(f"UPDATE tasks SET state = 'done' WHERE attempt = 'a{rows}' AND state = 'leased';")
    for _ in range(trials):
        lines += ["\\timing on",
                  f"UPDATE tasks SET state = 'done' FROM (SELECT 'a' || i AS a FROM generate_series(1, {n}) i) AS r "
                  f"WHERE tasks.attempt = r.a AND tasks.state = 'leased';",
                  "\\timing off",
                  # Checked each trial: every task done, every dependant released, every attempt ended.
                  f"SELECT 'check', (SELECT count(*) FROM tasks WHERE name = 'generate' AND state = 'done' AND attempt <> 'a{rows}'),"
                  f" (SELECT count(*) FROM tasks WHERE name LIKE 'blend-%' AND state = 'ready'),"
                  f" (SELECT count(*) FROM task_attempts WHERE result = 'done' AND attempt <> 'a{rows}');",
                  # Undone with triggers off (session_replication_role), which keeps the cached plans.
                  "SET session_replication_role = replica;",
                  f"UPDATE tasks SET state = 'leased' WHERE name = 'generate' AND attempt <> 'a{rows}';",
                  "UPDATE tasks SET state = 'waiting', pending_deps = 1 WHERE name LIKE 'blend-%';",
                  f"UPDATE task_attempts SET ended_at = NULL, result = 'running' WHERE attempt <> 'a{rows}';",
                  "SET session_replication_role = origin;"]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--sizes", default="128,1024")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    user = "postgres" if os.geteuid() == 0 else None
    folder = tempfile.mkdtemp(prefix="scenefarm-trigger-bench-")
    data, socket = os.path.join(folder, "data"), os.path.join(folder, "socket")
    os.makedirs(socket)
    if user:
        shutil.chown(folder, user)
        shutil.chown(socket, user)
    try:
        subprocess.run(as_user([f"{BIN}/initdb", "-D", data, "-U", "postgres", "-A", "trust", "--no-sync"], user), check=True, capture_output=True)
        subprocess.run(as_user([f"{BIN}/pg_ctl", "-D", data, "-o", f"-k {socket} -h ''", "-l", os.path.join(folder, "log"), "-w", "-s", "start"], user), check=True)
        triggers = [("v7", trigger_function("JobStore+StatementTriggers.swift")), ("v8", trigger_function("JobStore+TransitionJoin.swift"))]
        print(f"one UPDATE recording N leased tasks as done (2 dependants each), {args.trials} trials; ms, median (min–max), and the first trial")
        print("N | case | v7 | v8 | v7/v8")
        for n in sizes:
            for warm in (True, False):
                medians = {}
                cells = []
                for name, function in triggers:
                    database = f"{name}_{n}_{'warm' if warm else 'cold'}"
                    run_sql(socket, "postgres", f"CREATE DATABASE {database};", user)
                    out = run_sql(socket, database, session(function, n, warm, args.trials), user)
                    times = [float(t) for t in re.findall(r"Time: ([\d.]+) ms", out)]
                    for check in re.findall(r"check \| (\d+) \| (\d+) \| (\d+)", out):
                        if check != (str(n), str(2 * n), str(n)):
                            sys.exit(f"{name} N={n}: wrong rows after the update: {check}")
                    medians[name] = statistics.median(times)
                    cells.append(f"{medians[name]:.1f} ({min(times):.1f}–{max(times):.1f}), first {times[0]:.1f}")
                case = "after one row" if warm else "first"
                print(f"{n} | {case} | {cells[0]} | {cells[1]} | {medians['v7'] / medians['v8']:.2f}x")
    finally:
        subprocess.run(as_user([f"{BIN}/pg_ctl", "-D", data, "-m", "fast", "-w", "-s", "stop"], user), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
