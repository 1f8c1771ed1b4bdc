import Foundation
import ImageCore
import Inference
import Logging
import ShotSpec

/// `scenefarm render`: a coordinator and one node in this process, talking over inproc ZeroMQ
/// sockets through exactly the scheduler, protocol and task code a farm uses.
public final class InProcessFarm: @unchecked Sendable {
    public let coordinator: Coordinator
    public let node: FarmNode
    private let client: FarmClient
    private let stateDirectory: URL
    private let removeState: Bool
    private var threads: [Thread] = []

    /// - Parameters:
    ///   - storageRoot: the plate root the job writes under.
    ///   - stateDirectory: the job store; nil uses a temporary one removed on `shutdown`.
    public init(storageRoot: URL, registry: GeneratorRegistry, ocioOverride: String?, stateDirectory: URL? = nil, slots: Int = 1) throws {
        let context = try ZMQContext()
        let id = UUID().uuidString.prefix(8)
        let temporary = FileManager.default.temporaryDirectory
        if stateDirectory == nil { Self.removeAbandonedStores(in: temporary) }
        // The process id in the name lets a later render remove this folder if this one is killed.
        self.stateDirectory = stateDirectory ?? temporary.appendingPathComponent("\(Self.prefix)\(getpid())-\(id)")
        removeState = stateDirectory == nil
        var quiet = Logger(label: "scenefarm.render")
        quiet.logLevel = .error
        coordinator = try Coordinator(
            config: CoordinatorConfig(
                nodeEndpoint: "inproc://scenefarm-nodes-\(id)", clientEndpoint: "inproc://scenefarm-clients-\(id)",
                stateDirectory: self.stateDirectory, storageRoot: storageRoot, registry: registry, ocioOverride: ocioOverride
            ),
            context: context, logger: quiet
        )
        node = try FarmNode(
            config: NodeConfig(
                coordinator: coordinator.boundNodeEndpoint, name: InProcessFarm.nodeName, slots: slots, storageRoot: storageRoot,
                scratch: self.stateDirectory.appendingPathComponent("node-scratch"), registry: registry
            ),
            context: context, logger: quiet
        )
        client = try FarmClient(endpoint: coordinator.boundClientEndpoint, context: context, timeout: .seconds(60))
        threads = [coordinator.start(), node.start()]
    }

    /// The host name when it is a valid node name (frames record it), else `local`.
    static var nodeName: String {
        let host = ProcessInfo.processInfo.hostName
        return NodeName.isValid(host) ? host : "local"
    }

    /// Submits the spec file and waits until the job is final; `update` sees each status.
    public func render(specPath: String, plateVersion: String?, overlap: Int?, update: (JobStatus) -> Void) throws -> JobStatus {
        let url = URL(fileURLWithPath: specPath).standardizedFileURL
        let text = String(decoding: try InputFile.read(url.path, limit: Int64(SpecLimits.maxBytes)), as: UTF8.self)
        let job = try client.submit(specText: text, specName: specPath, baseDirectory: url.deletingLastPathComponent().path,
                                    plateVersion: plateVersion, overlap: overlap)
        return try client.wait(job: job, every: .milliseconds(200), update: update)
    }

    private static let prefix = "scenefarm-render-"

    /// Removes the job stores of earlier renders whose process has gone (killed, or crashed),
    /// so no `scenefarm-render-PID-…` folder outlives its render for long.
    static func removeAbandonedStores(in folder: URL) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) != 0, errno == ESRCH { try? FileManager.default.removeItem(at: folder.appendingPathComponent(name)) }
        }
    }

    /// Stops the node and the coordinator and removes a temporary job store.
    public func shutdown() {
        node.stop()
        coordinator.stop()
        while threads.contains(where: { $0.isExecuting }) { Thread.sleep(forTimeInterval: 0.01) }
        if removeState { try? FileManager.default.removeItem(at: stateDirectory) }
    }
}
