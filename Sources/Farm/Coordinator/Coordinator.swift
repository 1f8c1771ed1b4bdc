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
}

/// The farm coordinator: a ROUTER for nodes, a ROUTER for clients, the job store, and the
/// scheduler, all driven by one event loop on one thread (sockets are single-threaded).
///
/// Paranoid Pirate heartbeating: both sides send HEARTBEAT every second; a node silent for three
/// seconds is dead and its leased tasks go back to the queue.
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

    private var nodes: [Data: NodeRecord] = [:]
    private var drained: Set<String>
    private var lastHeartbeat = ContinuousClock.now
    /// Leases recovered from the store at start-up, with the time their node must reappear by.
    private var orphanLeases: [String: ContinuousClock.Instant] = [:]

    private let stateLock = NSLock()
    private var _stats = CoordinatorStats()
    private var stopRequested = false
    /// The endpoints actually bound (with real ports when `:*` or port 0 was asked for).
    public let boundNodeEndpoint: String
    public let boundClientEndpoint: String

    public init(config: CoordinatorConfig, context: ZMQContext? = nil, logger: Logger = Logger(label: "scenefarm.coordinator")) throws {
        self.config = config
        self.logger = logger
        let context = try context ?? ZMQContext()
        self.context = context
        for endpoint in [config.nodeEndpoint, config.clientEndpoint] {
            try BindPolicy.check(endpoint: endpoint, secured: config.curve != nil, insecure: config.insecure)
        }
        store = try JobStore(directory: config.stateDirectory)
        drained = try store.drainedNodes()
        nodeRules = WireRules(commands: FarmProtocol.nodeCommands, maxMessageBytes: config.maxMessageBytes)
        clientRules = WireRules(commands: FarmProtocol.clientCommands, maxMessageBytes: 16 << 20)
        preparation = JobPreparation(registry: config.registry, ocioOverride: config.ocioOverride)

        nodeSocket = try ZMQSocket(context: context, kind: .router)
        clientSocket = try ZMQSocket(context: context, kind: .router)
        if let curve = config.curve {
            let authenticator = try ZAPAuthenticator(context: context, authorizedKeys: curve.authorized, logger: logger)
            self.authenticator = authenticator
            try nodeSocket.configureCurveServer(keyPair: curve.keyPair, authenticator: authenticator)
            try clientSocket.configureCurveServer(keyPair: curve.keyPair, authenticator: authenticator)
        } else {
            authenticator = nil
        }
        try nodeRules.configure(nodeSocket)
        try clientRules.configure(clientSocket)
        try nodeSocket.setRouterMandatory(true)
        try nodeSocket.setSendTimeout(.seconds(1))
        try clientSocket.setSendTimeout(.seconds(1))
        try nodeSocket.bind(config.nodeEndpoint)
        try clientSocket.bind(config.clientEndpoint)
        nodeMonitor = try nodeSocket.monitorDisconnects()
        boundNodeEndpoint = try nodeSocket.lastEndpoint()
        boundClientEndpoint = try clientSocket.lastEndpoint()

        // Tasks leased before a restart keep their lease for one liveness window: a node that
        // reconnects and lists the attempt as running keeps it; otherwise it is requeued.
        let grace = ContinuousClock.now + FarmProtocol.heartbeatInterval * FarmProtocol.liveness * 2
        for task in try store.leasedTasks() {
            if let attempt = task.attempt { orphanLeases[attempt] = grace }
        }
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
        logger.info("coordinator listening", metadata: ["nodes": "\(boundNodeEndpoint)", "clients": "\(boundClientEndpoint)", "storage": "\(config.storageRoot.path)"])
        let poller = ZMQPoller([nodeSocket, clientSocket, nodeMonitor])
        while !shouldStop {
            do {
                let ready = try poller.poll(timeout: .milliseconds(100))
                if ready.contains(0) { try drainNodeSocket() }
                if ready.contains(1) { try drainClientSocket() }
                if ready.contains(2) { try drainDisconnects() }
                try housekeeping()
                try dispatch()
            } catch {
                logger.error("coordinator loop: \(error)")
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
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

    private func drainNodeSocket() throws {
        // Bounded so a flood from one side cannot starve heartbeats and dispatch.
        for _ in 0..<1000 {
            guard let received = try nextMessage(nodeSocket, rules: nodeRules, from: "node") else { return }
            guard case .valid(let peer, let message) = received else { continue }
            let descriptor = nodeSocket.lastSourceDescriptor
            defer { if descriptor >= 0 { nodes[peer]?.descriptor = descriptor } }
            do {
                try handleNode(message, from: peer)
            } catch let error as WireError {
                count { $0.dropped += 1 }
                logger.warning("dropped \(message.command) from a node: \(error)")
            }
        }
    }

    private func handleNode(_ message: WireMessage, from peer: Data) throws {
        let now = ContinuousClock.now
        if message.command == FarmProtocol.ready {
            try register(try message.decodeBody(ReadyBody.self), peer: peer)
            return
        }
        // Results, files and failures are judged by their attempt id, even from a peer we do not
        // know yet (a node whose task finished while this coordinator was restarting).
        switch message.command {
        case FarmProtocol.file:
            let body = try message.decodeBody(FileBody.self)
            guard try holds(body.attempt, peer: peer) else {
                count { $0.staleIgnored += 1 }
                return
            }
            try receiveFile(body, payload: message.payload ?? Data(), node: nodes[peer]?.name ?? "a reconnecting node")
        case FarmProtocol.result:
            let body = try message.decodeBody(ResultBody.self)
            let held = try holds(body.attempt, peer: peer)
            nodes[peer]?.running.remove(body.attempt)
            nodes[peer]?.dispatchedAt[body.attempt] = nil
            guard held, let task = try store.complete(attempt: body.attempt, outcome: body.outcome) else {
                count { $0.staleIgnored += 1 }
                logger.notice("ignored a result for attempt \(body.attempt) that its sender does not hold")
                return
            }
            orphanLeases[body.attempt] = nil
            nodes[peer]?.tasksDone += 1
            count { $0.completed += 1 }
            try afterCompletion(task, outcome: body.outcome)
        case FarmProtocol.failed:
            let body = try message.decodeBody(FailedBody.self)
            let held = try holds(body.attempt, peer: peer)
            nodes[peer]?.running.remove(body.attempt)
            nodes[peer]?.dispatchedAt[body.attempt] = nil
            guard held, let (task, jobFailed) = try store.fail(attempt: body.attempt, error: body.error, retryable: body.retryable, maxAttempts: config.maxAttempts) else {
                count { $0.staleIgnored += 1 }
                return
            }
            orphanLeases[body.attempt] = nil
            logger.warning("\(task.job) \(task.node.name) failed on \(task.worker ?? "?"): \(body.error)")
            if jobFailed { try abandon(job: task.job) }
        default:
            break
        }
        guard var node = nodes[peer] else {
            // A node we do not know (we restarted, or declared it dead): ask it to introduce itself.
            if message.command != FarmProtocol.bye {
                try? nodeSocket.send(WireMessage(command: FarmProtocol.reconnect, body: EmptyBody()), to: peer)
            }
            return
        }
        node.lastSeen = now
        nodes[peer] = node
        switch message.command {
        case FarmProtocol.heartbeat:
            let body = try message.decodeBody(NodeHeartbeatBody.self)
            nodes[peer]?.draining = body.draining
            try reconcile(peer: peer, reported: Set(body.running))
        case FarmProtocol.progress:
            let body = try message.decodeBody(ProgressBody.self)
            guard node.running.contains(body.attempt) else { return }
            try store.setProgress(attempt: body.attempt, framesDone: body.framesDone)
        case FarmProtocol.file, FarmProtocol.result, FarmProtocol.failed:
            break // handled above
        case FarmProtocol.bye:
            logger.info("node \(node.name) left")
            for attempt in node.running { try store.requeue(attempt: attempt, reason: "node \(node.name) left") }
            nodes[peer] = nil
        default:
            count { $0.dropped += 1 }
        }
    }

    /// A lease the node does not report running, well after it was sent (a TASK lost in
    /// transit, or dropped by a node that restarted), goes back to the queue instead of
    /// waiting for ever.
    private func reconcile(peer: Data, reported: Set<String>) throws {
        guard let node = nodes[peer] else { return }
        let grace = FarmProtocol.heartbeatInterval * FarmProtocol.liveness
        for attempt in node.running where !reported.contains(attempt) {
            guard let sent = node.dispatchedAt[attempt], ContinuousClock.now - sent > grace else { continue }
            try store.requeue(attempt: attempt, reason: "node \(node.name) is not running it")
            nodes[peer]?.running.remove(attempt)
            nodes[peer]?.dispatchedAt[attempt] = nil
            count { $0.requeued += 1 }
            logger.warning("requeued attempt \(attempt): \(node.name) does not report it running")
        }
    }

    /// Whether `peer` may report on `attempt`: it runs it, or the store has it leased (to this
    /// node's name, or, when the peer has not introduced itself since a restart, leased before
    /// this coordinator started: the attempt id is the proof).
    private func holds(_ attempt: String, peer: Data) throws -> Bool {
        if let node = nodes[peer], node.running.contains(attempt) { return true }
        guard let task = try store.task(attempt: attempt), task.state == .leased else { return false }
        if let node = nodes[peer] { return task.worker == node.name }
        // Live attempt ids are no secret (`scenefarm nodes` lists them), so a stranger may only
        // report on leases this coordinator inherited and has not seen claimed.
        return orphanLeases[attempt] != nil
    }

    private func register(_ ready: ReadyBody, peer: Data) throws {
        // A reconnecting node keeps the attempts it still runs; anything else leased to its
        // name goes back to the queue.
        for (oldPeer, old) in nodes where old.name == ready.name && oldPeer != peer {
            for attempt in old.running where !ready.running.contains(attempt) {
                try store.requeue(attempt: attempt, reason: "node \(ready.name) reconnected without it")
            }
            nodes[oldPeer] = nil
        }
        var running = Set<String>()
        for attempt in ready.running {
            if let task = try store.task(attempt: attempt), task.state == .leased, task.worker == ready.name {
                running.insert(attempt)
                orphanLeases[attempt] = nil
            } else {
                try? nodeSocket.send(WireMessage(command: FarmProtocol.cancel, body: CancelBody(attempt: attempt)), to: peer)
            }
        }
        // A node answers every RECONNECT with READY, so after a restart several can arrive on one
        // connection; TASKs sent after the node wrote this READY are still on their way to it and
        // must stay its leases, or its RESULT would be ignored and the task never finish.
        let previous = nodes[peer].flatMap { $0.name == ready.name ? $0 : nil }
        running.formUnion(previous?.running ?? [])
        nodes[peer] = NodeRecord(
            peer: peer, name: ready.name, slots: max(1, ready.slots), generators: ready.generators, storage: ready.storage,
            lastSeen: .now, running: running, draining: ready.draining, tasksDone: previous?.tasksDone ?? 0
        )
        logger.info("node \(ready.name) ready: \(ready.slots) slot(s), \(ready.storage.rawValue) storage, generators \(ready.generators.map(\.name).joined(separator: ","))")
        try nodeSocket.send(WireMessage(command: FarmProtocol.welcome, body: WelcomeBody(
            heartbeatIntervalMS: Int(FarmProtocol.heartbeatInterval.components.seconds * 1000), liveness: FarmProtocol.liveness
        )), to: peer)
    }

    /// Writes a transfer-mode file under the storage root, atomically, refusing any path outside it.
    private func receiveFile(_ body: FileBody, payload: Data, node: String) throws {
        guard let url = StoragePath.resolve(body.path, under: config.storageRoot) else {
            count { $0.dropped += 1 }
            logger.warning("refused file '\(body.path)' from \(node): not a path inside the storage root")
            return
        }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp")
        try payload.write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw PlateError.io(path: url.path, message: "cannot move received file into place")
        }
    }

    private func afterCompletion(_ task: StoredTask, outcome: TaskOutcome) throws {
        switch task.node.kind {
        case .lighting:
            if let id = outcome.lightingID {
                try store.setLighting(job: task.job, id: id)
                jobs[task.job] = nil
            }
        case .publish:
            try store.finish(job: task.job, published: outcome.published, seamScores: outcome.seams?.seams.map(\.score))
            jobs[task.job] = nil
            logger.info("job \(task.job) published \(outcome.published ?? "")")
        case .generate, .blend:
            break
        }
    }

    /// Tells nodes to stop a failed or cancelled job's attempts and removes its staging area.
    private func abandon(job: String, running: [String] = []) throws {
        jobs[job] = nil
        for attempt in running {
            for (peer, node) in nodes where node.running.contains(attempt) {
                try? nodeSocket.send(WireMessage(command: FarmProtocol.cancel, body: CancelBody(attempt: attempt)), to: peer)
                nodes[peer]?.running.remove(attempt)
            }
        }
        if let stored = try store.job(job), let spec = try? stored.job.spec() {
            PlateLayout(root: config.storageRoot, show: spec.show, shot: spec.shot, plate: spec.output.plate).discard(job: job)
        }
    }

    /// A node whose connection closed is suspect: unless it speaks within 1.5 s (more than a
    /// heartbeat interval, so a live node that merely reconnected survives, even if its new
    /// connection reused the descriptor) it is dead, 1.5 s after the close instead of 3 s.
    private func drainDisconnects() throws {
        let suspectFor: Duration = .milliseconds(1500)
        let deadline = FarmProtocol.heartbeatInterval * FarmProtocol.liveness
        while let frames = try nodeMonitor.receive(timeout: .zero) {
            guard let descriptor = ZMQSocket.disconnectedDescriptor(frames), descriptor >= 0 else { continue }
            for (peer, node) in nodes where node.descriptor == descriptor {
                let suspect = ContinuousClock.now - (deadline - suspectFor)
                if node.lastSeen > suspect { nodes[peer]?.lastSeen = suspect }
                logger.notice("node \(node.name)'s connection closed; it has \(suspectFor) to speak")
            }
        }
    }

    // MARK: - Heartbeats, leases, dispatch

    private func housekeeping() throws {
        let now = ContinuousClock.now
        // Liveness is checked on every pass (≈100 ms), so a dead node's tasks move within
        // 3.1 s of its last message; heartbeats go out once a second.
        let deadline = FarmProtocol.heartbeatInterval * FarmProtocol.liveness
        let beat = now - lastHeartbeat >= FarmProtocol.heartbeatInterval
        if beat { lastHeartbeat = now }
        for (peer, node) in nodes {
            if now - node.lastSeen > deadline {
                logger.warning("node \(node.name) is gone (silent for \(deadline), or 1.5 s after its connection closed); requeueing \(node.running.count) task(s)")
                for attempt in node.running { try store.requeue(attempt: attempt, reason: "node \(node.name) stopped answering") }
                count {
                    $0.nodesLost += 1
                    $0.requeued += node.running.count
                }
                nodes[peer] = nil
                continue
            }
            if beat { try? nodeSocket.send(WireMessage(command: FarmProtocol.heartbeat, body: EmptyBody()), to: peer) }
        }
        for (attempt, deadline) in orphanLeases where now > deadline {
            try store.requeue(attempt: attempt, reason: "no node claimed it after a coordinator restart")
            orphanLeases[attempt] = nil
            count { $0.requeued += 1 }
        }
    }

    /// Show, shot and generator by job, so dispatch and status do not re-parse specs.
    private var names: [String: (show: String, shot: String, generator: String)] = [:]

    private func jobNames(_ job: ShotJob) -> (show: String, shot: String, generator: String) {
        if let cached = names[job.id] { return cached }
        let spec = try? job.spec()
        let entry = (spec?.show ?? "", spec?.shot ?? "", spec?.generator.name ?? "")
        names[job.id] = entry
        return entry
    }

    /// Jobs by id as dispatch sends them; refreshed when the lighting id is recorded.
    private var jobs: [String: ShotJob] = [:]

    private func cachedJob(_ id: String) throws -> ShotJob? {
        if let job = jobs[id] { return job }
        let job = try store.job(id)?.job
        jobs[id] = job
        return job
    }

    private func dispatch() throws {
        var candidates = nodes.values.filter { $0.freeSlots > 0 && !$0.draining && !drained.contains($0.name) }
        guard !candidates.isEmpty else { return }
        let slots = candidates.reduce(0) { $0 + $1.freeSlots }
        let ready = try store.readyTasks(limit: max(16, slots * 4))
        guard !ready.isEmpty else { return }
        for task in ready {
            guard let job = try cachedJob(task.job) else { continue }
            let generator = jobNames(job).generator
            let needsShared = task.node.kind == .blend || task.node.kind == .publish || task.node.kind == .lighting
                || { if case .sequential = job.mode { return true } else { return false } }()
            let eligible = candidates.indices.filter {
                candidates[$0].offers(generator) && (!needsShared || candidates[$0].storage == .shared)
            }
            guard !eligible.isEmpty else { continue }
            // Prefer a node this task has not failed on, then the least busy.
            let choice = eligible.min { a, b in
                let fa = task.failedOn.contains(candidates[a].name), fb = task.failedOn.contains(candidates[b].name)
                if fa != fb { return !fa }
                return candidates[a].running.count < candidates[b].running.count
            }!
            let attempt = UUID().uuidString.lowercased()
            guard try store.lease(job: task.job, task: task.node.name, attempt: attempt, worker: candidates[choice].name) else { continue }
            let body = TaskBody(attempt: attempt, job: job, task: task.node)
            do {
                try nodeSocket.send(WireMessage(command: FarmProtocol.task, body: body), to: candidates[choice].peer)
            } catch {
                try store.requeue(attempt: attempt, reason: "could not reach \(candidates[choice].name)")
                continue
            }
            count { $0.dispatched += 1 }
            candidates[choice].running.insert(attempt)
            nodes[candidates[choice].peer]?.running.insert(attempt)
            nodes[candidates[choice].peer]?.dispatchedAt[attempt] = .now
            if candidates[choice].freeSlots == 0 { candidates.remove(at: choice) }
            if candidates.isEmpty { return }
        }
    }

    // MARK: - Client requests

    private func drainClientSocket() throws {
        for _ in 0..<100 {
            guard let received = try nextMessage(clientSocket, rules: clientRules, from: "client") else { return }
            guard case .valid(let peer, let message) = received else { continue }
            let reply: WireMessage
            do {
                reply = try handleClient(message)
            } catch let error as WireError {
                count { $0.dropped += 1 }
                reply = try WireMessage(command: FarmProtocol.error, body: ErrorReply(request: "", code: "bad_input", message: error.description))
            }
            try? clientSocket.send(reply, to: peer)
        }
    }

    private func handleClient(_ message: WireMessage) throws -> WireMessage {
        func ok(_ reply: ClientReply) throws -> WireMessage { try WireMessage(command: FarmProtocol.reply, body: reply) }
        func failure(_ request: String, _ code: String, _ text: String) throws -> WireMessage {
            try WireMessage(command: FarmProtocol.error, body: ErrorReply(request: request, code: code, message: text))
        }
        switch message.command {
        case FarmProtocol.submit:
            let body = try message.decodeBody(SubmitBody.self)
            do {
                let job = try submit(body)
                return try ok(ClientReply(request: body.request, job: job))
            } catch let error as TaskError {
                return try failure(body.request, error.isBadInput ? "bad_input" : "failure", error.description)
            }
        case FarmProtocol.status:
            let body = try message.decodeBody(TargetBody.self)
            if let job = body.job, try store.job(job) == nil {
                return try failure(body.request, "bad_input", "no job '\(job)' on this coordinator")
            }
            let jobs = try body.job.map { [try store.job($0)].compactMap { $0 } } ?? store.jobs()
            return try ok(ClientReply(request: body.request, jobs: try jobs.map(status)))
        case FarmProtocol.cancelJob:
            let body = try message.decodeBody(TargetBody.self)
            guard let job = body.job, try store.job(job) != nil else {
                return try failure(body.request, "bad_input", "no job '\(body.job ?? "")' on this coordinator")
            }
            let (cancelled, running) = try store.cancel(job: job)
            guard cancelled else { return try failure(body.request, "bad_input", "job \(job) has already finished") }
            try abandon(job: job, running: running)
            return try ok(ClientReply(request: body.request, job: job, message: "cancelled"))
        case FarmProtocol.nodes:
            let body = try message.decodeBody(TargetBody.self)
            return try ok(ClientReply(request: body.request, nodes: nodeStatuses()))
        case FarmProtocol.drainNode, FarmProtocol.resumeNode:
            let body = try message.decodeBody(TargetBody.self)
            guard let name = body.node, !name.isEmpty else { return try failure(body.request, "bad_input", "name a node") }
            let drain = message.command == FarmProtocol.drainNode
            try store.setDrained(name, drain)
            if drain { drained.insert(name) } else { drained.remove(name) }
            let known = nodes.values.contains { $0.name == name }
            return try ok(ClientReply(request: body.request, message: "\(name) \(drain ? "drained: it finishes its tasks and takes no new ones" : "resumed")\(known ? "" : " (not connected now)")"))
        default:
            return try failure("", "bad_input", "unknown request \(message.command)")
        }
    }

    private func submit(_ body: SubmitBody) throws(TaskError) -> String {
        let spec: ShotSpec
        do {
            spec = try ShotSpecLoader.parse(body.specText, baseDirectory: URL(fileURLWithPath: body.baseDirectory), name: body.specName)
        } catch {
            throw .spec(error)
        }
        var version: PlateVersion?
        if let text = body.plateVersion {
            guard let parsed = PlateVersion.parse(text) else {
                throw .spec(SpecError(path: "--plate-version", reason: "'\(text)' is not a version; use v001, v002, … or next"))
            }
            version = parsed
        }
        let job = try preparation.prepare(spec, rootOverride: config.storageRoot.path, versionOverride: version, overlap: body.overlap, owner: body.owner)
        do {
            _ = try job.layout(spec: spec).reserve(job: job.id, version: job.version)
            try store.insert(job, tasks: TaskGraph.build(plan: job.plan, mode: job.mode))
        } catch {
            job.layout(spec: spec).discard(job: job.id)
            throw TaskError.from(error)
        }
        logger.info("job \(job.id) submitted: \(spec.show)/\(spec.shot) \(PlateVersion.label(job.version)), \(spec.frames.count) frames in \(job.plan.chunks.count) chunk(s)")
        return job.id
    }

    private func status(_ stored: StoredJob) throws -> JobStatus {
        let progress = try store.progress(job: stored.job.id)
        let total = stored.job.plan.frames.count
        var eta: Double?
        if let started = stored.startedAt, progress.framesDone > 0, !stored.state.isFinal {
            let rate = Double(progress.framesDone) / max(0.001, Date().timeIntervalSince(started))
            eta = Double(total - progress.framesDone) / rate
        }
        let names = jobNames(stored.job)
        return JobStatus(
            job: stored.job.id, show: names.show, shot: names.shot, state: stored.state,
            version: PlateVersion.label(stored.job.version), framesDone: min(progress.framesDone, total), framesTotal: total,
            chunksDone: progress.chunksDone, chunks: stored.job.plan.chunks.count, tasksRunning: progress.running, nodes: progress.workers,
            etaSeconds: eta, error: stored.error, published: stored.published, seamScores: stored.seamScores,
            submittedAt: stored.job.submittedAt
        )
    }

    private func nodeStatuses() -> [NodeStatus] {
        let now = ContinuousClock.now
        return nodes.values.sorted { $0.name < $1.name }.map { node in
            let state = node.draining ? "draining" : drained.contains(node.name) ? "drained" : node.running.isEmpty ? "idle" : "busy"
            let seen = now - node.lastSeen
            return NodeStatus(
                name: node.name, state: state, slots: node.slots, running: node.running.sorted(),
                generators: node.generators.map(\.name), storage: node.storage,
                lastSeenSecondsAgo: Double(seen.components.seconds) + Double(seen.components.attoseconds) / 1e18,
                tasksDone: node.tasksDone
            )
        }
    }
}
