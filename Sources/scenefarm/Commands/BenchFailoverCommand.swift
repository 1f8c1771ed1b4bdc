import ArgumentParser
import Farm
import FarmPostgres
import Foundation

/// `scenefarm bench failover`: a real coordinator pair (two processes sharing one job store,
/// SQLite or a private PostgreSQL server) and two real nodes render a shot; mid-job something
/// fails (the active primary is killed with SIGKILL, or the PostgreSQL server is stopped for a
/// while), and what it costs is measured from outside, by polling the store: the seconds until a
/// task is dispatched again, and the work done twice (attempts beyond one per task, and the frames
/// the abandoned attempts had reported) once the job has finished.
struct BenchFailoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failover",
        abstract: "Fail-over time of a coordinator pair: SIGKILL the active primary mid-job → the backup's first dispatch (goal ≤ 3 s), on SQLite and PostgreSQL; and a PostgreSQL restart's cost."
    )

    enum StoreChoice: String, ExpressibleByArgument, CaseIterable {
        case sqlite, postgres, both
    }

    enum FailureChoice: String, ExpressibleByArgument, CaseIterable {
        case kill
        case postgresRestart = "postgres-restart"
        case all
    }

    @Option(help: "Failures to measure per case.") var runs = 10
    @Option(help: "Job store: sqlite, postgres (a private server this bench starts) or both, side by side.") var store = StoreChoice.both
    @Option(help: "What fails: kill (SIGKILL the active primary), postgres-restart (stop the PostgreSQL server for --outage seconds mid-job), or all.")
    var failure = FailureChoice.kill
    @Option(help: "Seconds the PostgreSQL server stays down in postgres-restart.") var outage = 2.0
    @Option(help: "Scratch folder (default: a new temporary one, removed afterwards).") var work: String?

    func validate() throws {
        guard (1...100).contains(runs) else { throw ValidationError("--runs must be 1…100") }
        guard outage > 0, outage <= 60 else { throw ValidationError("--outage must be above 0 and at most 60 seconds") }
        if failure == .postgresRestart, store == .sqlite { throw ValidationError("postgres-restart needs --store postgres (or both)") }
    }

    /// One measured case: a failure on a store.
    private enum Case: CustomStringConvertible {
        case kill(postgres: Bool)
        case postgresRestart

        var description: String {
            switch self {
            case .kill(let postgres): "SIGKILL the active primary, \(postgres ? "PostgreSQL" : "SQLite") store"
            case .postgresRestart: "PostgreSQL server stopped and started, PostgreSQL store"
            }
        }

        var postgres: Bool {
            if case .kill(let postgres) = self { return postgres }
            return true
        }
    }

    func run() throws {
        let work = work.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory.appendingPathComponent("scenefarm-bench-failover-\(UUID().uuidString.prefix(8))")
        var cases: [Case] = []
        if failure != .postgresRestart {
            if store != .postgres { cases.append(.kill(postgres: false)) }
            if store != .sqlite { cases.append(.kill(postgres: true)) }
        }
        if failure != .kill, store != .sqlite { cases.append(.postgresRestart) }
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
                print(String(format: "  run %d: %@, first dispatch after %.2f s; %d attempt(s) repeated, %d frame(s) rendered again", run + 1,
                             one.serving.map { String(format: "backup serving after %.2f s", $0) } ?? String(format: "server down %.1f s", outage),
                             one.dispatch, one.repeatedAttempts, one.repeatedFrames))
            }
            func line(_ name: String, _ values: [Double], unit: String = "s", goal: String = "") -> String {
                let spread = RunSpread(values)
                return String(format: "  %@: median %.2f %@ (min %.2f, max %.2f)%@", name, spread.median, unit, spread.min, spread.max, goal)
            }
            switch kase {
            case .kill:
                print(line("kill → backup serving", measured.compactMap(\.serving)))
                print(line("kill → first dispatch by the backup", measured.map(\.dispatch), goal: " (goal ≤ 3 s)"))
            case .postgresRestart:
                print(line("server stopped → first dispatch", measured.map(\.dispatch)))
                print(line("server back → first dispatch", measured.map { $0.dispatch - outage }))
            }
            print(line("attempts repeated", measured.map { Double($0.repeatedAttempts) }, unit: "per failure"))
            print(line("frames rendered again", measured.map { Double($0.repeatedFrames) }, unit: "per failure"))
        }
        // Only after a whole bench: a failed run leaves its logs for reading.
        if self.work == nil { try? FileManager.default.removeItem(at: work) }
    }

    private struct Measured {
        /// Kill → the backup holds the store's active lease; nil for a server restart.
        let serving: Double?
        /// The failure → the first task leased after it.
        let dispatch: Double
        /// Attempts beyond one per task, once the job has finished.
        let repeatedAttempts: Int
        /// Frames the attempts that did not finish had reported as written when the failure came.
        let repeatedFrames: Int
    }

    private func once(_ work: URL, _ kase: Case, cluster: ScratchPostgres?, database: String) throws -> Measured {
        let storage = work.appendingPathComponent("storage"), state = work.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        var storeArguments: [String] = []
        if kase.postgres, let cluster {
            try cluster.createDatabase(database)
            storeArguments = ["--store", cluster.url(database: database)]
        }
        let spec = work.appendingPathComponent("shot.yaml")
        try """
            spec_version: 1
            show: bench
            shot: failover_010
            fps: 4
            frames: {first: 1001, count: 240}
            resolution: [320, 180]
            generator: {name: testpattern}
            output: {plate: main, version: next, proxies: {format: none}}
            """.write(to: spec, atomically: true, encoding: .utf8)
        let executable = ExportOptions.ownExecutable()
        let base = Int.random(in: 20000...59000)
        let nodes = "tcp://127.0.0.1:\(base),tcp://127.0.0.1:\(base + 1)"
        let clients = "tcp://127.0.0.1:\(base + 2),tcp://127.0.0.1:\(base + 3)"
        var children: [(name: String, process: Process)] = []
        defer {
            for child in children where child.process.isRunning { kill(child.process.processIdentifier, SIGKILL) }
            for child in children { child.process.waitUntilExit() }
        }
        func spawn(_ name: String, _ arguments: [String]) throws -> Process {
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
        for (side, role) in ["primary", "backup"].enumerated() {
            _ = try spawn(role, [
                "coordinator", "--\(role)", "--peer-bind", "tcp://127.0.0.1:\(base + 4 + side)", "--peer", "tcp://127.0.0.1:\(base + 5 - side)",
                "--state", state.path, "--storage", storage.path, "--task-frames", "12",
                "--bind", "tcp://127.0.0.1:\(base + side)", "--client-bind", "tcp://127.0.0.1:\(base + 2 + side)",
            ] + storeArguments)
        }
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
        // Fail once a few tasks are done and others are running: ready tasks remain afterwards.
        try waitFor(60, "the job to get under way") { try store.tasks(job: job).filter { $0.state == .done }.count >= 3 }
        // For the restart, the tasks as they stand just before the server stops (the few
        // milliseconds between this read and the stop are the only window for a dispatch to be missed).
        var atFailure: [String: StoredTask] = [:]
        if case .postgresRestart = kase {
            for task in try store.tasks(job: job) { atFailure[task.node.name] = task }
        }
        let failed = ContinuousClock.now
        switch kase {
        case .kill:
            let primary = children[0].process
            kill(primary.processIdentifier, SIGKILL)
            primary.waitUntilExit()
        case .postgresRestart:
            // "fast": the server cuts every connection, as an operator's restart does.
            try cluster?.stop()
        }
        switch kase {
        case .kill:
            // Read once the primary is dead: every attempt not listed here is the backup's.
            for task in try store.tasks(job: job) { atFailure[task.node.name] = task }
        case .postgresRestart:
            Thread.sleep(forTimeInterval: max(0, outage - (ContinuousClock.now - failed).seconds))
            try cluster?.start()
        }
        let before = Set(atFailure.values.compactMap(\.attempt))
        var serving: Duration?
        var dispatched: Duration?
        try waitFor(60, "the first dispatch after the failure") {
            if case .kill = kase, serving == nil, try store.activeHolder()?.holder == "backup" { serving = ContinuousClock.now - failed }
            if dispatched == nil, try store.tasks(job: job).contains(where: { $0.state == .leased && !before.contains($0.attempt ?? "") }) {
                dispatched = ContinuousClock.now - failed
            }
            if case .kill = kase { return serving != nil && dispatched != nil }
            return dispatched != nil
        }
        try waitFor(300, "the job to finish") { try store.job(job)?.state == .done }
        let tasks = try store.tasks(job: job)
        let repeatedAttempts = tasks.reduce(0) { $0 + max(0, $1.attempts - 1) }
        // A task leased at the failure that needed another attempt threw away what it had written.
        let repeatedFrames = tasks.reduce(0) { sum, task in
            guard let then = atFailure[task.node.name], then.state == .leased, task.attempts > then.attempts else { return sum }
            return sum + then.framesDone
        }
        for child in children where child.process.isRunning { kill(child.process.processIdentifier, SIGKILL) }
        for child in children { child.process.waitUntilExit() }
        try? FileManager.default.removeItem(at: work)
        return Measured(serving: serving.map(\.seconds), dispatch: dispatched?.seconds ?? .nan, repeatedAttempts: repeatedAttempts, repeatedFrames: repeatedFrames)
    }
}
