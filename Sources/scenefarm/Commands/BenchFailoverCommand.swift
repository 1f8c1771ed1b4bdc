import ArgumentParser
import Farm
import FarmPostgres
import Foundation

/// `scenefarm bench failover`: a real coordinator pair (two processes sharing one job store,
/// SQLite or a private PostgreSQL server) and two real nodes render a shot; mid-job something
/// fails (the active primary is killed with SIGKILL; the PostgreSQL server is stopped for a
/// while; the killed primary is started again after the fail-over; the pair link is cut), and
/// what it costs is measured from outside, by polling the store: the seconds until a task is
/// dispatched again (or, where dispatch should not stop, the longest pause in dispatch after the
/// event next to the longest in as long a time before it), and the work done twice (attempts
/// beyond one per task, and the frames the abandoned attempts had reported) once the job has finished.
struct BenchFailoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failover",
        abstract: "What failures cost a coordinator pair: SIGKILL the active primary → the backup's first dispatch (goal ≤ 3 s) on SQLite and PostgreSQL; a PostgreSQL restart; the old primary restarted; the pair link cut."
    )

    enum StoreChoice: String, ExpressibleByArgument, CaseIterable {
        case sqlite, postgres, both
    }

    enum FailureChoice: String, ExpressibleByArgument, CaseIterable {
        case kill
        case postgresRestart = "postgres-restart"
        case primaryRestart = "primary-restart"
        case partition
        case freeze
        case all
    }

    @Option(help: "Failures to measure per case.") var runs = 10
    @Option(help: "Job store for kill: sqlite, postgres (a private server this bench starts) or both, side by side. postgres-restart and freeze always use PostgreSQL; primary-restart and partition use SQLite.")
    var store = StoreChoice.both
    @Option(help: "What fails: kill (SIGKILL the active primary), freeze (SIGSTOP the active primary: a machine that stops answering without closing its connections, as on power loss; it is resumed once the backup serves), postgres-restart (the PostgreSQL server stopped for --outage seconds), primary-restart (the killed primary started again once the backup serves), partition (the pair link cut; needs python3 for its relays), or all.")
    var failure = FailureChoice.kill
    @Option(help: "Seconds the PostgreSQL server stays down in postgres-restart.") var outage = 2.0
    @Option(help: "Scratch folder (default: a new temporary one, removed afterwards).") var work: String?

    /// How long dispatch is watched before and after an event that should not stop it.
    static let window = 4.0

    func validate() throws {
        guard (1...100).contains(runs) else { throw ValidationError("--runs must be 1…100") }
        guard outage > 0, outage <= 60 else { throw ValidationError("--outage must be above 0 and at most 60 seconds") }
        if failure == .postgresRestart, store == .sqlite { throw ValidationError("postgres-restart needs --store postgres (or both)") }
        if failure == .freeze, store == .sqlite {
            throw ValidationError("freeze needs --store postgres (or both): a stopped coordinator holding SQLite's write lock keeps its partner out until it dies, see Docs/operations.md")
        }
    }

    /// One measured case: a failure on a store.
    private enum Case: CustomStringConvertible {
        case kill(postgres: Bool)
        case freeze
        case postgresRestart
        case primaryRestart
        case partition

        var description: String {
            switch self {
            case .kill(let postgres): "SIGKILL the active primary, \(postgres ? "PostgreSQL" : "SQLite") store"
            case .freeze: "SIGSTOP the active primary (silent, connections left open), resumed once the backup serves, PostgreSQL store"
            case .postgresRestart: "PostgreSQL server stopped and started, PostgreSQL store"
            case .primaryRestart: "the killed primary started again while the backup serves, SQLite store"
            case .partition: "the pair link cut (both relays stopped), SQLite store"
            }
        }

        var postgres: Bool {
            switch self {
            case .kill(let postgres): postgres
            case .freeze, .postgresRestart: true
            case .primaryRestart, .partition: false
            }
        }
    }

    func run() throws {
        let work = work.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory.appendingPathComponent("scenefarm-bench-failover-\(UUID().uuidString.prefix(8))")
        var cases: [Case] = []
        if failure == .kill || failure == .all {
            if store != .postgres { cases.append(.kill(postgres: false)) }
            if store != .sqlite { cases.append(.kill(postgres: true)) }
        }
        // PostgreSQL only: SQLite cannot end a stopped process's write lock (Docs/operations.md).
        if failure == .freeze || (failure == .all && store != .sqlite) { cases.append(.freeze) }
        if failure == .postgresRestart || (failure == .all && store != .sqlite) { cases.append(.postgresRestart) }
        if failure == .primaryRestart || failure == .all { cases.append(.primaryRestart) }
        if failure == .partition || failure == .all { cases.append(.partition) }
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        print("bench failover: \(runs) run(s) per case; pair + 2 node processes on loopback; \(ProcessInfo.processInfo.activeProcessorCount) cores, load \(load)")
        // One server for every PostgreSQL run, a database each; durable commits, as in production.
        let cluster = try cases.contains { $0.postgres } ? ScratchPostgres() : nil
        defer { cluster?.remove() }
        for (index, kase) in cases.enumerated() {
            print("\(kase):")
            var measured: [Measured] = []
            for run in 0..<runs {
                let one = try once(work.appendingPathComponent("c\(index)r\(run)"), kase, cluster: cluster, database: "bench_c\(index)r\(run)")
                measured.append(one)
                var text = String(format: "  run %d:", run + 1)
                if let serving = one.serving { text += String(format: " backup serving after %.2f s,", serving) }
                if let dispatch = one.dispatch { text += String(format: " first dispatch after %.2f s,", dispatch) }
                if let pause = one.pause { text += String(format: " longest pause in dispatch %.2f s after, %.2f s before,", pause.after, pause.before) }
                print(text + " \(one.repeatedAttempts) attempt(s) repeated, \(one.repeatedFrames) frame(s) rendered again")
            }
            func line(_ name: String, _ values: [Double], unit: String = "s", goal: String = "") -> String {
                let spread = RunSpread(values)
                return String(format: "  %@: median %.2f %@ (min %.2f, max %.2f)%@", name, spread.median, unit, spread.min, spread.max, goal)
            }
            switch kase {
            case .kill, .freeze:
                let event = if case .kill = kase { "kill" } else { "freeze" }
                print(line("\(event) → backup serving", measured.compactMap(\.serving)))
                print(line("\(event) → first dispatch by the backup", measured.compactMap(\.dispatch), goal: " (goal ≤ 3 s)"))
            case .postgresRestart:
                print(line("server stopped → first dispatch", measured.compactMap(\.dispatch)))
                print(line("server back → first dispatch", measured.compactMap(\.dispatch).map { $0 - outage }))
            case .primaryRestart, .partition:
                print(line(String(format: "longest pause in dispatch in the %.0f s after", Self.window), measured.compactMap(\.pause?.after)))
                print(line(String(format: "longest pause in dispatch in the %.0f s before", Self.window), measured.compactMap(\.pause?.before)))
            }
            print(line("attempts repeated", measured.map { Double($0.repeatedAttempts) }, unit: "per failure"))
            print(line("frames rendered again", measured.map { Double($0.repeatedFrames) }, unit: "per failure"))
        }
        // Only after a whole bench: a failed run leaves its logs for reading.
        if self.work == nil { try? FileManager.default.removeItem(at: work) }
    }

    private struct Measured {
        /// Kill → the backup holds the store's active lease.
        var serving: Double?
        /// The failure → the first task leased after it (kill, server restart).
        var dispatch: Double?
        /// The longest time without a new lease in the window after the event, and in as long a
        /// window before it (primary restart, partition: events that should not stop dispatch).
        var pause: (after: Double, before: Double)?
        /// Attempts beyond one per task, once the job has finished.
        var repeatedAttempts = 0
        /// Frames the attempts that did not finish had reported as written when the failure came.
        var repeatedFrames = 0
    }

    private func once(_ work: URL, _ kase: Case, cluster: ScratchPostgres?, database: String) throws -> Measured {
        let storage = work.appendingPathComponent("storage"), state = work.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        var storeArguments: [String] = []
        if kase.postgres, let cluster {
            try cluster.createDatabase(database)
            storeArguments = ["--store", cluster.url(database: database)]
        }
        // Longer for the cases that watch dispatch for a window after the failure (the job must
        // still have tasks to dispatch when it ends: a 240-frame job can finish within the 2 s of
        // a freeze's fail-over and the 4 s window after it on a fast machine).
        let frames: Int
        switch kase {
        case .kill, .postgresRestart: frames = 240
        case .freeze, .primaryRestart, .partition: frames = 2400
        }
        let spec = work.appendingPathComponent("shot.yaml")
        try """
            spec_version: 1
            show: bench
            shot: failover_010
            fps: 4
            frames: {first: 1001, count: \(frames)}
            resolution: [320, 180]
            generator: {name: testpattern}
            output: {plate: main, version: next, proxies: {format: none}}
            """.write(to: spec, atomically: true, encoding: .utf8)
        let executable = ExportOptions.ownExecutable()
        // Below Linux's ephemeral range (32768–60999), so no outgoing connection holds a port.
        let base = Int.random(in: 20000...32000)
        let nodes = "tcp://127.0.0.1:\(base),tcp://127.0.0.1:\(base + 1)"
        let clients = "tcp://127.0.0.1:\(base + 2),tcp://127.0.0.1:\(base + 3)"
        var children: [(name: String, process: Process)] = []
        defer {
            for child in children where child.process.isRunning { kill(child.process.processIdentifier, SIGCONT); kill(child.process.processIdentifier, SIGKILL) }
            for child in children { child.process.waitUntilExit() }
        }
        func spawn(_ name: String, _ arguments: [String], executable: String = executable) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            let log = work.appendingPathComponent("\(name).log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            try? handle.close()
            children.append((name, process))
            return process
        }
        func log(_ name: String) -> String { (try? String(contentsOf: work.appendingPathComponent("\(name).log"), encoding: .utf8)) ?? "" }
        func waitFor(_ seconds: Double, _ what: String, _ condition: () throws -> Bool) throws {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if (try? condition()) == true { return }
                Thread.sleep(forTimeInterval: 0.01)
            }
            let tails = ["primary", "backup"].map { "\($0): " + log($0).split(separator: "\n").suffix(3).joined(separator: " | ") }
            throw fail("bench failover: timed out waiting for \(what) (logs in \(work.path))\n" + tails.joined(separator: "\n"), code: ExitCodes.failure)
        }
        // Each side's SUB connects to the partner's PUB, or for a partition to a relay in front of it.
        var peerTargets = [base + 5, base + 4]
        var relays: [Process] = []
        if case .partition = kase {
            let script = work.appendingPathComponent("relay.py")
            try LinkCutRelay.script.write(to: script, atomically: true, encoding: .utf8)
            peerTargets = [base + 7, base + 6]
            for (side, name) in ["relay-to-primary", "relay-to-backup"].enumerated() {
                relays.append(try spawn(name, ["python3", "-u", script.path, String(base + 6 + side), String(base + 4 + side)], executable: "/usr/bin/env"))
                try waitFor(10, name) { log(name).contains("relay listening") }
            }
        }
        func startCoordinator(_ side: Int, name: String) throws -> Process {
            let role = side == 0 ? "primary" : "backup"
            return try spawn(name, [
                "coordinator", "--\(role)", "--peer-bind", "tcp://127.0.0.1:\(base + 4 + side)", "--peer", "tcp://127.0.0.1:\(peerTargets[side])",
                "--state", state.path, "--storage", storage.path, "--task-frames", "12",
                "--bind", "tcp://127.0.0.1:\(base + side)", "--client-bind", "tcp://127.0.0.1:\(base + 2 + side)",
            ] + storeArguments)
        }
        let primary = try startCoordinator(0, name: "primary")
        _ = try startCoordinator(1, name: "backup")
        try waitFor(20, "the pair to settle") { log("primary").contains("active: serving") && log("backup").contains("backup → passive") }
        for name in ["n1", "n2"] {
            _ = try spawn(name, ["node", "--name", name, "--storage", storage.path, "--coordinator", nodes, "--threads", "1"])
        }
        let client = try FarmClient(endpoint: clients, timeout: .seconds(20))
        let job = try client.submit(specText: try String(contentsOf: spec, encoding: .utf8), specName: spec.path, baseDirectory: work.path)
        let store: JobStore
        if kase.postgres, let cluster {
            store = try JobStore(backend: PostgresStore(cluster.url(database: database), reconnectFor: 60))
        } else {
            store = try JobStore(directory: state)
        }
        /// The attempts leased so far.
        func attempts() throws -> Set<String> { Set(try store.tasks(job: job).compactMap(\.attempt)) }
        /// Watches new leases for `seconds`; the longest time without one (from the start, between
        /// them, and to the end).
        func longestPause(_ seconds: Double) throws -> Double {
            var seen = try attempts()
            let start = ContinuousClock.now
            var last = start, longest = 0.0
            while ContinuousClock.now - start < .seconds(seconds) {
                let now = try attempts()
                if !now.subtracting(seen).isEmpty {
                    let at = ContinuousClock.now
                    longest = max(longest, (at - last).seconds)
                    last = at
                    seen = now
                }
                Thread.sleep(forTimeInterval: 0.01)
            }
            // The quiet time since the last lease is a pause only while a task waits for one: once
            // the job has none left to dispatch, the farm is finishing, not stalled.
            guard try store.tasks(job: job).contains(where: { $0.state == .ready }) else {
                throw fail("bench failover: the job had no task left to dispatch before the \(seconds) s window ended; the pause would measure its end (logs in \(work.path))",
                           code: ExitCodes.failure)
            }
            return max(longest, (ContinuousClock.now - last).seconds)
        }
        /// Waits for the first lease not in `before`; the time since `since`. With
        /// `awaitingBackup`, it also waits for the backup to hold the store's lease and reports when
        /// it did (a server restart keeps the same coordinator active, so there is none to wait for).
        func firstDispatch(after before: Set<String>, since: ContinuousClock.Instant, awaitingBackup: Bool) throws -> (serving: Double?, dispatch: Double) {
            var serving: Duration?
            var dispatched: Duration?
            try waitFor(60, "the first dispatch after the failure") {
                if awaitingBackup, serving == nil, try store.activeHolder()?.holder == "backup" { serving = ContinuousClock.now - since }
                if dispatched == nil, try store.tasks(job: job).contains(where: { $0.state == .leased && !before.contains($0.attempt ?? "") }) {
                    dispatched = ContinuousClock.now - since
                }
                return (!awaitingBackup || serving != nil) && dispatched != nil
            }
            return (serving?.seconds, dispatched?.seconds ?? .nan)
        }
        // Fail once a few tasks are done and others are running: ready tasks remain afterwards.
        try waitFor(60, "the job to get under way") { try store.tasks(job: job).filter { $0.state == .done }.count >= 3 }
        var measured = Measured()
        var atFailure: [String: StoredTask] = [:]
        func snapshot() throws { for task in try store.tasks(job: job) { atFailure[task.node.name] = task } }
        switch kase {
        case .kill, .primaryRestart:
            let killed = ContinuousClock.now
            kill(primary.processIdentifier, SIGKILL)
            primary.waitUntilExit()
            // Read once the primary is dead: every attempt not listed here is the backup's.
            try snapshot()
            let first = try firstDispatch(after: Set(atFailure.values.compactMap(\.attempt)), since: killed, awaitingBackup: true)
            if case .kill = kase {
                (measured.serving, measured.dispatch) = first
            } else {
                // The old primary back while the backup serves: it should join as passive and
                // change nothing for dispatch.
                let before = try longestPause(Self.window)
                let restarted = try startCoordinator(0, name: "primary-again")
                let after = try longestPause(Self.window)
                guard restarted.isRunning, try store.activeHolder()?.holder == "backup" else {
                    throw fail("bench failover: the restarted primary took the lease or exited (logs in \(work.path))", code: ExitCodes.failure)
                }
                measured.pause = (after, before)
            }
        case .freeze:
            // SIGSTOP: the primary neither answers nor closes anything, whatever it was doing
            // (possibly mid-transaction), as a machine that lost power or hung looks from outside.
            let frozen = ContinuousClock.now
            kill(primary.processIdentifier, SIGSTOP)
            // Read once it is stopped, after a moment for the server to finish a COMMIT it had
            // already sent: every attempt not listed here is the backup's.
            Thread.sleep(forTimeInterval: 0.1)
            try snapshot()
            (measured.serving, measured.dispatch) = try firstDispatch(after: Set(atFailure.values.compactMap(\.attempt)), since: frozen, awaitingBackup: true)
            // The machine comes back: the old primary must find it has lost the lease and stay out.
            kill(primary.processIdentifier, SIGCONT)
            _ = try longestPause(Self.window)
            guard primary.isRunning, try store.activeHolder()?.holder == "backup" else {
                throw fail("bench failover: the resumed primary took the lease back or exited (logs in \(work.path))", code: ExitCodes.failure)
            }
        case .postgresRestart:
            // The tasks as they stand just before the server stops (the few milliseconds between
            // this read and the stop are the only window for a dispatch to be missed).
            try snapshot()
            let stopped = ContinuousClock.now
            // "fast": the server cuts every connection, as an operator's restart does.
            try cluster?.stop()
            Thread.sleep(forTimeInterval: max(0, outage - (ContinuousClock.now - stopped).seconds))
            try cluster?.start()
            measured.dispatch = try firstDispatch(after: Set(atFailure.values.compactMap(\.attempt)), since: stopped, awaitingBackup: false).dispatch
        case .partition:
            let before = try longestPause(Self.window)
            try snapshot()
            for relay in relays { kill(relay.processIdentifier, SIGSTOP) }
            let after = try longestPause(Self.window)
            for relay in relays { kill(relay.processIdentifier, SIGCONT) }
            guard try store.activeHolder()?.holder == "primary" else {
                throw fail("bench failover: the lease moved during the partition (logs in \(work.path))", code: ExitCodes.failure)
            }
            measured.pause = (after, before)
        }
        try waitFor(300, "the job to finish") { try store.job(job)?.state == .done }
        let tasks = try store.tasks(job: job)
        measured.repeatedAttempts = tasks.reduce(0) { $0 + max(0, $1.attempts - 1) }
        // A task leased at the failure that needed another attempt threw away what it had written.
        measured.repeatedFrames = tasks.reduce(0) { sum, task in
            guard let then = atFailure[task.node.name], then.state == .leased, task.attempts > then.attempts else { return sum }
            return sum + then.framesDone
        }
        for child in children where child.process.isRunning { kill(child.process.processIdentifier, SIGCONT); kill(child.process.processIdentifier, SIGKILL) }
        for child in children { child.process.waitUntilExit() }
        try? FileManager.default.removeItem(at: work)
        return measured
    }
}
