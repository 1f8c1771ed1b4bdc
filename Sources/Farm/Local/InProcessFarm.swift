import Foundation
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
        self.stateDirectory = stateDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("scenefarm-render-\(id)")
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
            config: NodeConfig(coordinator: coordinator.boundNodeEndpoint, name: ProcessInfo.processInfo.hostName, slots: slots, storageRoot: storageRoot, registry: registry),
            context: context, logger: quiet
        )
        client = try FarmClient(endpoint: coordinator.boundClientEndpoint, context: context, timeout: .seconds(60))
        threads = [coordinator.start(), node.start()]
    }

    /// Submits the spec file and waits until the job is final; `update` sees each status.
    public func render(specPath: String, plateVersion: String?, overlap: Int?, update: (JobStatus) -> Void) throws -> JobStatus {
        let url = URL(fileURLWithPath: specPath).standardizedFileURL
        let text = try String(contentsOf: url, encoding: .utf8)
        let job = try client.submit(specText: text, specName: specPath, baseDirectory: url.deletingLastPathComponent().path,
                                    plateVersion: plateVersion, overlap: overlap)
        return try client.wait(job: job, every: .milliseconds(200), update: update)
    }

    /// Stops the node and the coordinator and removes a temporary job store.
    public func shutdown() {
        node.stop()
        coordinator.stop()
        while threads.contains(where: { $0.isExecuting }) { Thread.sleep(forTimeInterval: 0.01) }
        if removeState { try? FileManager.default.removeItem(at: stateDirectory) }
    }
}
