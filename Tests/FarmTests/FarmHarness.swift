import Farm
import Foundation
import Plates
import TestSupport

/// One test's farm: temporary storage and state, a coordinator on random loopback ports, nodes,
/// and the CLI pointed at it. `shutdown()` (call it in a `defer`) SIGKILLs every child.
final class FarmHarness: @unchecked Sendable {
    let directory = TemporaryDirectory("scenefarm-farm")
    let storage: URL
    let state: URL
    private(set) var nodePort = 0
    private(set) var clientPort = 0
    private var children: [FarmProcess] = []
    private var coordinatorStarts = 0
    /// Hosts in the endpoints (`127.0.0.1`, `[::1]`, `localhost`, …).
    var nodeHost = "127.0.0.1"
    var clientHost = "127.0.0.1"

    init() throws {
        storage = directory.appending("storage")
        state = directory.appending("state")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
    }

    /// Ports tests listen on: below Linux's ephemeral range (32768–60999 by default). A port in
    /// that range can be taken, between a coordinator's kill and its restart on the same port, by
    /// an outgoing connection's source port, even by a node's reconnect to that very port (a TCP
    /// self-connect), and the restart then fails with "Address already in use".
    static let listenPorts = 20000...32000

    var nodeEndpoint: String { "tcp://\(nodeHost):\(nodePort)" }
    var clientEndpoint: String { "tcp://\(clientHost):\(clientPort)" }

    /// Starts a coordinator on random free ports (or the ports it had before, after a kill), and
    /// waits until it listens.
    @discardableResult
    func startCoordinator(_ extra: [String] = [], samePorts: Bool = false) throws -> FarmProcess {
        for _ in 0..<8 {
            if !samePorts {
                nodePort = Int.random(in: Self.listenPorts.lowerBound...(Self.listenPorts.upperBound - 1))
                clientPort = nodePort + 1
            }
            coordinatorStarts += 1
            let process = try spawn("coordinator-\(coordinatorStarts)", [
                "coordinator", "--state", state.path, "--storage", storage.path,
                "--bind", nodeEndpoint, "--client-bind", clientEndpoint,
            ] + extra)
            let settled = FarmHarness.eventually(timeout: .seconds(15)) { process.log.contains("coordinator listening") || !process.isRunning }
            if settled, process.isRunning { return process }
            process.signal(SIGKILL)
            // Another test (or another engineer's) may hold the port: pick new ones.
            guard process.log.contains("in use") else { throw FarmHarnessError.didNotStart(process.name, process.log) }
        }
        throw FarmHarnessError.didNotStart("coordinator", "no free port pair found")
    }

    /// Starts a node on the shared storage root.
    @discardableResult
    func startNode(_ name: String, _ extra: [String] = []) throws -> FarmProcess {
        try spawn(name, ["node", "--name", name, "--storage", storage.path, "--coordinator", nodeEndpoint] + extra)
    }

    func spawn(_ name: String, _ arguments: [String]) throws -> FarmProcess {
        let process = try FarmProcess(name: name, arguments: arguments, logURL: directory.appending("\(name).log"))
        children.append(process)
        return process
    }

    /// Runs a client command (`submit`, `status`, …) against this farm's coordinator.
    func cli(_ arguments: [String]) throws -> Tool.Result {
        try Tool.run(Repository.scenefarm, arguments + ["--coordinator", clientEndpoint])
    }

    /// An in-process client for fast polling.
    func client(_ curve: (keyPair: CurveKeyPair, serverPublicKey: String)? = nil) throws -> FarmClient {
        try FarmClient(endpoint: clientEndpoint, curve: curve, timeout: .seconds(10))
    }

    /// Waits until the coordinator lists exactly `names` as connected nodes.
    func waitForNodes(_ names: Set<String>, client: FarmClient) -> Bool {
        FarmHarness.eventually(timeout: .seconds(15)) { Set(try client.nodes().map(\.name)) == names }
    }

    /// The coordinator's job store, opened beside it (SQLite in WAL mode allows a second reader).
    func store() throws -> JobStore {
        try JobStore(directory: state)
    }

    /// Submits `shot` with the CLI and returns the job id.
    func submit(_ shot: String, _ extra: [String] = []) throws -> String {
        let result = try cli(["submit", shot] + extra)
        guard result.status == 0 else { throw FarmHarnessError.commandFailed("submit", result.status, result.stderr) }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `status JOB --json`, decoded.
    func statusJSON(_ job: String) throws -> JobStatus? {
        let result = try cli(["status", job, "--json"])
        guard result.status == 0 else { throw FarmHarnessError.commandFailed("status", result.status, result.stderr) }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode([JobStatus].self, from: Data(result.stdout.utf8)).first
    }

    /// Writes a testpattern (or other generator) shot into the farm's folder and returns its path.
    func writeShot(name: String = "shot", fps: Int = 24, frames: Int, width: Int = 64, height: Int = 36, generator: String = "testpattern") throws -> String {
        try directory.write("\(name).yaml", """
            spec_version: 1
            show: demo
            shot: farm_010
            fps: \(fps)
            frames: {first: 1001, count: \(frames)}
            resolution: [\(width), \(height)]
            generator: {name: \(generator)}
            output:
              plate: main
              version: next
              proxies: {format: none}
            """)
    }

    /// Renders `shot` on this machine with `scenefarm render` into a separate root; returns the folder.
    func renderLocally(_ shot: String) throws -> URL {
        let result = try Tool.run(Repository.scenefarm, ["render", shot, "--out", directory.appending("local").path])
        guard result.status == 0 else { throw FarmHarnessError.commandFailed("render", result.status, result.stderr) }
        return URL(fileURLWithPath: result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// SIGKILLs every child still running and reaps it.
    func shutdown() {
        for child in children { child.signal(SIGKILL) }
        for child in children { _ = child.waitForExit(timeout: .seconds(5)) }
    }

    deinit { shutdown() }

    /// Polls `condition` every 50 ms until it holds or `timeout` passes; errors count as false.
    static func eventually(timeout: Duration, _ condition: () throws -> Bool) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? condition()) == true { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return (try? condition()) == true
    }
}

/// Why the harness could not set up a farm.
enum FarmHarnessError: Error, CustomStringConvertible {
    case didNotStart(String, String)
    case commandFailed(String, Int32, String)

    var description: String {
        switch self {
        case .didNotStart(let name, let log): return "\(name) did not start: \(log)"
        case .commandFailed(let command, let status, let stderr): return "scenefarm \(command) exited \(status): \(stderr)"
        }
    }
}

/// The EXR frames of a published folder, by file name.
func publishedFrames(_ folder: URL) throws -> [String: ExrImage] {
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".exr") }
    var frames: [String: ExrImage] = [:]
    for name in names { frames[name] = try PlateReader.read(folder.appendingPathComponent(name).path) }
    return frames
}

/// Names of frames whose pixels differ between two published folders (missing frames count).
func framesWithDifferentPixels(_ farm: [String: ExrImage], _ local: [String: ExrImage]) -> [String] {
    Set(farm.keys).union(local.keys).sorted().filter { farm[$0]?.image.pixels != local[$0]?.image.pixels }
}

extension ExrImage {
    /// A string attribute (`scenefarm/node`, …), or nil.
    func string(_ name: String) -> String? {
        if case .string(let value) = attributes[name] { return value }
        return nil
    }
}

/// SHA-256-free fingerprint of every file under `folder` (path → bytes and mode), to compare a
/// published version before and after something tries to change it.
func snapshot(_ folder: URL) throws -> [String: (bytes: Data, mode: mode_t)] {
    var files: [String: (bytes: Data, mode: mode_t)] = [:]
    for entry in try FileManager.default.subpathsOfDirectory(atPath: folder.path) {
        let url = folder.appendingPathComponent(entry)
        var status = stat()
        guard lstat(url.path, &status) == 0 else { continue }
        files[entry] = (status.st_mode & S_IFMT == S_IFREG ? try Data(contentsOf: url) : Data(), status.st_mode)
    }
    return files
}

/// Whether two snapshots hold the same names, bytes and modes.
func sameSnapshot(_ a: [String: (bytes: Data, mode: mode_t)], _ b: [String: (bytes: Data, mode: mode_t)]) -> Bool {
    Set(a.keys) == Set(b.keys) && a.allSatisfy { b[$0.key]?.bytes == $0.value.bytes && b[$0.key]?.mode == $0.value.mode }
}
