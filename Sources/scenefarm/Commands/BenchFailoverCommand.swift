import ArgumentParser
import Farm
import Foundation

/// `scenefarm bench failover`: a real coordinator pair (two processes sharing one SQLite job
/// store) and two real nodes render a shot; the active primary is killed with SIGKILL mid-job,
/// and the time to the backup's first dispatch is measured from outside, by polling the store.
struct BenchFailoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failover",
        abstract: "Fail-over time of a coordinator pair: SIGKILL the active primary mid-job → the backup's first dispatch (goal ≤ 3 s)."
    )

    @Option(help: "Kills to measure.") var runs = 10
    @Option(help: "Scratch folder (default: a new temporary one, removed afterwards).") var work: String?

    func validate() throws {
        guard (1...100).contains(runs) else { throw ValidationError("--runs must be 1…100") }
    }

    func run() throws {
        let work = work.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory.appendingPathComponent("scenefarm-bench-failover-\(UUID().uuidString.prefix(8))")
        defer { if self.work == nil { try? FileManager.default.removeItem(at: work) } }
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        print("bench failover: \(runs) run(s); pair + 2 node processes on loopback, one SQLite store; \(ProcessInfo.processInfo.activeProcessorCount) cores, load \(load)")
        var dispatch: [Double] = [], serving: [Double] = []
        for run in 0..<runs {
            let measured = try once(work.appendingPathComponent("r\(run)"))
            serving.append(measured.serving)
            dispatch.append(measured.dispatch)
            print(String(format: "  run %d: backup serving after %.2f s, first dispatch after %.2f s", run + 1, measured.serving, measured.dispatch))
        }
        func line(_ name: String, _ values: [Double]) -> String {
            let spread = RunSpread(values)
            return String(format: "  %@: median %.2f s (min %.2f, max %.2f)", name, spread.median, spread.min, spread.max)
        }
        print(line("kill → backup serving", serving))
        print(line("kill → first dispatch by the backup", dispatch) + " (goal ≤ 3 s)")
    }

    private struct Measured {
        let serving: Double
        let dispatch: Double
    }

    private func once(_ work: URL) throws -> Measured {
        defer { try? FileManager.default.removeItem(at: work) }
        let storage = work.appendingPathComponent("storage"), state = work.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        let spec = work.appendingPathComponent("shot.yaml")
        try """
            spec_version: 1
            show: bench
            shot: failover_010
            fps: 4
            frames: {first: 1001, count: 480}
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
            throw fail("bench failover: timed out waiting for \(what) (logs in \(work.path))", code: ExitCodes.failure)
        }
        for (side, role) in ["primary", "backup"].enumerated() {
            _ = try spawn(role, [
                "coordinator", "--\(role)", "--peer-bind", "tcp://127.0.0.1:\(base + 4 + side)", "--peer", "tcp://127.0.0.1:\(base + 5 - side)",
                "--state", state.path, "--storage", storage.path, "--task-frames", "12",
                "--bind", "tcp://127.0.0.1:\(base + side)", "--client-bind", "tcp://127.0.0.1:\(base + 2 + side)",
            ])
        }
        try waitFor(20, "the pair to settle") { log("primary").contains("active: serving") && log("backup").contains("backup → passive") }
        for name in ["n1", "n2"] {
            _ = try spawn(name, ["node", "--name", name, "--storage", storage.path, "--coordinator", nodes, "--threads", "1"])
        }
        let client = try FarmClient(endpoint: clients, timeout: .seconds(20))
        let job = try client.submit(specText: try String(contentsOf: spec, encoding: .utf8), specName: spec.path, baseDirectory: work.path)
        let store = try JobStore(directory: state)
        // Kill once a few tasks are done and others are running: ready tasks remain for the backup.
        try waitFor(60, "the job to get under way") { try store.tasks(job: job).filter { $0.state == .done }.count >= 3 }
        let primary = children[0].process
        kill(primary.processIdentifier, SIGKILL)
        let killed = ContinuousClock.now
        primary.waitUntilExit()
        // Taken after the kill: every attempt not listed here is the backup's.
        let before = Set(try store.tasks(job: job).compactMap(\.attempt))
        var serving: Duration?
        var dispatched: Duration?
        try waitFor(30, "the backup's first dispatch") {
            if serving == nil, try store.activeHolder()?.holder == "backup" { serving = ContinuousClock.now - killed }
            if dispatched == nil, try store.tasks(job: job).contains(where: { $0.state == .leased && !before.contains($0.attempt ?? "") }) {
                dispatched = ContinuousClock.now - killed
            }
            return serving != nil && dispatched != nil
        }
        func seconds(_ d: Duration?) -> Double { d?.seconds ?? .nan }
        return Measured(serving: seconds(serving), dispatch: seconds(dispatched))
    }
}
