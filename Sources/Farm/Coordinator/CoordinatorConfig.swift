import Foundation
import Inference

/// How a coordinator is set up (`scenefarm coordinator …`).
public struct CoordinatorConfig: Sendable {
    /// ROUTER endpoint for nodes, e.g. `tcp://*:5555`.
    public var nodeEndpoint: String
    /// ROUTER endpoint for clients (submit, status, …), e.g. `tcp://*:5556`.
    public var clientEndpoint: String
    /// Folder of the SQLite job store (and of files kept beside it, such as generated tokens).
    public var stateDirectory: URL
    /// Another job-store backend (`--store postgres://…`: FarmPostgres's `PostgresStore`);
    /// nil keeps the SQLite store in `stateDirectory`.
    public var store: (any StoreBackend)?
    /// Plate storage root; every path in every message is relative to it.
    public var storageRoot: URL
    /// CURVE server key pair and the node and client keys it admits; nil runs without encryption
    /// (loopback only unless insecure). With CURVE a node's name is its key's name.
    public var curve: (keyPair: CurveKeyPair, keys: FarmKeys)?
    public var insecure: Bool
    /// Attempts per task before the job fails.
    public var maxAttempts: Int
    public var registry: GeneratorRegistry
    /// The CLI's --ocio for validation of submitted specs.
    public var ocioOverride: String?
    public var maxMessageBytes: Int
    /// How long a lease may last before its attempt is cancelled and counted as failed.
    public var leaseLimits: LeaseLimits
    /// Whether results are checked against the files on storage before they are accepted, and
    /// publish assembles the version. Only `scenefarm bench farm` turns it off: its no-op tasks
    /// write nothing, and it measures the scheduler and protocol alone.
    public var checksResults = true
    /// Frames per generate task for deterministic generators in parallel mode: nil chooses from
    /// the nodes connected at submit (`TaskGraph.automaticTaskFrames`), 0 keeps whole chunks.
    public var taskFrames: Int?
    /// One half of a Binary Star pair (`--primary|--backup`); nil runs alone. Either way the
    /// coordinator serves only while it holds the job store's active lease.
    public var pair: PairConfig?
    /// How long results are held for the TASKs the last pass sent, so both make one pass
    /// (StateMachines/ResultGathering.swift); zero records each pass's results at once.
    public var gatherWindow: Duration = .milliseconds(3)

    public init(
        nodeEndpoint: String, clientEndpoint: String, stateDirectory: URL, storageRoot: URL,
        curve: (keyPair: CurveKeyPair, keys: FarmKeys)? = nil, insecure: Bool = false, maxAttempts: Int = 3,
        registry: GeneratorRegistry = .builtIn, ocioOverride: String? = nil, maxMessageBytes: Int = WireRules.defaultMaxMessageBytes,
        leaseLimits: LeaseLimits = .default
    ) {
        self.nodeEndpoint = nodeEndpoint
        self.clientEndpoint = clientEndpoint
        self.stateDirectory = stateDirectory
        self.storageRoot = storageRoot
        self.curve = curve
        self.insecure = insecure
        self.maxAttempts = maxAttempts
        self.registry = registry
        self.ocioOverride = ocioOverride
        self.maxMessageBytes = maxMessageBytes
        self.leaseLimits = leaseLimits
    }
}
