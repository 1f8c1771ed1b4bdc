import Chunking
import Foundation
import Inference
import Logging
import Plates
import ShotSpec

/// Counters an operator (and the tests) can read while the coordinator runs.
public struct CoordinatorStats: Sendable, Equatable {
    public var dispatched = 0
    public var completed = 0
    public var requeued = 0
    /// Malformed, unknown, oversized or unauthenticated messages dropped.
    public var dropped = 0
    /// Results or files for attempts the sender does not hold.
    public var staleIgnored = 0
    public var nodesLost = 0
    /// FILE messages refused: a path outside the sending attempt's own folder.
    public var filesRefused = 0
    /// READY messages refused: a name that is invalid or not its key's.
    public var refused = 0
    /// Results whose files did not check out (counted as failed attempts).
    public var resultsRejected = 0
    /// Leases that ran out (counted as failed attempts).
    public var leasesTimedOut = 0
    /// Dispatch passes that leased (one store transaction each), and result batches recorded
    /// (one each): `bench farm` divides the store's round trips by them.
    public var dispatchPasses = 0
    public var resultBatches = 0
}

/// The farm coordinator: a ROUTER for nodes, a ROUTER for clients, the job store, and the
/// scheduler, all driven by one event loop on one thread (sockets are single-threaded).
///
/// Paranoid Pirate heartbeating: both sides send HEARTBEAT every half second; a node silent for
/// three seconds is dead and its leased tasks go back to the queue (a node leaves a coordinator
/// silent for two: FarmProtocol.liveness).
public final class Coordinator: @unchecked Sendable {
    // Everything below `stateLock` is touched only by the loop thread, except `stats`,
    // `stopRequested` and the endpoints, which the lock guards.
    private let config: CoordinatorConfig
    private let context: ZMQContext
    private let nodeSocket: ZMQSocket
    private let clientSocket: ZMQSocket
    /// Disconnect events of the node socket: a crashed node's TCP connection closes at once, so
    /// its tasks need not wait the full 3 s of silence.
    private let nodeMonitor: ZMQSocket
    private let authenticator: ZAPAuthenticator?
    private let store: JobStore
    private let nodeRules: WireRules
    private let clientRules: WireRules
    private let logger: Logger
    private let preparation: JobPreparation
    /// SUBMITs are parsed and checked here, off the loop thread: a spec at the size limit takes
    /// tens of milliseconds to check, and heartbeats and dispatch must not wait for it. Serial,
    /// so versions resolve and reserve one job at a time.
    private let submitQueue = DispatchQueue(label: "scenefarm.coordinator.submit")
    /// SUBMITs handed to `submitQueue` and not yet answered (loop thread only).
    private var submitsInFlight = 0
    /// Wakes the loop when work done off it (a checked SUBMIT, a STATUS read) has a reply to send.
    private let wake: WakeSignal
    /// STATUS answered off the loop (StatusReader.swift).
    private let statusReader: StatusReader
    /// Finished jobs' work folders are swept here, off the loop (`sweep`); whether a sweep is
    /// running (under `stateLock`).
    private let sweepQueue = DispatchQueue(label: "scenefarm.coordinator.sweep", qos: .utility)
    private var sweepRunning = false
    /// Checked SUBMITs waiting for the loop to store and answer them (under `stateLock`).
    private var checkedSubmits: [CheckedSubmit] = []
    /// The dashboard's view of the loop's state, and its actions (Coordinator+Dashboard.swift).
    let snapshots: SnapshotPublisher
    let inbox = ActionInbox()

    private var nodes: [Data: NodeRecord] = [:]
    private var drained: Set<String>
    /// Node liveness, heartbeats and lease clocks (StateMachines/LivenessMachine.swift).
    private var liveness = LivenessMachine(now: .now)
    /// Whether the results held are recorded now or with those of the TASKs just sent.
    private var gathering: ResultGathering
    /// Set while results are held: the pass runs by then at the latest.
    private var gatherUntil: ContinuousClock.Instant?
    /// Connections whose READY was refused, so each is logged once.
    private var refusedPeers: Set<Data> = []

    private let stateLock = NSLock()
    private var _stats = CoordinatorStats()
    private var stopRequested = false
    /// The endpoints actually bound (with real ports when `:*` or port 0 was asked for).
    public let boundNodeEndpoint: String
    public let boundClientEndpoint: String
    /// Where this coordinator publishes its pair state, nil alone.
    public let boundPeerEndpoint: String?
    /// Binary Star and the store's active lease (Pair/, StateMachines/); only the loop touches it.
    private var failover: FailoverMachine
    private let peerLink: PeerLink?
    private let leaseHolder: String

    public init(config: CoordinatorConfig, context: ZMQContext? = nil, logger: Logger = Logger(label: "scenefarm.coordinator")) throws {
        gathering = ResultGathering(window: config.gatherWindow)
        self.config = config
        self.logger = logger
        let context = try context ?? ZMQContext()
        self.context = context
        for endpoint in [config.nodeEndpoint, config.clientEndpoint] {
            try BindPolicy.check(endpoint: endpoint, secured: config.curve != nil, insecure: config.insecure)
        }
        // The pair link is CURVE-secured when the farm is (PairConfig.curve, Pair/PeerLink.swift).
        if let pair = config.pair { try BindPolicy.check(endpoint: pair.peerBind, secured: pair.curve != nil, insecure: config.insecure) }
        store = try config.store.map { try JobStore(backend: $0) } ?? JobStore(directory: config.stateDirectory)
        drained = try store.drainedNodes()
        snapshots = SnapshotPublisher(store: store, storageRoot: config.storageRoot.path)
        wake = try WakeSignal(context: context)
        statusReader = try StatusReader(store: store, wake: wake, logger: logger)
        nodeRules = WireRules(commands: FarmProtocol.nodeCommands, maxMessageBytes: config.maxMessageBytes)
        clientRules = WireRules(commands: FarmProtocol.clientCommands, maxMessageBytes: 16 << 20)
        preparation = JobPreparation(registry: config.registry, ocioOverride: config.ocioOverride)

        nodeSocket = try ZMQSocket(context: context, kind: .router)
        clientSocket = try ZMQSocket(context: context, kind: .router)
        if let curve = config.curve {
            // Separate ZAP domains: a client key is not even admitted on the node endpoint.
            let authenticator = try ZAPAuthenticator(context: context, domains: [
                (FarmKeys.nodeDomain, curve.keys.nodes), (FarmKeys.clientDomain, curve.keys.clients),
            ], logger: logger)
            self.authenticator = authenticator
            try nodeSocket.configureCurveServer(keyPair: curve.keyPair, authenticator: authenticator, domain: FarmKeys.nodeDomain)
            try clientSocket.configureCurveServer(keyPair: curve.keyPair, authenticator: authenticator, domain: FarmKeys.clientDomain)
        } else {
            authenticator = nil
        }
        try nodeRules.configure(nodeSocket)
        try clientRules.configure(clientSocket)
        try nodeSocket.setRouterMandatory(true)
        try nodeSocket.setSendTimeout(.seconds(1))
        try clientSocket.setSendTimeout(.seconds(1))
        boundNodeEndpoint = try LoopbackBind.bind(nodeSocket, config.nodeEndpoint)
        boundClientEndpoint = try LoopbackBind.bind(clientSocket, config.clientEndpoint)
        nodeMonitor = try nodeSocket.monitorDisconnects()
        peerLink = try config.pair.map { try PeerLink(context: context, config: $0) }
        boundPeerEndpoint = peerLink?.boundEndpoint
        leaseHolder = PairConfig.leaseHolder(config.pair)
        failover = FailoverMachine(role: config.pair?.role, now: .now, timing: config.pair?.timing ?? .default)
        // Leased tasks and finished jobs' folders are taken over when this coordinator first
        // holds the store's active lease (`takeOver`), not here: a passive one touches nothing.
    }

    public var stats: CoordinatorStats {
        stateLock.lock()
        defer { stateLock.unlock() }
        return _stats
    }

    private func count(_ update: (inout CoordinatorStats) -> Void) {
        stateLock.lock()
        update(&_stats)
        stateLock.unlock()
    }

    /// Asks the loop to finish; `run` returns within about 100 ms.
    public func stop() {
        stateLock.lock()
        stopRequested = true
        stateLock.unlock()
    }

    private var shouldStop: Bool {
        stateLock.lock()
        defer { stateLock.unlock() }
        return stopRequested
    }

    /// Runs the event loop on a new thread and returns it.
    @discardableResult
    public func start() -> Thread {
        let thread = Thread { [self] in run() }
        thread.name = "scenefarm-coordinator"
        thread.start()
        return thread
    }

    /// The event loop; returns after `stop()`.
    public func run() {
        // Claim the store's active lease before saying so: a lone coordinator then serves the
        // first message that arrives (a pair's backup publishes its state and waits).
        perform(failover.tick(now: .now))
        logger.info("coordinator listening", metadata: ["nodes": "\(boundNodeEndpoint)", "clients": "\(boundClientEndpoint)", "storage": "\(config.storageRoot.path)", "pair": "\(config.pair.map { "\($0.role.rawValue), state on \(boundPeerEndpoint ?? ""), peer \($0.peer)" } ?? "none")"])
        let poller = ZMQPoller([nodeSocket, clientSocket, nodeMonitor, wake.receiver] + (peerLink.map { [$0.subscriber] } ?? []))
        while !shouldStop {
            do {
                // A SUBMIT checked on `submitQueue` and a STATUS read by `statusReader` are
                // answered by this loop; `wake` makes the poll return as soon as one is ready.
                let ready = try poller.poll(timeout: gatherUntil.map { min(.milliseconds(100), max(.zero, $0 - .now)) } ?? .milliseconds(100))
                if ready.contains(0) { try drainNodeSocket() }
                if ready.contains(1) { try drainClientSocket() }
                if ready.contains(3) { wake.consume() }
                for (peer, reply) in statusReader.takeAnswers() { deliver(reply, to: peer) }
                try finishSubmits()
                try performActions()
                if ready.contains(2) { try drainDisconnects() }
                if ready.contains(4) { try receivePeerStates() }
                perform(failover.tick(now: .now))
                if isServing {
                    try housekeeping()
                    try dispatch()
                } else {
                    // Results accepted before stepping down are still recorded (dispatch would
                    // have), and none are held: the poll goes back to its usual timeout.
                    gatherUntil = nil
                    try flushCompletions()
                }
                if snapshots.isDue { try publishSnapshot() }
            } catch {
                logged(loopTrouble.failed("\(error)", now: .now), "coordinator loop")
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        do { try flushCompletions() } catch { logger.error("coordinator stopping: results of the last pass not recorded: \(error)") }
        // Let checks in progress finish, then release the versions they reserved.
        submitQueue.sync {}
        for checked in takeCheckedSubmits() {
            if case .success(let prepared) = checked.result { prepared.job.layout(spec: prepared.spec).discard(job: prepared.job.id) }
        }
        // A clean stop hands the lease over at once instead of making the peer wait for it.
        if failover.leaseValidUntil != nil { try? store.releaseActive(holder: leaseHolder) }
        authenticator?.stop()
        logger.info("coordinator stopped")
    }

    // MARK: - Node messages

    private enum Received {
        case valid(peer: Data, message: WireMessage)
        /// Malformed, unknown or oversized: already counted and logged.
        case dropped
    }

    /// The next waiting message on a ROUTER, nil when none; a bad one is counted, logged and
    /// reported as `.dropped` so the caller's bound on messages per pass still holds.
    private func nextMessage(_ socket: ZMQSocket, rules: WireRules, from side: String) throws -> Received? {
        do {
            guard let (peer, message) = try socket.receiveRoutedMessage(rules: rules, timeout: .zero) else { return nil }
            return .valid(peer: peer, message: message)
        } catch let error as WireError {
            count { $0.dropped += 1 }
            logger.warning("dropped a malformed \(side) message: \(error)")
            return .dropped
        }
    }

    /// Results accepted here are recorded at the end of the pass, with its leases (`dispatch`).
    private func drainNodeSocket() throws {
        // Bounded so a flood from one side cannot starve heartbeats and dispatch.
        for _ in 0..<1000 {
            guard let received = try nextMessage(nodeSocket, rules: nodeRules, from: "node") else { return }
            guard case .valid(let peer, let message) = received else { continue }
            guard admit() else {
                if message.command != FarmProtocol.bye { try? nodeSocket.send(WireMessage(command: FarmProtocol.passive, body: EmptyBody()), to: peer) }
                continue
            }
            let descriptor = nodeSocket.lastSourceDescriptor
            defer { if descriptor >= 0 { nodes[peer]?.descriptor = descriptor } }
            do {
                try handleNode(message, from: peer, userID: nodeSocket.lastUserID)
            } catch let error as WireError {
                count { $0.dropped += 1 }
                logger.warning("dropped \(message.command) from a node: \(error)")
            }
        }
    }

    private func handleNode(_ message: WireMessage, from peer: Data, userID: String?) throws {
        if message.command == FarmProtocol.ready {
            try register(try message.decodeBody(ReadyBody.self), peer: peer, userID: userID)
            return
        }
        guard var node = nodes[peer] else {
            // Not introduced (we restarted, or declared it dead): nothing it says about an attempt
            // is acted on, since attempt ids alone prove nothing; it is asked to introduce itself
            // and may then repeat its results (§4 RECONNECT).
            if message.command == FarmProtocol.result || message.command == FarmProtocol.failed || message.command == FarmProtocol.file {
                count { $0.staleIgnored += 1 }
                if message.command == FarmProtocol.result, let body = try? message.decodeBody(ResultBody.self) {
                    logger.notice("ignored a result for attempt \(LogText.quoted(body.attempt)) that its sender does not hold")
                }
            }
            if message.command != FarmProtocol.bye {
                try? nodeSocket.send(WireMessage(command: FarmProtocol.reconnect, body: EmptyBody()), to: peer)
            }
            return
        }
        node.lastSeen = .now
        liveness.heard(peer, at: node.lastSeen)
        nodes[peer] = node
        switch message.command {
        case FarmProtocol.heartbeat:
            let body = try message.decodeBody(NodeHeartbeatBody.self)
            nodes[peer]?.draining = body.draining
            try reconcile(peer: peer, reported: Set(body.running))
        case FarmProtocol.progress:
            let body = try message.decodeBody(ProgressBody.self)
            guard let lease = node.running[body.attempt] else { return }
            try store.setProgress(attempt: body.attempt, framesDone: min(max(0, body.framesDone), lease.frames))
        case FarmProtocol.file:
            let body = try message.decodeBody(FileBody.self)
            // Files come only from the connection running the attempt, before its RESULT.
            guard let lease = node.running[body.attempt] else {
                count { $0.staleIgnored += 1 }
                return
            }
            try receiveFile(body, payload: message.payload ?? Data(), lease: lease, node: node.name)
        case FarmProtocol.result:
            let body = try message.decodeBody(ResultBody.self)
            let held = try holds(body.attempt, peer: peer)
            forget(body.attempt, on: peer)
            guard let task = held else {
                count { $0.staleIgnored += 1 }
                logger.notice("ignored a result for attempt \(LogText.quoted(body.attempt)) that its sender does not hold")
                return
            }
            try accept(body.outcome, attempt: body.attempt, task: task, from: node.name, peer: peer)
        case FarmProtocol.failed:
            let body = try message.decodeBody(FailedBody.self)
            let held = try holds(body.attempt, peer: peer)
            forget(body.attempt, on: peer)
            guard held != nil else {
                count { $0.staleIgnored += 1 }
                return
            }
            try fail(body.attempt, error: body.error, retryable: body.retryable)
        case FarmProtocol.bye:
            logger.info("node \(node.name) left")
            for attempt in node.running.keys { try retire(attempt, reason: "node \(node.name) left") }
            nodes[peer] = nil
            liveness.forget(peer)
        default:
            count { $0.dropped += 1 }
        }
    }

    /// Drops `attempt` from what the connection `peer` holds.
    private func forget(_ attempt: String, on peer: Data) {
        nodes[peer]?.running[attempt] = nil
        nodes[peer]?.dispatchedAt[attempt] = nil
    }

    /// A lease the node does not report running, well after it was sent (a TASK lost in
    /// transit, or dropped by a node that restarted), goes back to the queue instead of
    /// waiting for ever.
    private func reconcile(peer: Data, reported: Set<String>) throws {
        guard let node = nodes[peer] else { return }
        let grace = liveness.window
        for attempt in node.running.keys where !reported.contains(attempt) {
            guard let sent = node.dispatchedAt[attempt], ContinuousClock.now - sent > grace else { continue }
            try retire(attempt, reason: "node \(node.name) is not running it")
            forget(attempt, on: peer)
            count { $0.requeued += 1 }
            logger.warning("requeued attempt \(attempt): \(node.name) does not report it running")
        }
    }

    /// The leased task `attempt` names, if the registered connection `peer` may report on it:
    /// it holds the attempt, or the store has it leased to this node's name (a result the node
    /// repeats after reconnecting; with CURVE the name is the one its key is authorised as).
    private func holds(_ attempt: String, peer: Data) throws -> HeldTask? {
        guard let node = nodes[peer] else { return nil }
        // A result already accepted in this pass and not yet recorded: a repeat is stale.
        if pendingCompletions.contains(where: { $0.attempt == attempt }) { return nil }
        // Unchecked results go straight to `complete`, whose conditional UPDATE is the authority
        // on whether the attempt is still leased: the lease this connection holds is enough to
        // try, without reading the row first (a store round trip per result).
        if !config.checksResults, let lease = node.running[attempt] { return HeldTask(job: lease.job, node: lease.task) }
        guard let task = try store.task(attempt: attempt), task.state == .leased else { return nil }
        return node.running[attempt] != nil || task.worker == node.name ? HeldTask(job: task.job, node: task.node) : nil
    }

    /// The task a result or failure is about: its job and graph node.
    private struct HeldTask {
        let job: String
        let node: TaskNode
    }

    /// Refuses a READY whose name is not acceptable, logging once per connection.
    private func refuse(_ peer: Data, _ reason: String) {
        count { $0.refused += 1 }
        if refusedPeers.insert(peer).inserted {
            if refusedPeers.count > 4096 { refusedPeers = [peer] }
            logger.warning("refused READY: \(reason)")
        }
    }

    private func register(_ ready: ReadyBody, peer: Data, userID: String?) throws {
        if config.curve != nil {
            // A node is who its key says: the name under which ZAP admitted its key.
            guard let userID, !userID.isEmpty else { return refuse(peer, "a CURVE connection without a ZAP user id") }
            guard ready.name == userID else {
                return refuse(peer, "the node with key '\(userID)' calls itself '\(LogText.quoted(ready.name))'; a node's name is its key's name")
            }
        }
        guard NodeName.isValid(ready.name) else {
            return refuse(peer, "node name '\(LogText.quoted(ready.name, limit: 80))' is not \(NodeName.rule)")
        }
        guard ready.running.count <= Self.maxRunningListed else {
            return refuse(peer, "\(ready.name) lists \(ready.running.count) running attempts (at most \(Self.maxRunningListed))")
        }
        // Another connection under this name that is still speaking, and runs none of the
        // attempts this READY lists, is another node with the same name (a machine cloned with
        // its host name, a copied key), not this one reconnecting: taking the name over would
        // requeue that node's work, and its next message would take it back, for ever. So this
        // one is refused until the other is silent or has closed; a node that restarted closed
        // its old connection, which the monitor reports (read first).
        try drainDisconnects()
        let now = ContinuousClock.now
        if let (livePeer, live) = nodes.first(where: { $0.value.name == ready.name && $0.key != peer && liveness.isLive($0.key, at: now) }),
           Set(live.running.keys).isDisjoint(with: ready.running) {
            let heard = liveness.lastSeen(livePeer).map { String(format: "%.1f s ago", (now - $0).seconds) } ?? "just now"
            return refuse(peer, "another node is connected as '\(ready.name)' (heard \(heard)); names must be unique on the farm (a cloned machine that kept its host name?): give this node its own --name. This connection is taken once the other has been silent for \(liveness.window - liveness.suspectFor) or has closed")
        }
        // A reconnecting node keeps the attempts it still runs; anything else leased to its
        // name goes back to the queue.
        for (oldPeer, old) in nodes where old.name == ready.name && oldPeer != peer {
            for attempt in old.running.keys where !ready.running.contains(attempt) {
                try retire(attempt, reason: "node \(ready.name) reconnected without it")
            }
            nodes[oldPeer] = nil
            liveness.forget(oldPeer)
        }
        var running: [String: NodeRecord.Lease] = [:]
        for attempt in ready.running {
            if let task = try store.task(attempt: attempt), task.state == .leased, task.worker == ready.name, let lease = try lease(for: task) {
                running[attempt] = lease
                liveness.claimed(attempt)
            } else {
                try? nodeSocket.send(WireMessage(command: FarmProtocol.cancel, body: CancelBody(attempt: attempt)), to: peer)
            }
        }
        // A node may send READY again on the same connection (a RECONNECT that crossed a TASK);
        // TASKs sent after the node wrote this READY are still on their way to it and must stay
        // its leases, or its RESULT would be ignored and the task never finish.
        let previous = nodes[peer].flatMap { $0.name == ready.name ? $0 : nil }
        running.merge(previous?.running ?? [:]) { current, _ in current }
        nodes[peer] = NodeRecord(
            peer: peer, name: ready.name, slots: min(max(1, ready.slots), Self.maxSlots), generators: Array(ready.generators.prefix(256)), storage: ready.storage,
            lastSeen: .now, running: running, dispatchedAt: previous?.dispatchedAt ?? [:], draining: ready.draining, tasksDone: previous?.tasksDone ?? 0,
            cores: ready.cores, memoryBytes: ready.memoryBytes
        )
        liveness.heard(peer, at: .now)
        refusedPeers.remove(peer)
        logger.info("node \(ready.name) ready: \(ready.slots) slot(s), \(ready.storage.rawValue) storage, generators \(LogText.quoted(ready.generators.map(\.name).joined(separator: ",")))")
        try nodeSocket.send(WireMessage(command: FarmProtocol.welcome, body: WelcomeBody(
            heartbeatIntervalMS: Int(FarmProtocol.heartbeatInterval / .milliseconds(1)), liveness: FarmProtocol.liveness
        )), to: peer)
    }

    /// Most slots a node may claim, and most running attempts a READY may list.
    static let maxSlots = 256
    static let maxRunningListed = 1024

    /// What a node holding `task` is told about it, nil if its job is gone.
    private func lease(for task: StoredTask) throws -> NodeRecord.Lease? {
        guard let facts = try facts(task.job) else { return nil }
        return NodeRecord.Lease(job: task.job, task: task.node, frames: facts.staging.finalFrames(for: task.node, plan: facts.plan).count)
    }

    /// Writes a transfer-mode file into its attempt's own folder, atomically; refuses (counts and
    /// logs) any other path: a node can never write outside the attempt it holds.
    private func receiveFile(_ body: FileBody, payload: Data, lease: NodeRecord.Lease, node: String) throws {
        func deny(_ why: String) {
            count { $0.filesRefused += 1 }
            logger.warning("refused file '\(LogText.quoted(body.path))' from \(node) for \(lease.label): \(why)")
        }
        guard let facts = try facts(lease.job) else { return deny("the job is gone") }
        let folder = facts.staging.attemptFolder(body.attempt)
        guard let url = StoragePath.resolve(body.path, under: config.storageRoot) else { return deny("not a path inside the storage root") }
        guard url.path.hasPrefix(folder.path + "/") else { return deny("not inside the attempt's own folder") }
        let rest = String(url.path.dropFirst(folder.path.count + 1))
        // Only frame-writing tasks send files (transfer nodes run generate tasks only), and only
        // the files they write: a node cannot fill the storage through FILE.
        guard let expected = facts.staging.expectedFiles(for: lease.task, plan: facts.plan),
              expected.allows(rest) else {
            return deny("not a file \(lease.task.name) writes")
        }
        let parent = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        // A link on the way (made by a shared-storage node) would lead the write elsewhere.
        guard let realRoot = AttemptOutput.realPath(config.storageRoot.path),
              AttemptOutput.realPath(parent.path) == realRoot + parent.path.dropFirst(config.storageRoot.standardizedFileURL.path.count) else {
            return deny("a folder on its path is a link")
        }
        let temporary = parent.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp")
        try payload.write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw PlateError.io(path: url.path, message: "cannot move received file into place")
        }
    }

    /// Checks a result against what the task must have written and, if it holds, moves the
    /// attempt's files into the job's accepted area and completes the task; otherwise the
    /// attempt fails (retryable). A publish result also publishes the version. The completion
    /// itself is recorded with the others of this pass (`flushCompletions`).
    private func accept(_ outcome: TaskOutcome, attempt: String, task: HeldTask, from node: String, peer: Data) throws {
        leaseEnded(attempt)
        guard config.checksResults else {
            pendingCompletions.append(PendingCompletion(attempt: attempt, outcome: outcome, peer: peer, removesFolder: false))
            return
        }
        guard let facts = try facts(task.job) else { return }
        let output = AttemptOutput(staging: facts.staging, storageRoot: config.storageRoot, attempt: attempt, task: task.node,
                                   plan: facts.plan, width: facts.width, height: facts.height)
        let moves: [(from: URL, to: URL)]
        do {
            moves = try output.check(outcome)
        } catch {
            count { $0.resultsRejected += 1 }
            logger.warning("\(task.job) \(task.node.name) from \(node): \(error)")
            try fail(attempt, error: error.description, retryable: true)
            return
        }
        // The version's report gets the task timeline while it is still the attempt's file.
        if task.node.kind == .publish, let report = moves.first(where: { $0.from.lastPathComponent.hasSuffix(".report.json") }) {
            do { try snapshots.addTimeline(toReport: report.from, job: task.job, publishTask: task.node.name) } catch { logger.warning("\(task.job): the report keeps no task timeline: \(error)") }
        }
        let version: (folder: URL, removed: [String])?
        do {
            version = try AttemptOutput.acceptAndPublish(moves, task: task.node, staging: facts.staging, frames: facts.plan.frames)
        } catch let failure as VersionPublisher.Failure {
            try fail(attempt, error: failure.description, retryable: false)
            return
        }
        if let removed = version?.removed, !removed.isEmpty {
            logger.warning("\(task.job): removed \(removed.count) stray entr(ies) from the accepted area before publishing: \(LogText.quoted(removed.prefix(5).joined(separator: ", ")))")
        }
        var recorded = outcome
        if task.node.kind == .publish { recorded.published = version.map { relative($0.folder) } }
        pendingCompletions.append(PendingCompletion(attempt: attempt, outcome: recorded, peer: peer, removesFolder: true))
    }

    /// A result accepted in this pass of the loop, recorded at its end.
    private struct PendingCompletion {
        let attempt: String
        let outcome: TaskOutcome
        let peer: Data
        /// Whether the attempt's folder goes once recorded (checked results: its files moved out).
        let removesFolder: Bool
    }

    private var pendingCompletions: [PendingCompletion] = []

    /// Records the results accepted in this pass without leasing (the coordinator is not
    /// serving, or is stopping): one store transaction for all of them.
    private func flushCompletions() throws {
        guard !pendingCompletions.isEmpty else { return }
        let pending = pendingCompletions
        pendingCompletions = []
        afterRecording(pending, try store.complete(pending.map { Completion(attempt: $0.attempt, outcome: $0.outcome) }))
    }

    /// What follows each recorded result in memory (`recorded` in the order of `pending`; nil: stale).
    private func afterRecording(_ pending: [PendingCompletion], _ recorded: [StoredTask?]) {
        count { $0.resultBatches += 1 }
        for (item, done) in zip(pending, recorded) {
            guard let done else { continue }
            count { $0.completed += 1 }
            nodes[item.peer]?.tasksDone += 1
            if item.removesFolder { removeAttemptFolder(item.attempt, job: done.job) }
            afterCompletion(done, outcome: item.outcome)
        }
    }

    /// The loop stops counting `attempt`'s lease (`liveness`) and waiting for its result
    /// (`gathering`): it reported, failed, expired or its node left.
    private func leaseEnded(_ attempt: String) {
        liveness.leaseEnded(attempt)
        gathering.ended(attempt)
    }

    /// Records a failed attempt (from the node, a rejected result or an expired lease).
    private func fail(_ attempt: String, error: String, retryable: Bool) throws {
        leaseEnded(attempt)
        guard let (task, jobFailed) = try store.fail(attempt: attempt, error: LogText.quoted(error, limit: 2000), retryable: retryable, maxAttempts: config.maxAttempts) else { return }
        removeAttemptFolder(attempt, job: task.job)
        logger.warning("\(task.job) \(task.node.name) failed on \(task.worker ?? "?"): \(LogText.quoted(error, limit: 500))")
        if jobFailed { try abandon(job: task.job) }
    }

    /// Puts a leased task back in the queue (its node died, left or lost it) and removes the
    /// attempt's folder: whatever a stale writer still does there is never read.
    private func retire(_ attempt: String, reason: String) throws {
        leaseEnded(attempt)
        let job = try store.task(attempt: attempt)?.job
        try store.requeue(attempt: attempt, reason: reason)
        if let job { removeAttemptFolder(attempt, job: job) }
    }

    private func removeAttemptFolder(_ attempt: String, job: String) {
        guard let facts = try? facts(job) else { return }
        try? FileManager.default.removeItem(at: facts.staging.attemptFolder(attempt))
    }

    private func relative(_ url: URL) -> String { StoragePath.relative(url, to: config.storageRoot) }

    /// What the loop needs of a job's spec (to check its results, lease its tasks, choose their
    /// nodes), parsed once per job.
    private struct JobFacts {
        let staging: JobStaging
        let plan: ChunkPlan
        let width: Int
        let height: Int
        let generator: String
    }

    /// By job id; nil for a job whose spec does not parse, so it is not parsed again each pass.
    private var jobFacts: [String: JobFacts?] = [:]

    private func facts(_ job: String) throws -> JobFacts? {
        if let cached = jobFacts[job] { return cached }
        // Dispatch has usually just read the job (`jobs`); a finished job's is read again.
        guard let shotJob = try jobs[job] ?? store.job(job)?.job else { return nil }
        return facts(of: shotJob)
    }

    /// `facts` of a job in hand; nil when its spec no longer parses. The status answers' names
    /// come from the same parse (`StatusReader.remember`).
    private func facts(of job: ShotJob) -> JobFacts? {
        if let cached = jobFacts[job.id] { return cached }
        return remember(job, spec: try? job.spec())
    }

    /// Keeps the facts of `job` from its parsed `spec` (nil: it does not parse). A job submitted
    /// here comes with the spec its SUBMIT was checked with, so dispatch does not parse it again
    /// (a tenth of the loop's time in `bench farm`, where every job is new).
    @discardableResult
    private func remember(_ job: ShotJob, spec: ShotSpec?) -> JobFacts? {
        statusReader.remember(job.id, spec: spec)
        let facts = spec.map {
            JobFacts(staging: JobStaging(job: job, spec: $0, root: config.storageRoot), plan: job.plan,
                     width: $0.resolution.width, height: $0.resolution.height, generator: $0.generator.name)
        }
        if jobFacts.count > 4096 { jobFacts.removeAll() }
        jobFacts.updateValue(facts, forKey: job.id)
        return facts
    }

    /// What follows a recorded completion in memory (the store's part, the lighting id and the
    /// finished job, was recorded with it by `JobStore.complete(_:)`).
    private func afterCompletion(_ task: StoredTask, outcome: TaskOutcome) {
        snapshots.completed(task, outcome: outcome)
        switch task.node.kind {
        case .lighting:
            // The store has it too (recorded with the completion); no need to read the job again.
            if let id = outcome.lightingID { jobs[task.job]?.lightingID = id }
        case .publish:
            jobs[task.job] = nil
            taskMessages.forget(job: task.job)
            sweepLater(task.job)
            logger.info("job \(task.job) published \(outcome.published ?? "")")
        case .generate, .blend:
            break
        }
    }

    /// Tells nodes to stop a failed or cancelled job's attempts and removes its staging area.
    private func abandon(job: String, running: [String] = []) throws {
        jobs[job] = nil
        taskMessages.forget(job: job)
        for attempt in running {
            for (peer, node) in nodes where node.running[attempt] != nil {
                try? nodeSocket.send(WireMessage(command: FarmProtocol.cancel, body: CancelBody(attempt: attempt)), to: peer)
                forget(attempt, on: peer)
            }
        }
        if let facts = try facts(job) { facts.staging.layout.discard(job: job) }
        sweepLater(job)
    }

    // MARK: - Stale writers

    /// Work folders of recently finished jobs, removed again until the deadline: a node stopped
    /// (SIGSTOP) mid-task and resumed after the job ended may recreate its attempt's folder.
    private var sweeps: [String: ContinuousClock.Instant] = [:]
    private var lastSweep = ContinuousClock.now
    /// How long finished jobs' work folders are swept.
    static let sweepFor: Duration = .seconds(600)

    private func sweepLater(_ job: String) {
        sweeps[job] = .now + Self.sweepFor
    }

    /// Every 5 s, on `sweepQueue`: removing a folder that is (almost always) already gone costs
    /// the file system a failed call per job, and with 600 jobs finished in the last ten minutes
    /// that stalled the loop for 0.6 s (`bench farm --stores`, the fourth pass in
    /// Docs/performance.md). The loop only picks the layouts; a sweep still running is not
    /// started again.
    private func sweep() {
        let now = ContinuousClock.now
        guard now - lastSweep >= .seconds(5) else { return }
        lastSweep = now
        var work: [(job: String, layout: PlateLayout)] = []
        for (job, until) in sweeps {
            if let facts = try? facts(job) { work.append((job, facts.staging.layout)) }
            if now > until { sweeps[job] = nil }
        }
        guard !work.isEmpty else { return }
        let started = stateLock.withLock {
            defer { sweepRunning = true }
            return !sweepRunning
        }
        guard started else { return }
        sweepQueue.async { [self, work] in
            for item in work { item.layout.discard(job: item.job) }
            stateLock.withLock { sweepRunning = false }
        }
    }

    // MARK: - Lease limits

    private func startLeaseClock(_ attempt: String, task: TaskNode, job: String) throws {
        guard let facts = try facts(job) else { return }
        liveness.leaseStarted(attempt, seconds: config.leaseLimits.seconds(for: task, plan: facts.plan, width: facts.width, height: facts.height), at: .now)
    }

    /// Cancels an attempt whose lease ran out and counts it as failed (retryable): the task is
    /// retried elsewhere when possible, and repeated timeouts use up its attempts.
    private func expireLease(_ attempt: String, seconds: Double) throws {
        guard let task = try store.task(attempt: attempt), task.state == .leased else { return }
        for (peer, node) in nodes where node.running[attempt] != nil {
            try? nodeSocket.send(WireMessage(command: FarmProtocol.cancel, body: CancelBody(attempt: attempt)), to: peer)
            forget(attempt, on: peer)
        }
        count { $0.leasesTimedOut += 1 }
        try fail(attempt, error: "timed out: lease of \(Int(seconds)) s ran out on \(task.worker ?? "?")", retryable: true)
    }

    /// A node whose connection closed is suspect: unless it speaks within 1.5 s (more than a
    /// heartbeat interval, so a live node that merely reconnected survives, even if its new
    /// connection reused the descriptor) it is dead, 1.5 s after the close instead of 3 s.
    private func drainDisconnects() throws {
        while let frames = try nodeMonitor.receive(timeout: .zero) {
            guard let descriptor = ZMQSocket.disconnectedDescriptor(frames), descriptor >= 0 else { continue }
            for (peer, node) in nodes where node.descriptor == descriptor {
                liveness.connectionClosed(peer, at: .now)
                logger.notice("node \(node.name)'s connection closed; it has \(liveness.suspectFor) to speak")
            }
        }
    }

    // MARK: - Heartbeats, leases, dispatch

    private func housekeeping() throws {
        // Checked on every pass (≈100 ms), so a dead node's tasks move within 3.1 s of its last
        // message; heartbeats go out every half second.
        for action in liveness.tick(now: .now) {
            switch action {
            case .nodeLost(let peer):
                guard let node = nodes[peer] else { continue }
                logger.warning("node \(node.name) is gone (silent for \(liveness.window), or \(liveness.suspectFor) after its connection closed); requeueing \(node.running.count) task(s)")
                for attempt in node.running.keys { try retire(attempt, reason: "node \(node.name) stopped answering") }
                count {
                    $0.nodesLost += 1
                    $0.requeued += node.running.count
                }
                nodes[peer] = nil
            case .sendHeartbeats:
                for peer in nodes.keys { try? nodeSocket.send(WireMessage(command: FarmProtocol.heartbeat, body: EmptyBody()), to: peer) }
            case .orphanUnclaimed(let attempt):
                try retire(attempt, reason: "no node claimed it after a coordinator restart or take-over")
                count { $0.requeued += 1 }
            case .leaseExpired(let attempt, let seconds):
                try expireLease(attempt, seconds: seconds)
            }
        }
        sweep()
    }

    /// Jobs by id as dispatch sends them; refreshed when the lighting id is recorded. A job read
    /// back from the store may differ from the one submitted only in `submittedAt`'s fraction of a
    /// second, which the ISO 8601 of a TASK drops: the TASK is the same either way.
    private var jobs: [String: ShotJob] = [:]
    /// How many jobs `jobs` may hold before a submission no longer adds its job (dispatch reads
    /// the job from the store when its first task is ready, as for jobs another coordinator took).
    static let jobsKeptFromSubmission = 1024
    /// TASK messages, each job encoded once (TaskMessages.swift).
    private var taskMessages = TaskMessages()

    /// The store's part of the pass, in one transaction (`JobStore.pass`): records the results
    /// accepted in this pass (group commit: one commit, and on PostgreSQL one fsync, however many
    /// arrived together), chooses a node for as many ready tasks as there are free slots and
    /// leases them, fenced (refused unless this coordinator holds the store's active lease, so a
    /// coordinator that lost it without noticing cannot dispatch). Then does what follows each
    /// result and sends the TASKs of the leases the store granted: nothing is sent before its
    /// lease is committed. Tasks a result of this pass made ready compete for its free slots.
    /// While a TASK the last pass sent may still report within `gatherWindow`, the results are
    /// held and the pass waits for it (`gathering`).
    private func dispatch() throws {
        if case .until(let deadline) = gathering.decide(holding: pendingCompletions.count, now: .now) {
            gatherUntil = deadline
            return
        }
        gatherUntil = nil
        let pending = pendingCompletions
        pendingCompletions = []
        let free = TaskScheduler(candidates: nodes.values.filter { !$0.draining && !drained.contains($0.name) }.map {
            TaskScheduler.Candidate(peer: $0.peer, name: $0.name, freeSlots: $0.freeSlots, running: $0.running.count,
                                    generators: Set($0.generators.map(\.name)), shared: $0.storage == .shared)
        })
        var planned: [String: (task: StoredTask, job: ShotJob, peer: Data)] = [:]
        let pass = try store.pass(recording: pending.map { Completion(attempt: $0.attempt, outcome: $0.outcome) },
                                  readyLimit: free.isEmpty ? nil : max(16, free.freeSlots * 4),
                                  fence: (holder: leaseHolder, now: Date())) { ready, read in
            // Runs inside the store's transaction, maybe more than once: it changes only
            // `planned` (started afresh) and the jobs cache.
            planned = [:]
            var scheduler = free
            // The pass's jobs not in memory yet, read together (one round trip, not one per job).
            let unknown = Array(Set(ready.map(\.job)).subtracting(jobs.keys))
            if !unknown.isEmpty {
                for (id, stored) in try read(unknown) { jobs[id] = stored.job }
            }
            var requests: [LeaseRequest] = []
            for task in ready {
                guard let job = jobs[task.job] else { continue }
                let sequential = { if case .sequential = job.mode { return true } else { return false } }()
                guard let chosen = scheduler.choose(TaskScheduler.Demand(
                    generator: facts(of: job)?.generator ?? "", needsShared: TaskScheduler.needsShared(task.node.kind, sequential: sequential), failedOn: task.failedOn
                )) else { continue }
                let request = LeaseRequest(job: task.job, task: task.node.name, attempt: UUID().uuidString.lowercased(), worker: chosen.name)
                requests.append(request)
                planned[request.attempt] = (task, job, chosen.peer)
                scheduler.assigned(to: chosen.peer)
                if scheduler.isEmpty || requests.count == JobStore.maxLeaseBatch { break }
            }
            return requests
        }
        if !pending.isEmpty { afterRecording(pending, pass.recorded) }
        var sent: [String] = []
        defer { gathering.sent(sent, at: .now) }
        guard !pass.requests.isEmpty else { return }
        count { $0.dispatchPasses += 1 }
        for request in pass.requests where pass.leased.contains(request.attempt) {
            guard let (task, job, peer) = planned[request.attempt] else { continue }
            let attempt = request.attempt
            do {
                try nodeSocket.send(taskMessages.message(attempt: attempt, job: job, task: task.node), to: peer)
            } catch {
                try store.requeue(attempt: attempt, reason: "could not reach \(request.worker)")
                continue
            }
            count { $0.dispatched += 1 }
            sent.append(attempt)
            let lease = try lease(for: task) ?? NodeRecord.Lease(job: task.job, task: task.node, frames: 0)
            nodes[peer]?.running[attempt] = lease
            nodes[peer]?.dispatchedAt[attempt] = .now
            try startLeaseClock(attempt, task: task.node, job: task.job)
        }
    }

    // MARK: - Client requests

    private func drainClientSocket() throws {
        for _ in 0..<100 {
            guard let received = try nextMessage(clientSocket, rules: clientRules, from: "client") else { return }
            guard case .valid(let peer, let message) = received else { continue }
            guard admit() else {
                deliver(try passiveReply(request: Self.requestID(message)), to: peer)
                continue
            }
            if let reply = try answer(message, from: peer) { deliver(reply, to: peer) }
        }
    }

    /// The answer to a client request (from the socket or the action inbox), nil when it comes
    /// later (a SUBMIT being checked).
    private func answer(_ message: WireMessage, from peer: Data) throws -> WireMessage? {
        do {
            return try handleClient(message, from: peer)
        } catch let error as WireError {
            count { $0.dropped += 1 }
            // Echo the request id when the body has one, so the client can match the answer.
            return try WireMessage(command: FarmProtocol.error, body: ErrorReply(request: Self.requestID(message), code: "bad_input", message: error.description))
        } catch {
            // The request was fine but could not be carried out (its store write failed: the
            // disk full, the server gone): the client hears why instead of waiting out its
            // timeout, and the loop goes on with the next message.
            logger.warning("\(message.command) request not carried out: \(error)")
            return try WireMessage(command: FarmProtocol.error, body: ErrorReply(request: Self.requestID(message), code: "failure", message: "\(error)"))
        }
    }

    /// Sends a reply to a client, or hands it to the action waiting for it.
    private func deliver(_ reply: WireMessage, to peer: Data) {
        if !inbox.deliver(reply, to: peer) { try? clientSocket.send(reply, to: peer) }
    }

    /// The reply to a client request, or nil when it comes later (a SUBMIT being checked).
    private func handleClient(_ message: WireMessage, from peer: Data) throws -> WireMessage? {
        func ok(_ reply: ClientReply) throws -> WireMessage { try WireMessage(command: FarmProtocol.reply, body: reply) }
        func failure(_ request: String, _ code: String, _ text: String) throws -> WireMessage {
            try WireMessage(command: FarmProtocol.error, body: ErrorReply(request: request, code: code, message: text))
        }
        switch message.command {
        case FarmProtocol.submit:
            let body = try message.decodeBody(SubmitBody.self)
            let bytes = body.specText.utf8.count
            guard bytes <= SpecLimits.maxBytes else {
                return try failure(body.request, "bad_input", "\(SpecField.shown(body.specName)): is \(bytes) bytes; a spec may be at most \(SpecLimits.maxBytes) bytes (1 MiB)")
            }
            guard submitsInFlight < Self.maxSubmitsInFlight else {
                return try failure(body.request, "failure", "the coordinator is already checking \(Self.maxSubmitsInFlight) submissions; submit again in a moment")
            }
            submitsInFlight += 1
            let preparation = self.preparation, root = config.storageRoot.path
            submitQueue.async { [self] in
                let result = Result { () throws(TaskError) in try Self.prepare(body, preparation: preparation, storageRoot: root) }
                stateLock.lock()
                checkedSubmits.append(CheckedSubmit(peer: peer, body: body, result: result))
                stateLock.unlock()
                wake.signal()
            }
            return nil
        case FarmProtocol.status:
            let body = try message.decodeBody(TargetBody.self)
            // Read and answered off the loop (StatusReader), unless too many are out already.
            if statusReader.ask(body, from: peer) { return nil }
            return try statusReader.reply(body)
        case FarmProtocol.cancelJob:
            let body = try message.decodeBody(TargetBody.self)
            guard let job = body.job, try store.job(job) != nil else {
                return try failure(body.request, "bad_input", "no job '\(body.job ?? "")' on this coordinator")
            }
            let (cancelled, running) = try store.cancel(job: job)
            guard cancelled else { return try failure(body.request, "bad_input", "job \(job) has already finished") }
            try abandon(job: job, running: running)
            return try ok(ClientReply(request: body.request, job: job, message: "cancelled"))
        case FarmProtocol.setPriority:
            let body = try message.decodeBody(PriorityBody.self)
            if let problem = JobPriority.problem(body.priority) { return try failure(body.request, "bad_input", problem) }
            guard try store.job(body.job) != nil else { return try failure(body.request, "bad_input", "no job '\(body.job)' on this coordinator") }
            guard try store.setPriority(job: body.job, priority: body.priority) else { return try failure(body.request, "bad_input", "job \(body.job) has already finished") }
            return try ok(ClientReply(request: body.request, job: body.job, message: "priority \(body.priority)"))
        case FarmProtocol.nodes:
            let body = try message.decodeBody(TargetBody.self)
            return try ok(ClientReply(request: body.request, nodes: nodeStatuses()))
        case FarmProtocol.drainNode, FarmProtocol.resumeNode:
            let body = try message.decodeBody(TargetBody.self)
            guard let name = body.node, !name.isEmpty else { return try failure(body.request, "bad_input", "name a node") }
            let drain = message.command == FarmProtocol.drainNode
            // A name no node may take is a mistake, not a node to drain when it comes (resume
            // takes any name, so one stored before this check can still be lifted).
            if drain, !NodeName.isValid(name) {
                return try failure(body.request, "bad_input", "no node can be called '\(LogText.quoted(name, limit: 80))': a node's name is \(NodeName.rule)")
            }
            try store.setDrained(name, drain)
            if drain { drained.insert(name) } else { drained.remove(name) }
            let known = nodes.values.contains { $0.name == name }
            return try ok(ClientReply(request: body.request, message: "\(name) \(drain ? "drained: it finishes its tasks and takes no new ones" : "resumed")\(known ? "" : " (not connected now)")"))
        default:
            return try failure("", "bad_input", "unknown request \(message.command)")
        }
    }

    /// SUBMITs checked at once; more are refused rather than queued without bound.
    static let maxSubmitsInFlight = 16

    /// A SUBMIT after its off-loop check: the job to store, or why it was refused.
    private struct CheckedSubmit {
        let peer: Data
        let body: SubmitBody
        let result: Result<(spec: ShotSpec, job: ShotJob), TaskError>
    }

    /// Parses and checks a SUBMIT and reserves its version; runs on `submitQueue`.
    private static func prepare(_ body: SubmitBody, preparation: JobPreparation, storageRoot: String) throws(TaskError) -> (spec: ShotSpec, job: ShotJob) {
        let spec: ShotSpec
        do {
            spec = try ShotSpecLoader.parse(body.specText, baseDirectory: URL(fileURLWithPath: body.baseDirectory), name: body.specName)
        } catch {
            throw .spec(error)
        }
        var version: PlateVersion?
        if let text = body.plateVersion {
            guard let parsed = PlateVersion.parse(text) else {
                throw .spec(SpecError(path: "--plate-version", reason: "'\(SpecField.shown(text))' is not a version; use v001, v002, … or next"))
            }
            version = parsed
        }
        let job = try preparation.prepare(spec, rootOverride: storageRoot, versionOverride: version, overlap: body.overlap, owner: body.owner)
        do {
            _ = try job.layout(spec: spec).reserve(job: job.id, version: job.version)
        } catch {
            job.layout(spec: spec).discard(job: job.id)
            throw TaskError.from(error)
        }
        return (spec, job)
    }

    private func takeCheckedSubmits() -> [CheckedSubmit] {
        stateLock.lock()
        defer { stateLock.unlock() }
        let taken = checkedSubmits
        checkedSubmits = []
        return taken
    }

    /// How finely a job's chunks are split over nodes: only a deterministic generator in
    /// parallel mode renders any frame the same bits on any node, so only its chunks split.
    private func taskFrames(for job: ShotJob, generator: String) -> Int? {
        guard case .parallel = job.mode, (try? config.registry.generator(named: generator).capabilities.deterministic) == true else { return nil }
        if let frames = config.taskFrames { return frames > 0 ? frames : nil }
        let available = nodes.values.filter { !$0.draining && !drained.contains($0.name) }.count
        return TaskGraph.automaticTaskFrames(plan: job.plan, nodes: available)
    }

    /// Stores the jobs of checked SUBMITs and answers their clients.
    private func finishSubmits() throws {
        for checked in takeCheckedSubmits() {
            submitsInFlight -= 1
            // Stepped down while it was checked: the active coordinator stores it, not this one.
            guard isServing else {
                if case .success(let prepared) = checked.result { prepared.job.layout(spec: prepared.spec).discard(job: prepared.job.id) }
                deliver(try passiveReply(request: checked.body.request), to: checked.peer)
                continue
            }
            let request = checked.body.request
            let reply: WireMessage
            switch checked.result {
            case .success(let prepared):
                var job = prepared.job
                let spec = prepared.spec
                job.taskFrames = taskFrames(for: job, generator: spec.generator.name)
                do {
                    try store.insert(job, tasks: job.tasks)
                    // Dispatch then finds the job in memory instead of reading and decoding it in
                    // its pass (a round trip on PostgreSQL, and a fifth of the loop's time in
                    // `bench farm`); a deep queue is read as before, once the cache is this full.
                    if jobs.count < Self.jobsKeptFromSubmission { jobs[job.id] = job }
                    remember(job, spec: spec)
                    logger.info("job \(job.id) submitted: \(spec.show)/\(spec.shot) \(PlateVersion.label(job.version)), \(spec.frames.count) frames in \(job.plan.chunks.count) chunk(s)")
                    reply = try WireMessage(command: FarmProtocol.reply, body: ClientReply(request: request, job: job.id))
                } catch {
                    job.layout(spec: spec).discard(job: job.id)
                    let failure = TaskError.from(error)
                    reply = try WireMessage(command: FarmProtocol.error, body: ErrorReply(request: request, code: failure.isBadInput ? "bad_input" : "failure", message: failure.description))
                }
            case .failure(let error):
                reply = try WireMessage(command: FarmProtocol.error, body: ErrorReply(request: request, code: error.isBadInput ? "bad_input" : "failure", message: error.description))
            }
            deliver(reply, to: checked.peer)
        }
    }

    /// The `request` of a client body that did not decode as its command's type, or "".
    static func requestID(_ message: WireMessage) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: message.body) as? [String: Any],
              let request = object["request"] as? String, request.utf8.count <= 256 else { return "" }
        return request
    }

    private func nodeStatuses() -> [NodeStatus] {
        let now = ContinuousClock.now
        return nodes.values.sorted { $0.name < $1.name }.map { node in
            let state = node.draining ? "draining" : drained.contains(node.name) ? "drained" : node.running.isEmpty ? "idle" : "busy"
            let seen = now - node.lastSeen
            return NodeStatus(
                name: node.name, state: state, slots: node.slots, running: node.running.values.map(\.label).sorted(),
                generators: node.generators.map(\.name), storage: node.storage,
                lastSeenSecondsAgo: seen.seconds,
                tasksDone: node.tasksDone
            )
        }
    }

    // MARK: - Dashboard hooks (issue 13)

    /// Answers the actions queued by the HTTP server exactly as the same client requests.
    private func performActions() throws {
        for (peer, action) in inbox.take() {
            guard isServing else {
                deliver(try passiveReply(request: ActionInbox.request), to: peer)
                continue
            }
            guard let message = try action.message(request: ActionInbox.request, job: { try store.job($0)?.job }) else {
                deliver(try WireMessage(command: FarmProtocol.error, body: ErrorReply(request: ActionInbox.request, code: "bad_input", message: "no such job on this coordinator")), to: peer)
                continue
            }
            if let reply = try answer(message, from: peer) { deliver(reply, to: peer) }
        }
    }

    private func publishSnapshot() throws {
        var hardware: [String: (cores: Int, memoryBytes: UInt64)] = [:]
        for node in nodes.values { hardware[node.name] = (node.cores, node.memoryBytes) }
        try snapshots.publish(stats: stats, nodes: nodeStatuses(), hardware: hardware, drained: drained)
    }

    // MARK: - The pair (Binary Star) and the store's active lease

    /// Answer nodes and clients, dispatch and keep leases: only while the FSM lets this
    /// coordinator serve and it holds the job store's active lease.
    private var isServing: Bool { failover.serving(at: .now) }

    /// ERROR code of a client request refused by a coordinator that is not serving.
    static let passiveCode = "passive"
    static let passiveMessage = "this coordinator is passive (the other of its pair is active, or it is waiting for the job store's active lease); ask the next coordinator"

    /// The passive answer; while the store's lease cannot be claimed or renewed (its disk full,
    /// its server gone), it says so: alone, that is why no coordinator serves.
    private func passiveReply(request: String) throws -> WireMessage {
        let message = leaseTrouble.latestError.map { "this coordinator is not serving, because claiming the job store's active lease fails: \($0)" }
        return try WireMessage(command: FarmProtocol.error, body: ErrorReply(request: request, code: Self.passiveCode, message: message ?? Self.passiveMessage))
    }

    /// Failures of the store's lease and of the loop, retried several times a second: the
    /// first is logged, then one line a minute while they last, and (the lease) one when it
    /// works again. A turn of the loop that wrote nothing proves nothing, so the loop's streak
    /// ends only after a minute without a failure.
    private var leaseTrouble = FailureStreak()
    private var loopTrouble = FailureStreak()

    private func logged(_ line: FailureStreak.Line?, _ what: String) {
        switch line {
        case .started(let error)?:
            logger.error("\(what) failed (retrying; repeated once a minute while it lasts): \(error)")
        case .continuing(let failures, let lasting, let error)?:
            logger.error("\(what) still failing: \(failures) tries over \(Int(lasting.seconds)) s (retrying): \(error)")
        case .ended(let failures, let lasting)?:
            logger.notice("\(what) works again, after \(failures) failed tries over \(String(format: "%.1f", lasting.seconds)) s")
        case nil:
            break
        }
    }

    /// A node or client message is the guide's CLIENT_REQUEST: it may make a passive backup
    /// take over. Whether it is answered as the serving coordinator.
    private func admit() -> Bool {
        let now = ContinuousClock.now
        perform(failover.request(now: now))
        return failover.serving(at: now)
    }

    private func receivePeerStates() throws {
        guard let peerLink else { return }
        for body in try peerLink.received() { perform(failover.peer(body.state, now: .now)) }
    }

    /// Whether the last claim was refused, so "waiting for the lease" is logged once per wait.
    private var claimRefused = false

    /// Performs what the fail-over machine asked for.
    private func perform(_ actions: [FailoverMachine.Action]) {
        for action in actions {
            switch action {
            case .publish(let state):
                if let peerLink, let role = config.pair?.role { try? peerLink.publish(role: role, state: state) }
            case .claimLease:
                let started = ContinuousClock.now
                let ttl = failover.timing.leaseTTL
                var held: Bool?
                do {
                    held = try store.claimActive(holder: leaseHolder, now: Date(), ttl: ttl.seconds)
                    logged(leaseTrouble.succeeded(now: .now), "claiming or renewing the job store's active lease")
                } catch {
                    logged(leaseTrouble.failed("\(error)", now: .now), "claiming or renewing the job store's active lease")
                }
                if held == false, !claimRefused {
                    let holder = (try? store.activeHolder())?.holder ?? "?"
                    logger.notice("waiting: the job store's active lease is held by '\(LogText.quoted(holder))'")
                }
                if let held { claimRefused = !held }
                perform(failover.leaseAnswered(held, claimedAt: started))
            case .releaseLease:
                try? store.releaseActive(holder: leaseHolder)
            case .takeOver:
                do {
                    try takeOver()
                } catch {
                    logger.error("cannot take over the job store's leased tasks (retrying): \(error)")
                    try? store.releaseActive(holder: leaseHolder)
                    perform(failover.leaseAbandoned())
                }
            case .stepDown(let why):
                stepDown(why)
            case .log(let text):
                logger.notice("pair: \(text)")
            }
        }
    }

    /// Becomes the serving coordinator: the store's leased tasks (a previous coordinator's, or
    /// this one's before a restart) keep their lease for two node liveness windows (6 s), so a
    /// node that reconnects and lists the attempt as running keeps it; otherwise it is requeued.
    private func takeOver() throws {
        drained = try store.drainedNodes()
        let grace = ContinuousClock.now + liveness.window * 2
        for task in try store.leasedTasks() {
            guard let attempt = task.attempt else { continue }
            liveness.inherited(attempt, until: grace)
            // Inherited leases get a fresh clock: the store does not keep lease start times.
            try startLeaseClock(attempt, task: task.node, job: task.job)
        }
        // Finished jobs' folders may still be written by nodes stopped before the switch.
        let recent = Date().addingTimeInterval(-Double(Self.sweepFor.components.seconds))
        for job in try store.jobs(finishedSince: recent) { sweepLater(job) }
        logger.notice("active: serving nodes and clients as '\(leaseHolder)' (\(liveness.orphanCount) leased task(s) taken over)")
    }

    /// Stops serving: nodes are told PASSIVE (they move to the next coordinator, keeping their
    /// running attempts); everything this coordinator knew about them is forgotten, the store
    /// keeps the leases for whoever serves next.
    private func stepDown(_ why: String) {
        logger.warning("passive: \(why); nodes and clients are answered PASSIVE")
        for peer in nodes.keys { try? nodeSocket.send(WireMessage(command: FarmProtocol.passive, body: EmptyBody()), to: peer) }
        nodes = [:]
        liveness.reset(now: .now)
        jobs = [:]
        taskMessages = TaskMessages()
        jobFacts = [:]
        sweeps = [:]
    }
}
