import Foundation

/// Why a client request failed: the coordinator's answer, or no answer.
public enum ClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The coordinator refused the request; `badInput` maps to exit code 2.
    case refused(message: String, badInput: Bool)
    case noAnswer(endpoint: String, after: Duration)
    case transport(String)

    public var description: String {
        switch self {
        case .refused(let message, _): return message
        case .noAnswer(let endpoint, let after): return "no answer from the coordinator at \(endpoint) within \(after); is it running?"
        case .transport(let message): return message
        }
    }
}

/// Talks to a coordinator's client endpoint: submit, status, cancel, nodes, drain, resume.
/// One request at a time; create one per thread.
///
/// `endpoint` may list a pair's endpoints, comma-separated: a request answered PASSIVE, refused
/// by a dead endpoint, or (when repeating it is harmless) unanswered for the liveness window goes
/// to the next one, as the client side of the guide's Binary Star does (a lazy pirate that
/// switches server).
public final class FarmClient {
    public let endpoint: String
    private let endpoints: [String]
    private var current = 0
    private let context: ZMQContext
    private let curve: (keyPair: CurveKeyPair, serverPublicKey: String)?
    private var socket: ZMQSocket
    /// Connection events of `socket`, with several endpoints only.
    private var monitor: ZMQSocket?
    private let rules = WireRules(commands: FarmProtocol.clientReplies, maxMessageBytes: 64 << 20)
    private let timeout: Duration

    public init(endpoint: String, context: ZMQContext? = nil, curve: (keyPair: CurveKeyPair, serverPublicKey: String)? = nil, timeout: Duration = .seconds(10)) throws {
        self.endpoint = endpoint
        let list = CoordinatorEndpoints.split(endpoint)
        endpoints = list.isEmpty ? [endpoint] : list
        self.timeout = timeout
        self.context = try context ?? ZMQContext()
        self.curve = curve
        (socket, monitor) = try Self.open(endpoints[0], context: self.context, curve: curve, rules: rules, watch: endpoints.count > 1)
    }

    private static func open(_ endpoint: String, context: ZMQContext, curve: (keyPair: CurveKeyPair, serverPublicKey: String)?, rules: WireRules, watch: Bool) throws -> (ZMQSocket, ZMQSocket?) {
        let socket = try ZMQSocket(context: context, kind: .dealer)
        try rules.configure(socket)
        // A DEALER whose connection was refused by CURVE/ZAP has no pipe, and a send would wait
        // for one for ever (seen: `status` without keys hanging against a keyed coordinator).
        try socket.setSendTimeout(.seconds(1))
        if let curve { try socket.configureCurveClient(keyPair: curve.keyPair, serverPublicKey: curve.serverPublicKey) }
        let monitor = watch ? try socket.monitorConnections() : nil
        try socket.connect(endpoint)
        return (socket, monitor)
    }

    deinit {
        // Before the monitor's PAIR closes (see `ZMQSocket.stopMonitoring`).
        if monitor != nil { socket.stopMonitoring() }
    }

    /// The endpoint requests go to now.
    public var currentEndpoint: String { endpoints[current] }

    /// Closes this connection and opens one to the next endpoint.
    private func switchEndpoint() throws {
        current = (current + 1) % endpoints.count
        if monitor != nil { socket.stopMonitoring() }
        monitor = nil
        (socket, monitor) = try Self.open(endpoints[current], context: context, curve: curve, rules: rules, watch: endpoints.count > 1)
    }

    /// Submits a spec file's text; returns the job id.
    public func submit(specText: String, specName: String, baseDirectory: String, plateVersion: String? = nil, overlap: Int? = nil,
                       owner: String = ProcessInfo.processInfo.environment["USER"] ?? "scenefarm") throws -> String {
        let request = UUID().uuidString
        // Not repeated after a silence: the coordinator may have stored the job before it died.
        let reply = try call(FarmProtocol.submit, SubmitBody(
            request: request, specText: specText, specName: specName, baseDirectory: baseDirectory,
            plateVersion: plateVersion, overlap: overlap, owner: owner
        ), request: request, repeatable: false)
        guard let job = reply.job else { throw ClientError.transport("the coordinator accepted the job but sent no id") }
        return job
    }

    /// One job's status, or (`job` nil) every active job and the `finished` final ones submitted
    /// last (nil: the coordinator's default, `TargetBody.defaultFinishedListed`).
    public func status(job: String? = nil, finished: Int? = nil) throws -> [JobStatus] {
        let request = UUID().uuidString
        return try call(FarmProtocol.status, TargetBody(request: request, job: job, finished: finished), request: request).jobs ?? []
    }

    public func cancel(job: String) throws {
        let request = UUID().uuidString
        _ = try call(FarmProtocol.cancelJob, TargetBody(request: request, job: job), request: request)
    }

    public func nodes() throws -> [NodeStatus] {
        let request = UUID().uuidString
        return try call(FarmProtocol.nodes, TargetBody(request: request), request: request).nodes ?? []
    }

    /// Drains (no new tasks) or resumes a node by name; returns the coordinator's message.
    public func setDrained(_ node: String, _ drained: Bool) throws -> String {
        let request = UUID().uuidString
        let command = drained ? FarmProtocol.drainNode : FarmProtocol.resumeNode
        return try call(command, TargetBody(request: request, node: node), request: request).message ?? ""
    }

    /// Sets a queued or running job's dispatch priority; returns the coordinator's message.
    public func setPriority(job: String, priority: Int) throws -> String {
        let request = UUID().uuidString
        return try call(FarmProtocol.setPriority, PriorityBody(request: request, job: job, priority: priority), request: request).message ?? ""
    }

    /// Polls until the job is final, calling `update` with each status; returns the last one.
    public func wait(job: String, every interval: Duration = .milliseconds(500), update: (JobStatus) -> Void = { _ in }) throws -> JobStatus {
        while true {
            guard let status = try status(job: job).first else { throw ClientError.refused(message: "no job '\(job)'", badInput: true) }
            update(status)
            if status.state.isFinal { return status }
            Thread.sleep(forTimeInterval: interval.seconds)
        }
    }

    /// A pair in transition answers PASSIVE for a second or two: after a whole round of them,
    /// wait this long before asking again.
    static let passiveRetry: Duration = .milliseconds(250)

    /// Sends `message`; false when no connection took it within the send timeout.
    private func offer(_ message: WireMessage) throws -> Bool {
        do {
            try socket.send(message)
            return true
        } catch {
            let failure: TransportError = error
            if case .sendTimedOut = failure { return false }
            throw failure
        }
    }

    private func call(_ command: String, _ body: some Encodable, request: String, repeatable: Bool = true) throws -> ClientReply {
        let message = try WireMessage(command: command, body: body)
        let deadline = ContinuousClock.now + timeout
        let pair = endpoints.count > 1
        // With a pair, a coordinator silent for the liveness window is given up for the other.
        let window = HeartbeatTiming.defaults.window
        var passives = 0
        // What a passive coordinator said beyond "passive" (why it is not serving), if anything.
        var passiveReason: String?
        while ContinuousClock.now < deadline {
            // A send that times out had nobody to take it: the same as no answer, and safe to
            // send elsewhere.
            let sent = try offer(message)
            // Alone: keep offering it until the deadline (the coordinator may be starting).
            if !sent, !pair { continue }
            let tryUntil = pair && repeatable ? min(deadline, ContinuousClock.now + window) : deadline
            var next = !sent && pair
            while sent, !next, ContinuousClock.now < tryUntil {
                while let monitor, let frames = try monitor.receive(timeout: .zero) {
                    // Refused: the request never reached anyone, so it is safe to send elsewhere.
                    if ZMQSocket.connectionEvent(frames) == .connectRetried { next = true }
                }
                if next { break }
                guard let reply = try socket.receiveMessage(rules: rules, timeout: .milliseconds(50)) else { continue }
                if reply.command == FarmProtocol.error {
                    let error = try reply.decodeBody(ErrorReply.self)
                    guard error.request == request || error.request.isEmpty else { continue }
                    if error.code == Coordinator.passiveCode {
                        passives += 1
                        if error.message != Coordinator.passiveMessage { passiveReason = error.message }
                        next = true
                        break
                    }
                    throw ClientError.refused(message: error.message, badInput: error.code == "bad_input")
                }
                let decoded = try reply.decodeBody(ClientReply.self)
                if decoded.request == request { return decoded }
            }
            guard next || (pair && repeatable) else { break }
            if passives > 0, passives % endpoints.count == 0 { Thread.sleep(forTimeInterval: Self.passiveRetry.seconds) }
            try switchEndpoint()
        }
        if passives > 0 {
            throw ClientError.refused(message: "every coordinator at \(endpoint) answered that it is passive (no active coordinator now; a pair takes a few seconds to fail over)\(passiveReason.map { "; the last said: \($0)" } ?? "")", badInput: false)
        }
        throw ClientError.noAnswer(endpoint: endpoint, after: timeout)
    }
}
