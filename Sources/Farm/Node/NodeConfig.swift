import Foundation
import Inference

/// How a node is set up (`scenefarm node …`).
public struct NodeConfig: Sendable {
    /// The coordinator's node endpoint, e.g. `tcp://coord:5555`, or a pair's, comma-separated
    /// (`tcp://a:5555,tcp://b:5555`): the node fails over to the next (Binary Star's client side).
    public var coordinator: String
    public var name: String
    /// Tasks run at once.
    public var slots: Int
    /// The shared storage root as mounted here; nil means transfer mode (frames go over ZeroMQ).
    public var storageRoot: URL?
    /// Where transfer-mode nodes write before sending (a private scratch folder).
    public var scratch: URL
    public var registry: GeneratorRegistry
    /// CURVE: this node's key pair and the coordinator's public key.
    public var curve: (keyPair: CurveKeyPair, serverPublicKey: String)?
    /// Reconnect back-off bounds (Paranoid Pirate).
    public var reconnectInitial: Duration
    public var reconnectMax: Duration
    /// Runs tasks instead of `TaskExecutor`: `scenefarm bench farm` uses no-op tasks to measure
    /// the scheduler and protocol alone. Nil (the default) renders.
    public var taskHandler: (@Sendable (TaskBody) throws -> TaskOutcome)?

    /// The endpoints of `coordinator`, in the order they are tried.
    public var coordinators: [String] { CoordinatorEndpoints.split(coordinator) }

    public init(
        coordinator: String, name: String, slots: Int = 1, storageRoot: URL?, scratch: URL? = nil, registry: GeneratorRegistry = .builtIn,
        curve: (keyPair: CurveKeyPair, serverPublicKey: String)? = nil, reconnectInitial: Duration = .milliseconds(500), reconnectMax: Duration = .seconds(32)
    ) {
        self.coordinator = coordinator
        self.name = name
        self.slots = max(1, slots)
        self.storageRoot = storageRoot
        self.scratch = scratch ?? FileManager.default.temporaryDirectory.appendingPathComponent("scenefarm-node-\(name)")
        self.registry = registry
        self.curve = curve
        self.reconnectInitial = reconnectInitial
        self.reconnectMax = reconnectMax
    }
}
