import Foundation
import Inference
import Logging

/// A farm node: a DEALER connected to the coordinator, running tasks on worker threads.
///
/// One loop thread owns the socket. Workers hand their progress and results to it through
/// `outbox`; a result wakes the loop through `wake` (an inproc pipe it polls beside the socket)
/// and leaves at once, progress goes out with the next wake-up, at most 5 ms later while tasks
/// run. With none running the loop sleeps until the coordinator speaks, its next heartbeat is
/// due, or a result, `drain` or `stop` wakes it.
///
/// Results leave at once because the coordinator holds the results it has for a few
/// milliseconds, waiting for those of the tasks it just sent, to record them in one pass
/// (`ResultGathering`): a result held here for up to 5 ms would miss that pass.
///
/// Heartbeats go out at the interval WELCOME gives (0.5 s); if the coordinator is silent for its
/// liveness window (2 s), the node closes the socket and reconnects with exponential back-off,
/// re-sending READY with the attempts it is still running so their leases survive (the Paranoid
/// Pirate pattern).
///
/// Given a pair's endpoints, it moves to the next one when the coordinator is silent for that
/// window, answers PASSIVE, closes the connection or refuses it (the client side of Binary
/// Star); it backs off only after a round in which no endpoint answered at all. A PASSIVE answer
/// right after the other coordinator went silent is a take-over under way: the node asks that
/// one again for a while instead of going back to the silent one.
public final class FarmNode: @unchecked Sendable {
    // Socket state is confined to the loop thread; `lock` guards the rest.
    private let config: NodeConfig
    private let context: ZMQContext
    private let rules = WireRules(commands: FarmProtocol.coordinatorCommands)
    private let executor: TaskExecutor
    private let logger: Logger

    /// Wakes the loop thread's poll: a drain or stop asked for.
    private let wake: WakeSignal

    private let lock = NSLock()
    private var running: [String: CancellationFlag] = [:]
    private var outbox: [WireMessage] = []
    private var draining = false
    private var stopNow = false
    private var _tasksDone = 0
    /// The last results and failures sent: repeated after every reconnect, because one sent
    /// while the coordinator was down is lost with the old socket. The coordinator ignores
    /// repeats of attempts it already closed.
    private var recentReports: [WireMessage] = []

    public init(config: NodeConfig, context: ZMQContext? = nil, logger: Logger = Logger(label: "scenefarm.node")) throws {
        self.config = config
        self.context = try context ?? ZMQContext()
        self.logger = logger
        wake = try WakeSignal(context: self.context)
        executor = TaskExecutor(registry: config.registry, nodeName: config.name)
        try FileManager.default.createDirectory(at: config.scratch, withIntermediateDirectories: true)
    }

    /// Stop taking tasks, finish the running ones, say BYE and return from `run` (SIGTERM).
    public func drain() {
        lock.lock()
        draining = true
        lock.unlock()
        wake.signal()
    }

    /// Leave at once, abandoning running tasks (the coordinator requeues them).
    public func stop() {
        lock.lock()
        stopNow = true
        for flag in running.values { flag.cancel() }
        lock.unlock()
        wake.signal()
    }

    public var name: String { config.name }

    public var tasksDone: Int {
        lock.lock()
        defer { lock.unlock() }
        return _tasksDone
    }

    /// Runs on a new thread; returns it.
    @discardableResult
    public func start() -> Thread {
        let thread = Thread { [self] in run() }
        thread.name = "scenefarm-node"
        thread.start()
        return thread
    }

    /// How a connection to one coordinator ended.
    enum SessionEnd: Equatable {
        /// Drained or stopped: leave.
        case finished
        /// Silent for the liveness window, or its connection closed; `heard`: it had answered.
        case lost(heard: Bool)
        /// It answered PASSIVE: it is alive but not the one serving.
        case passive
        /// The connection was refused (pairs only): nothing listens there now.
        case refused
    }

    /// How often the loop sends what running tasks posted (results, progress, files).
    static let flushEvery: Duration = .milliseconds(5)

    /// A pair in transition answers PASSIVE for a second or two: try again this soon.
    static let passiveRetry: Duration = .milliseconds(250)
    /// How long a node keeps asking a coordinator that answered PASSIVE just after the other went
    /// silent: the backup serves once the silent one's store lease (2 s) has run out. Going back
    /// to a frozen coordinator instead would cost a whole liveness window (it accepts the
    /// connection and never answers). Longer than the lease, so a real take-over is never missed;
    /// short, so a node that lost a live primary by a network blip goes back to it soon.
    static let takeOverPatience: Duration = .seconds(3)

    /// Connects and serves until drained or stopped.
    public func run() {
        let endpoints = config.coordinators.isEmpty ? [config.coordinator] : config.coordinators
        var backoff = config.reconnectInitial
        var index = 0
        // This round through the endpoints: how many were tried, and whether any was alive.
        var tried = 0
        var aliveThisRound = false
        // Whether the last coordinator tried went silent or refused, and since when the one after
        // it has been answering PASSIVE (a take-over under way).
        var lastWentSilent = false
        var passiveSince: ContinuousClock.Instant?
        while true {
            let endpoint = endpoints[index]
            let end = session(endpoint, pair: endpoints.count > 1)
            if end == .finished { return }
            if end == .passive, lastWentSilent || passiveSince != nil {
                let since = passiveSince ?? .now
                if ContinuousClock.now - since < Self.takeOverPatience {
                    if passiveSince == nil { logger.notice("coordinator \(endpoint) is passive, the other silent: asking it again while it takes over") }
                    passiveSince = since
                    if !pause(Self.passiveRetry) { return }
                    continue
                }
            }
            passiveSince = nil
            lastWentSilent = end != .passive
            if end == .lost(heard: true) { backoff = config.reconnectInitial }
            if end == .passive || end == .lost(heard: true) { aliveThisRound = true }
            tried += 1
            index = (index + 1) % endpoints.count
            if tried < endpoints.count {
                logger.warning("coordinator \(endpoint) \(Self.describe(end)); trying \(endpoints[index])")
                continue
            }
            let wait = aliveThisRound ? Self.passiveRetry : backoff
            logger.warning("coordinator \(endpoint) \(Self.describe(end)); reconnecting\(endpoints.count > 1 ? " to \(endpoints[index])" : "") in \(wait)")
            tried = 0
            aliveThisRound = false
            if !pause(wait) { return }
            if wait == backoff { backoff = min(backoff * 2, config.reconnectMax) }
        }
    }

    /// Sleeps `duration` in short steps; false when the node was stopped meanwhile.
    private func pause(_ duration: Duration) -> Bool {
        let until = ContinuousClock.now + duration
        while ContinuousClock.now < until {
            if state.stop { return false }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return true
    }

    private static func describe(_ end: SessionEnd) -> String {
        switch end {
        case .finished: return "left"
        case .lost: return "not answering"
        case .passive: return "is passive"
        case .refused: return "refused the connection"
        }
    }

    private var state: (draining: Bool, stop: Bool, running: [String]) {
        lock.lock()
        defer { lock.unlock() }
        return (draining, stopNow, running.keys.sorted())
    }

    /// One connection to `endpoint`. With `pair` (several endpoints) a refused or closed
    /// connection ends it at once, so the node reaches the other coordinator quickly.
    private func session(_ endpoint: String, pair: Bool) -> SessionEnd {
        let socket: ZMQSocket
        do {
            socket = try ZMQSocket(context: context, kind: .dealer)
        } catch {
            logger.error("cannot open a socket for \(endpoint): \(error)")
            return state.stop ? .finished : .lost(heard: false)
        }
        var monitor: ZMQSocket?
        // Not one event may reach a closed monitor (see `ZMQSocket.stopMonitoring`).
        // (`poller` holds it too, and goes first.)
        var poller: ZMQPoller?
        defer {
            poller = nil
            if monitor != nil { socket.stopMonitoring() }
            monitor = nil
        }
        do {
            try socket.setRoutingID(Data("\(config.name)-\(UUID().uuidString.prefix(8))".utf8))
            try rules.configure(socket)
            try socket.setSendTimeout(.seconds(5))
            if let curve = config.curve {
                try socket.configureCurveClient(keyPair: curve.keyPair, serverPublicKey: curve.serverPublicKey)
            }
            if pair { monitor = try socket.monitorConnections() }
            try socket.connect(endpoint)
            try introduce(on: socket)
            poller = ZMQPoller([socket, wake.receiver] + (monitor.map { [$0] } ?? []))
        } catch {
            logger.error("cannot connect to \(endpoint): \(error)")
            return state.stop ? .finished : .lost(heard: false)
        }
        var connected = false
        var lastHeard = ContinuousClock.now
        var lastSent = ContinuousClock.now
        var heard = false
        // When the READY not yet answered by WELCOME went out: RECONNECTs arriving meanwhile
        // answer messages sent before it, so they are coalesced into that one READY.
        var readySent: ContinuousClock.Instant? = .now
        // The protocol's timing until WELCOME says the coordinator's own.
        var timing = HeartbeatTiming.defaults
        // Since when this connection's READYs have gone unanswered by WELCOME, and whether that
        // was said: a coordinator refuses a READY without answering it (protocol §4).
        var unwelcomedSince: ContinuousClock.Instant? = .now
        var toldUnwelcomed = false
        while true {
            let (isDraining, stop, active) = state
            if stop { return .finished }
            do {
                while let monitor, let frames = try monitor.receive(timeout: .zero) {
                    switch ZMQSocket.connectionEvent(frames) {
                    case .connected: connected = true
                    case .connectRetried where !connected: return .refused
                    case .disconnected: return .lost(heard: heard)
                    default: break
                    }
                }
                for message in takeOutbox() { try socket.send(message) }
                if isDraining, active.isEmpty {
                    try socket.send(WireMessage(command: FarmProtocol.bye, body: EmptyBody()))
                    logger.info("drained: finished every task, left the farm")
                    Thread.sleep(forTimeInterval: 0.2)
                    return .finished
                }
                if ContinuousClock.now - lastSent >= timing.interval {
                    try socket.send(WireMessage(command: FarmProtocol.heartbeat, body: NodeHeartbeatBody(running: active, draining: isDraining)))
                    lastSent = .now
                }
                let message: WireMessage?
                do {
                    // Until the coordinator speaks, drain/stop wakes the loop (`wake`), a monitor
                    // event arrives, or the next heartbeat or liveness check is due; while tasks
                    // run, at most `flushEvery`, so their results go out in small batches.
                    let now = ContinuousClock.now
                    let due = min(lastSent + timing.interval, lastHeard + timing.window + .milliseconds(1))
                    let wait = max(.zero, due - now)
                    let ready = try poller?.poll(timeout: active.isEmpty ? wait : min(wait, Self.flushEvery)) ?? []
                    if ready.contains(1) { wake.consume() }
                    message = ready.contains(0) ? try socket.receiveMessage(rules: rules, timeout: .zero) : nil
                } catch let error as WireError {
                    logger.warning("dropped a malformed coordinator message: \(error)")
                    continue
                }
                if let message {
                    if message.command == FarmProtocol.passive { return .passive }
                    lastHeard = .now
                    heard = true
                    try handle(message, socket: socket, readySent: &readySent, timing: &timing)
                    if readySent == nil {
                        unwelcomedSince = nil
                        toldUnwelcomed = false
                    } else if unwelcomedSince == nil {
                        unwelcomedSince = .now
                    } else if let since = unwelcomedSince, !toldUnwelcomed, ContinuousClock.now - since > timing.window * 3 {
                        toldUnwelcomed = true
                        logger.warning("coordinator \(endpoint) has answered for \(Int((ContinuousClock.now - since).seconds)) s without accepting this node as '\(LogText.quoted(config.name))': it refuses a node while another node of the same name is connected (names must be unique on the farm), or a name or key it does not accept; its log says which")
                    }
                } else if ContinuousClock.now - lastHeard > timing.window {
                    return .lost(heard: heard)
                }
            } catch {
                logger.error("node connection: \(error)")
                return .lost(heard: heard)
            }
        }
    }

    private func readyMessage() throws -> WireMessage {
        let (isDraining, _, active) = state
        return try WireMessage(command: FarmProtocol.ready, body: ReadyBody(
            name: config.name, slots: config.slots, cores: ProcessInfo.processInfo.activeProcessorCount,
            memoryBytes: ProcessInfo.processInfo.physicalMemory, generators: config.registry.capabilities,
            storage: config.storageRoot == nil ? .transfer : .shared, running: active, draining: isDraining,
            softwareVersion: SceneFarmVersion.current
        ))
    }

    /// READY, then the recent results and failures again: one sent while the coordinator was
    /// restarting was lost, and it takes a repeat only from a node that has introduced itself.
    private func introduce(on socket: ZMQSocket) throws {
        try socket.send(try readyMessage())
        for report in reportsToRepeat() { try socket.send(report) }
    }

    private func handle(_ message: WireMessage, socket: ZMQSocket, readySent: inout ContinuousClock.Instant?,
                        timing: inout HeartbeatTiming) throws {
        switch message.command {
        case FarmProtocol.task:
            let body = try message.decodeBody(TaskBody.self)
            begin(body)
        case FarmProtocol.cancel:
            let body = try message.decodeBody(CancelBody.self)
            lock.lock()
            running[body.attempt]?.cancel()
            lock.unlock()
        case FarmProtocol.drain:
            drain()
        case FarmProtocol.reconnect:
            // A restarted coordinator answers every message the node sent before its READY with
            // RECONNECT; one READY answers them all. Unanswered for a liveness window, try again.
            if let sent = readySent, ContinuousClock.now - sent < timing.window { return }
            try introduce(on: socket)
            readySent = .now
        case FarmProtocol.welcome:
            readySent = nil
            // A WELCOME without readable timing still welcomes: keep the protocol's defaults.
            if let body = try? message.decodeBody(WelcomeBody.self) { timing = body.timing } else { logger.warning("WELCOME without a readable heartbeat timing; keeping \(HeartbeatTiming.defaults)") }
        default:
            break // HEARTBEAT only proves the coordinator is alive.
        }
    }

    private func reportsToRepeat() -> [WireMessage] {
        lock.lock()
        defer { lock.unlock() }
        return recentReports
    }

    private func takeOutbox() -> [WireMessage] {
        lock.lock()
        defer { lock.unlock() }
        let messages = outbox
        outbox.removeAll()
        return messages
    }

    private func post(_ message: WireMessage) {
        lock.lock()
        outbox.append(message)
        lock.unlock()
    }

    private func begin(_ body: TaskBody) {
        let flag = CancellationFlag()
        lock.lock()
        running[body.attempt] = flag
        lock.unlock()
        let thread = Thread { [self] in execute(body, cancellation: flag) }
        thread.name = "scenefarm-task"
        thread.start()
    }

    private func execute(_ body: TaskBody, cancellation: CancellationFlag) {
        let root = config.storageRoot ?? config.scratch.appendingPathComponent(body.attempt)
        let attempt = body.attempt
        let reply: WireMessage?
        do {
            let outcome: TaskOutcome
            if let handler = config.taskHandler {
                outcome = try handler(body)
            } else {
                outcome = try executor.run(job: body.job, task: body.task, attempt: attempt, root: root, cancellation: cancellation) { [weak self] done in
                    guard let self, let message = try? WireMessage(command: FarmProtocol.progress, body: ProgressBody(attempt: attempt, framesDone: done)) else { return }
                    self.post(message)
                }
            }
            if config.storageRoot == nil { try sendFiles(outcome.files, from: root, attempt: attempt) }
            reply = try WireMessage(command: FarmProtocol.result, body: ResultBody(attempt: attempt, outcome: outcome))
            lock.lock()
            _tasksDone += 1
            lock.unlock()
        } catch TaskError.cancelled {
            reply = nil
        } catch {
            let taskError = TaskError.from(error)
            logger.error("\(body.job.id) \(body.task.name) failed: \(taskError)")
            reply = try? WireMessage(command: FarmProtocol.failed, body: FailedBody(attempt: attempt, error: taskError.description, retryable: !taskError.isBadInput))
        }
        if config.storageRoot == nil { try? FileManager.default.removeItem(at: root) }
        lock.lock()
        if let reply {
            outbox.append(reply)
            recentReports.append(reply)
            if recentReports.count > 64 { recentReports.removeFirst(recentReports.count - 64) }
        }
        running[attempt] = nil
        lock.unlock()
        if reply != nil { wake.signal() }
    }

    /// Transfer mode: every file the task wrote goes to the coordinator before the result.
    private func sendFiles(_ files: [String], from root: URL, attempt: String) throws {
        for path in files {
            let data = try Data(contentsOf: root.appendingPathComponent(path))
            post(try WireMessage(command: FarmProtocol.file, body: FileBody(attempt: attempt, path: path), payload: data))
        }
    }
}

/// The software version nodes report in READY.
public enum SceneFarmVersion {
    public static let current = "0.1.0"
}
