import Foundation
import Inference
import Logging

/// A farm node: a DEALER connected to the coordinator, running tasks on worker threads.
///
/// One loop thread owns the socket. Workers hand their progress and results to it through
/// `outbox`. Heartbeats go out every second; if the coordinator is silent for three, the node
/// closes the socket and reconnects with exponential back-off, re-sending READY with the
/// attempts it is still running so their leases survive (the Paranoid Pirate pattern).
public final class FarmNode: @unchecked Sendable {
    // Socket state is confined to the loop thread; `lock` guards the rest.
    private let config: NodeConfig
    private let context: ZMQContext
    private let rules = WireRules(commands: FarmProtocol.coordinatorCommands)
    private let executor: TaskExecutor
    private let logger: Logger

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
        executor = TaskExecutor(registry: config.registry, nodeName: config.name)
        try FileManager.default.createDirectory(at: config.scratch, withIntermediateDirectories: true)
    }

    /// Stop taking tasks, finish the running ones, say BYE and return from `run` (SIGTERM).
    public func drain() {
        lock.lock()
        draining = true
        lock.unlock()
    }

    /// Leave at once, abandoning running tasks (the coordinator requeues them).
    public func stop() {
        lock.lock()
        stopNow = true
        for flag in running.values { flag.cancel() }
        lock.unlock()
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

    /// Connects and serves until drained or stopped.
    public func run() {
        var backoff = config.reconnectInitial
        while true {
            let (finished, heard) = session()
            if finished { return }
            if heard { backoff = config.reconnectInitial }
            logger.warning("coordinator \(config.coordinator) not answering; reconnecting in \(backoff)")
            let until = ContinuousClock.now + backoff
            while ContinuousClock.now < until {
                if state.stop { return }
                Thread.sleep(forTimeInterval: 0.05)
            }
            backoff = min(backoff * 2, config.reconnectMax)
        }
    }

    private var state: (draining: Bool, stop: Bool, running: [String]) {
        lock.lock()
        defer { lock.unlock() }
        return (draining, stopNow, running.keys.sorted())
    }

    /// One connection. Returns (finished, heardFromCoordinator).
    private func session() -> (Bool, Bool) {
        let socket: ZMQSocket
        do {
            socket = try ZMQSocket(context: context, kind: .dealer)
            try socket.setRoutingID(Data("\(config.name)-\(UUID().uuidString.prefix(8))".utf8))
            try rules.configure(socket)
            try socket.setSendTimeout(.seconds(5))
            if let curve = config.curve {
                try socket.configureCurveClient(keyPair: curve.keyPair, serverPublicKey: curve.serverPublicKey)
            }
            try socket.connect(config.coordinator)
            try introduce(on: socket)
        } catch {
            logger.error("cannot connect to \(config.coordinator): \(error)")
            return (state.stop, false)
        }
        var lastHeard = ContinuousClock.now
        var lastSent = ContinuousClock.now
        var heard = false
        // When the READY not yet answered by WELCOME went out: RECONNECTs arriving meanwhile
        // answer messages sent before it, so they are coalesced into that one READY.
        var readySent: ContinuousClock.Instant? = .now
        let deadline = FarmProtocol.heartbeatInterval * FarmProtocol.liveness
        while true {
            let (isDraining, stop, active) = state
            if stop { return (true, heard) }
            do {
                for message in takeOutbox() { try socket.send(message) }
                if isDraining, active.isEmpty {
                    try socket.send(WireMessage(command: FarmProtocol.bye, body: EmptyBody()))
                    logger.info("drained: finished every task, left the farm")
                    Thread.sleep(forTimeInterval: 0.2)
                    return (true, heard)
                }
                if ContinuousClock.now - lastSent >= FarmProtocol.heartbeatInterval {
                    try socket.send(WireMessage(command: FarmProtocol.heartbeat, body: NodeHeartbeatBody(running: active, draining: isDraining)))
                    lastSent = .now
                }
                let message: WireMessage?
                do {
                    // Short waits while tasks run, so finished work goes out promptly.
                    message = try socket.receiveMessage(rules: rules, timeout: .milliseconds(active.isEmpty ? 50 : 5))
                } catch let error as WireError {
                    logger.warning("dropped a malformed coordinator message: \(error)")
                    continue
                }
                if let message {
                    lastHeard = .now
                    heard = true
                    try handle(message, socket: socket, readySent: &readySent)
                } else if ContinuousClock.now - lastHeard > deadline {
                    return (false, heard)
                }
            } catch {
                logger.error("node connection: \(error)")
                return (false, heard)
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

    private func handle(_ message: WireMessage, socket: ZMQSocket, readySent: inout ContinuousClock.Instant?) throws {
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
            if let sent = readySent, ContinuousClock.now - sent < FarmProtocol.heartbeatInterval * FarmProtocol.liveness { return }
            try introduce(on: socket)
            readySent = .now
        case FarmProtocol.welcome:
            readySent = nil
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
