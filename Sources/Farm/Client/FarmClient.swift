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
public final class FarmClient {
    public let endpoint: String
    private let socket: ZMQSocket
    private let rules = WireRules(commands: FarmProtocol.clientReplies, maxMessageBytes: 64 << 20)
    private let timeout: Duration

    public init(endpoint: String, context: ZMQContext? = nil, curve: (keyPair: CurveKeyPair, serverPublicKey: String)? = nil, timeout: Duration = .seconds(10)) throws {
        self.endpoint = endpoint
        self.timeout = timeout
        socket = try ZMQSocket(context: try context ?? ZMQContext(), kind: .dealer)
        try rules.configure(socket)
        if let curve { try socket.configureCurveClient(keyPair: curve.keyPair, serverPublicKey: curve.serverPublicKey) }
        try socket.connect(endpoint)
    }

    /// Submits a spec file's text; returns the job id.
    public func submit(specText: String, specName: String, baseDirectory: String, plateVersion: String? = nil, overlap: Int? = nil,
                       owner: String = ProcessInfo.processInfo.environment["USER"] ?? "scenefarm") throws -> String {
        let request = UUID().uuidString
        let reply = try call(FarmProtocol.submit, SubmitBody(
            request: request, specText: specText, specName: specName, baseDirectory: baseDirectory,
            plateVersion: plateVersion, overlap: overlap, owner: owner
        ), request: request)
        guard let job = reply.job else { throw ClientError.transport("the coordinator accepted the job but sent no id") }
        return job
    }

    public func status(job: String? = nil) throws -> [JobStatus] {
        let request = UUID().uuidString
        return try call(FarmProtocol.status, TargetBody(request: request, job: job), request: request).jobs ?? []
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
            Thread.sleep(forTimeInterval: Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18)
        }
    }

    private func call(_ command: String, _ body: some Encodable, request: String) throws -> ClientReply {
        try socket.send(WireMessage(command: command, body: body))
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let message = try socket.receiveMessage(rules: rules, timeout: .milliseconds(100)) else { continue }
            if message.command == FarmProtocol.error {
                let error = try message.decodeBody(ErrorReply.self)
                guard error.request == request || error.request.isEmpty else { continue }
                throw ClientError.refused(message: error.message, badInput: error.code == "bad_input")
            }
            let reply = try message.decodeBody(ClientReply.self)
            if reply.request == request { return reply }
        }
        throw ClientError.noAnswer(endpoint: endpoint, after: timeout)
    }
}
