import Farm
import FarmPostgres
import Foundation
import TestSupport

/// Two coordinators of a Binary Star pair on loopback, sharing one job store (the farm's state
/// folder's SQLite file on "shared storage", or a PostgreSQL database with `storeURL`) and plate
/// storage. Each side's state link can be routed through a relay (`PeerRelay`) that a test stops
/// to cut only the link between them.
final class CoordinatorPair: @unchecked Sendable {
    let farm: FarmHarness
    /// Node, client and state ports of the primary (index 0) and the backup (index 1).
    let nodePorts: [Int]
    let clientPorts: [Int]
    let peerPorts: [Int]
    /// The ports each side's SUB connects to: the partner's own, or a relay's.
    var peerTargets: [Int]
    /// A PostgreSQL job store both coordinators use (`--store`); nil: SQLite in the state folder.
    var storeURL: String?
    /// Added to every coordinator's, node's and client command's arguments (CURVE keys).
    var coordinatorArguments: [String] = []
    var nodeArguments: [String] = []
    var clientArguments: [String] = []

    init(farm: FarmHarness) {
        self.farm = farm
        let base = Int.random(in: FarmHarness.listenPorts.lowerBound...(FarmHarness.listenPorts.upperBound - 5))
        nodePorts = [base, base + 1]
        clientPorts = [base + 2, base + 3]
        peerPorts = [base + 4, base + 5]
        peerTargets = [base + 5, base + 4]
    }

    /// Both node endpoints, primary first (or `order` of roles).
    func nodeList(_ order: [Int] = [0, 1]) -> String { order.map { "tcp://127.0.0.1:\(nodePorts[$0])" }.joined(separator: ",") }
    func clientList(_ order: [Int] = [0, 1]) -> String { order.map { "tcp://127.0.0.1:\(clientPorts[$0])" }.joined(separator: ",") }
    func clientEndpoint(_ side: Int) -> String { "tcp://127.0.0.1:\(clientPorts[side])" }

    /// Starts side 0 (`--primary`) or 1 (`--backup`) without waiting for it.
    func spawn(_ side: Int, name: String) throws -> FarmProcess {
        try farm.spawn(name, [
            "coordinator", side == 0 ? "--primary" : "--backup",
            "--peer-bind", "tcp://127.0.0.1:\(peerPorts[side])", "--peer", "tcp://127.0.0.1:\(peerTargets[side])",
            "--state", farm.state.path, "--storage", farm.storage.path,
            "--bind", "tcp://127.0.0.1:\(nodePorts[side])", "--client-bind", clientEndpoint(side),
        ] + (storeURL.map { ["--store", $0] } ?? []) + coordinatorArguments)
    }

    /// Starts side 0 (`--primary`) or 1 (`--backup`) and waits until it listens.
    @discardableResult
    func start(_ side: Int, name: String) throws -> FarmProcess {
        let process = try spawn(side, name: name)
        guard FarmHarness.eventually(timeout: .seconds(15), { process.log.contains("coordinator listening") || !process.isRunning }), process.isRunning else {
            throw FarmHarnessError.didNotStart(name, process.log)
        }
        return process
    }

    /// Starts the primary and the backup, and waits until the primary serves and the backup has
    /// heard it and gone passive.
    func startSettled() throws -> (primary: FarmProcess, backup: FarmProcess) {
        let primary = try start(0, name: "primary")
        let backup = try start(1, name: "backup")
        guard FarmHarness.eventually(timeout: .seconds(15), { primary.log.contains("active: serving") && backup.log.contains("backup → passive") }) else {
            throw FarmHarnessError.didNotStart("the pair", "primary: \(primary.log)\nbackup: \(backup.log)")
        }
        return (primary, backup)
    }

    /// Submits `shot` through the pair; the job id.
    func submit(_ shot: String, order: [Int] = [0, 1]) throws -> String {
        let result = try cli(["submit", shot], order: order)
        guard result.status == 0 else { throw FarmHarnessError.commandFailed("submit", result.status, result.stderr) }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Starts a node on the shared storage that knows both coordinators.
    @discardableResult
    func startNode(_ name: String, order: [Int] = [0, 1]) throws -> FarmProcess {
        try farm.spawn(name, ["node", "--name", name, "--storage", farm.storage.path, "--coordinator", nodeList(order)] + nodeArguments)
    }

    /// Runs a client command against the pair (both endpoints, primary first).
    func cli(_ arguments: [String], order: [Int] = [0, 1]) throws -> Tool.Result {
        try Tool.run(Repository.scenefarm, arguments + ["--coordinator", clientList(order)] + clientArguments)
    }

    /// Rows of `sql` on the job store, read by the sqlite3 or psql program (not our code).
    func query(_ sql: String) throws -> [String] {
        let result: Tool.Result
        if let storeURL {
            result = try Tool.run("psql", ["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", storeURL, "-c", sql])
        } else {
            let file = try FileManager.default.contentsOfDirectory(atPath: farm.state.path).first { $0.hasSuffix(".sqlite") }
            result = try Tool.run("sqlite3", ["-readonly", farm.state.appendingPathComponent(file ?? "scenefarm.sqlite").path, sql])
        }
        guard result.status == 0 else { throw FarmHarnessError.commandFailed(storeURL == nil ? "sqlite3" : "psql", result.status, result.stderr) }
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// The pair's job store, opened beside the coordinators.
    func store() throws -> JobStore {
        guard let storeURL else { return try farm.store() }
        return try JobStore(backend: PostgresStore(storeURL, reconnectFor: 30))
    }
}

/// `LinkCutRelay` as a process on `listen` forwarding to `target`: SIGSTOP it to cut the link.
final class PeerRelay: @unchecked Sendable {
    let process: FarmProcess

    init(farm: FarmHarness, name: String, listen: Int, target: Int) throws {
        let path = try farm.directory.write("relay.py", LinkCutRelay.script)
        process = try FarmProcess(name: name, arguments: ["python3", "-u", path, String(listen), String(target)],
                                  logURL: farm.directory.appending("\(name).log"), executable: "/usr/bin/env")
        guard FarmHarness.eventually(timeout: .seconds(10), { process.log.contains("relay listening") }) else {
            throw FarmHarnessError.didNotStart(name, process.log)
        }
    }

    deinit {
        process.signal(SIGKILL)
        _ = process.waitForExit(timeout: .seconds(5))
    }
}
