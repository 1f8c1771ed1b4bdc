import ArgumentParser
import Farm
import Foundation
import Logging

struct NodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run a farm node: takes shot tasks from a coordinator and writes plates.",
        discussion: "SIGTERM drains: the node finishes its tasks, takes no new ones, says goodbye and exits 0. A second SIGTERM or Ctrl-C leaves at once (the coordinator requeues its tasks)."
    )

    @Option(help: "The coordinator's node endpoint, e.g. tcp://coord:5555, or a pair's, comma-separated (tcp://a:5555,tcp://b:5555): the node fails over to the next.") var coordinator = "tcp://127.0.0.1:5555"
    @Option(help: "Node name (default: the --curve-secret key's name, else the host name). With CURVE the coordinator knows a node by its key's name only.") var name: String?
    @Option(help: "Tasks run at once.") var slots = 1
    @Option(help: "The shared plate storage root as mounted on this machine.") var storage: String?
    @Flag(help: "No shared storage: send finished files to the coordinator over ZeroMQ.") var transfer = false
    @Option(help: "Scratch folder for transfer mode.") var scratch: String?
    @Option(name: .customLong("curve-secret"), help: "This node's CURVE secret key file.") var curveSecret: String?
    @Option(name: .customLong("server-key"), help: "The coordinator's public key file.") var serverKey: String?
    @Option(help: "Plugin generators file (Farm/plugins/plugins.yaml).") var plugins: String?
    @OptionGroup var threading: ThreadOptions

    func validate() throws {
        guard (storage == nil) == transfer else {
            throw ValidationError("give exactly one of --storage ROOT (shared storage) or --transfer")
        }
        guard slots >= 1 else { throw ValidationError("--slots must be at least 1") }
        do {
            _ = try CoordinatorEndpoints.parse(coordinator)
        } catch {
            throw ValidationError("--coordinator: \(error)")
        }
    }

    func run() throws {
        threading.apply()
        let curve = try curvePair(secret: curveSecret, serverKey: serverKey)
        let registry = try loadRegistry(plugins: plugins)
        if let storage {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: storage, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw fail("--storage \(storage): no such folder (mount the shared plate storage, or use --transfer)", code: ExitCodes.badInput)
            }
        }
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let nodeName = name ?? curveSecret.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent } ?? ProcessInfo.processInfo.hostName
        guard NodeName.isValid(nodeName) else {
            throw fail("node name '\(nodeName.prefix(80))': use 1–\(NodeName.maxLength) characters of A–Z, a–z, 0–9, '.', '_' and '-', not starting with '.' (--name)", code: ExitCodes.badInput)
        }
        let node: FarmNode
        do {
            node = try FarmNode(config: NodeConfig(
                coordinator: coordinator, name: nodeName, slots: slots,
                storageRoot: storage.map { URL(fileURLWithPath: $0).standardizedFileURL },
                scratch: scratch.map { URL(fileURLWithPath: $0) }, registry: registry, curve: curve
            ))
        } catch {
            throw fail("cannot start the node: \(error)", code: ExitCodes.failure)
        }
        let signals = SignalCounter()
        let handlers = SignalHandlers([SIGTERM, SIGINT]) { number in
            if number == SIGINT || signals.increment() > 1 { node.stop() } else { node.drain() }
        }
        node.run()
        withExtendedLifetime(handlers) {}
    }
}

/// Counts SIGTERMs: the first drains, the second stops.
final class SignalCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count
    }
}
