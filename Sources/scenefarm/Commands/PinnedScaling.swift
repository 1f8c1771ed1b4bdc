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
            var seconds: [Double] = []
            for run in 0..<runs {
                seconds.append(try once(text: text, nodes: count, work: work.appendingPathComponent("n\(count)-r\(run)")))
            }
            seconds.sort()
            let median = seconds[seconds.count / 2]
            medians[count] = median
            let speedUp = count == 1 ? "" : String(format: ", speed-up %.2fx (ideal %d.00x)", medians[1]! / median, count)
            print(String(format: "  %d node(s): median %.2f s (min %.2f, max %.2f)%@", count, median, seconds.first!, seconds.last!, speedUp))
        }
        if cores < 4 { print("  4 nodes: skipped, \(cores) cores") }
    }

    /// One render of the shot on a fresh coordinator and `nodes` pinned node processes; seconds
    /// from submit to published.
    private func once(text: String, nodes: Int, work: URL) throws -> Double {
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
        _ = try spawn(["coordinator", "--state", state.path, "--storage", storage.path, "--bind", nodeEndpoint, "--client-bind", clientEndpoint], pin: nil)
        for i in 0..<nodes {
            _ = try spawn(["node", "--name", "bench-\(i)", "--storage", storage.path, "--coordinator", nodeEndpoint, "--threads", "1"], pin: i)
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
        let status = try client.wait(job: job, every: .milliseconds(50))
        let seconds = (ContinuousClock.now - start).seconds
        guard status.state == .done else { throw fail("bench farm --scaling: job \(status.state.rawValue): \(status.error ?? "")", code: ExitCodes.failure) }
        return seconds
    }
}
