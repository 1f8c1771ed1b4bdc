import Farm
import Foundation

/// `scenefarm bench farm --scaling`: the same shot on 1, 2 and 4 separate node processes, each
/// pinned to its own core, so the speed-up measures the farm (splitting, scheduling, the serial
/// lighting/blend/publish tail) and not a node's own threads.
struct PinnedScaling {
    let shot: String?
    let runs: Int

    func run(work: URL) throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let counts = [1, 2, 4].filter { $0 <= cores }
        let source = shot ?? "\(Repository.shots)/courtyard_long.yaml"
        var text = try String(contentsOfFile: source, encoding: .utf8)
        if shot == nil { text = text.replacingOccurrences(of: "resolution: [960, 540]", with: "resolution: [320, 180]") }
        let name = URL(fileURLWithPath: source).lastPathComponent
        print("bench farm --scaling: \(name)\(shot == nil ? " at 320x180" : ""), \(runs) run(s) per node count, each node pinned to one core (taskset -c i, --threads 1), \(cores) cores")
        var medians: [Int: Double] = [:]
        for count in counts {
            var runs: [Run] = []
            for run in 0..<self.runs {
                runs.append(try once(text: text, nodes: count, work: work.appendingPathComponent("n\(count)-r\(run)")))
            }
            runs.sort { $0.seconds < $1.seconds }
            let median = runs[runs.count / 2]
            medians[count] = median.seconds
            let speedUp = count == 1 ? "" : String(format: ", speed-up %.2fx (ideal %d.00x)", medians[1]! / median.seconds, count)
            print(String(format: "  %d node(s): median %.2f s (min %.2f, max %.2f)%@", count, median.seconds, runs.first!.seconds, runs.last!.seconds, speedUp))
            print("    median run: \(median.breakdown)")
        }
        if cores < 4 { print("  4 nodes: skipped, \(cores) cores") }
    }

    /// One run: seconds from submit until a poll sees the job published, and where they went.
    struct Run {
        let seconds: Double
        let breakdown: String
    }

    /// One render of the shot on a fresh coordinator and `nodes` pinned node processes.
    private func once(text: String, nodes: Int, work: URL) throws -> Run {
        defer { try? FileManager.default.removeItem(at: work) }
        let storage = work.appendingPathComponent("storage"), state = work.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        let spec = work.appendingPathComponent("shot.yaml")
        try text.write(to: spec, atomically: true, encoding: .utf8)
        let executable = ExportOptions.ownExecutable()
        var children: [Process] = []
        defer {
            for child in children where child.isRunning { kill(child.processIdentifier, SIGKILL) }
            for child in children { child.waitUntilExit() }
        }
        func spawn(_ arguments: [String], pin core: Int?) throws -> Process {
            let process = Process()
            if let core {
                process.executableURL = URL(fileURLWithPath: "/usr/bin/taskset")
                process.arguments = ["-c", String(core), executable] + arguments
            } else {
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = arguments
            }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            children.append(process)
            return process
        }
        let port = Int.random(in: 20000...59998)
        let nodeEndpoint = "tcp://127.0.0.1:\(port)", clientEndpoint = "tcp://127.0.0.1:\(port + 1)"
        let coordinator = try spawn(["coordinator", "--state", state.path, "--storage", storage.path, "--bind", nodeEndpoint, "--client-bind", clientEndpoint], pin: nil)
        var nodeProcesses: [Process] = []
        for i in 0..<nodes {
            nodeProcesses.append(try spawn(["node", "--name", "bench-\(i)", "--storage", storage.path, "--coordinator", nodeEndpoint, "--threads", "1"], pin: i))
        }
        let client = try FarmClient(endpoint: clientEndpoint, timeout: .seconds(5))
        let deadline = Date().addingTimeInterval(30)
        while (try? client.nodes().count) != nodes {
            guard Date() < deadline, children.allSatisfy(\.isRunning) else {
                throw fail("bench farm --scaling: \(nodes) node(s) did not connect to \(nodeEndpoint)", code: ExitCodes.failure)
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let start = ContinuousClock.now
        let job = try client.submit(specText: text, specName: spec.path, baseDirectory: work.path)
        // Ten polls a second (the timeline's own times are whole seconds on the wire), of the
        // active and latest jobs' status: STATUS of one job would also build its task timeline
        // each time, on the coordinator that shares the nodes' cores. The timeline is asked for
        // once, at the end.
        while try client.status().first(where: { $0.job == job })?.state.isFinal == false {
            Thread.sleep(forTimeInterval: 0.1)
        }
        let seconds = (ContinuousClock.now - start).seconds
        guard let status = try client.status(job: job).first else { throw fail("bench farm --scaling: job \(job) is gone", code: ExitCodes.failure) }
        guard status.state == .done else { throw fail("bench farm --scaling: job \(status.state.rawValue): \(status.error ?? "")", code: ExitCodes.failure) }
        let cpu = [coordinator.processIdentifier] + nodeProcesses.map(\.processIdentifier)
        return Run(seconds: seconds, breakdown: Self.breakdown(status.tasks ?? [], seconds: seconds, cpu: cpu.map(Self.cpuSeconds)))
    }

    /// Where a run's `seconds` went, from the task durations the coordinator recorded (to the
    /// millisecond): the serial head (lighting), the generate tasks, the blends and publish, the
    /// serial tail after the last generate task (the last blend and publish), how busy each node
    /// was, and the CPU seconds of the coordinator and each node process (a loaded machine shows
    /// as CPU seconds well below the busy seconds).
    static func breakdown(_ tasks: [TaskSnapshot], seconds: Double, cpu: [Double?]) -> String {
        func duration(_ task: TaskSnapshot) -> Double { task.durationSeconds ?? 0 }
        let generates = tasks.filter { $0.kind == .generate }, blends = tasks.filter { $0.kind == .blend }
        let lighting = tasks.first { $0.kind == .lighting }.map(duration) ?? 0
        let publish = tasks.first { $0.kind == .publish }.map(duration) ?? 0
        let lastBlend = blends.max { $0.index < $1.index }.map(duration) ?? 0
        var busy: [String: Double] = [:]
        for task in tasks { busy[task.node ?? "?", default: 0] += duration(task) }
        let nodes = busy.keys.sorted().map { String(format: "%@ %.0f%%", $0, 100 * busy[$0]! / seconds) }.joined(separator: ", ")
        let work = generates.map(duration).reduce(0, +)
        let cpuText = cpu.enumerated().map { i, seconds in
            String(format: "%@ %.1f s", i == 0 ? "coordinator" : "node \(i - 1)", seconds ?? .nan)
        }.joined(separator: ", ")
        return String(
            format: "lighting %.2f s; %d generate tasks, %.1f s in all (%.2f s each on average); %d blends %.2f s; publish %.2f s; serial tail (last blend + publish) %.2f s; busy: %@; CPU: %@",
            lighting, generates.count, work, generates.isEmpty ? 0 : work / Double(generates.count), blends.count,
            blends.map(duration).reduce(0, +), publish, lastBlend + publish, nodes, cpuText
        )
    }

    /// User plus system CPU seconds of a running process so far (`/proc/PID/stat` fields 14 and
    /// 15, in clock ticks); nil where there is no procfs.
    static func cpuSeconds(_ pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name (which may hold spaces), from field 3 on.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
