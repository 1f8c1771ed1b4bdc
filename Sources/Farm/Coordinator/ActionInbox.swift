import Foundation

/// What a wrangler can do from the dashboard or the HTTP API. Each becomes the client message the
/// ZeroMQ client socket would carry, answered by the loop on the same code path.
public enum FarmAction: Sendable, Equatable {
    case cancel(job: String)
    /// Submits a finished job's spec again as a new job and the next plate version.
    case retry(job: String)
    case drain(node: String)
    case resume(node: String)
    case priority(job: String, priority: Int)

    /// The client request for this action; `job` looks a stored job up (on the loop thread).
    /// Nil when a retried job is not in the store.
    func message(request: String, job: (String) throws -> ShotJob?) throws -> WireMessage? {
        switch self {
        case .cancel(let id):
            return try WireMessage(command: FarmProtocol.cancelJob, body: TargetBody(request: request, job: id))
        case .drain(let name):
            return try WireMessage(command: FarmProtocol.drainNode, body: TargetBody(request: request, node: name))
        case .resume(let name):
            return try WireMessage(command: FarmProtocol.resumeNode, body: TargetBody(request: request, node: name))
        case .priority(let id, let priority):
            return try WireMessage(command: FarmProtocol.setPriority, body: PriorityBody(request: request, job: id, priority: priority))
        case .retry(let id):
            guard let stored = try job(id) else { return nil }
            return try WireMessage(command: FarmProtocol.submit, body: SubmitBody(
                request: request, specText: stored.specJSON, specName: "job \(id)", baseDirectory: stored.baseDirectory,
                plateVersion: "next", overlap: stored.plan.overlap, owner: stored.owner
            ))
        }
    }
}

/// How the loop answered an action: the REPLY or ERROR body a client would have received.
public enum FarmActionReply: Sendable, Equatable {
    case done(ClientReply)
    case refused(ErrorReply)
}

/// Actions queued for the loop by other threads, and the callbacks waiting for their answers.
/// Each action gets a routing id no ZeroMQ peer can have (ids ØMQ makes are 5 bytes starting with
/// a zero byte; ids peers choose may not start with one), so a reply that arrives later (a retry
/// is a SUBMIT, checked off the loop) finds its way back here instead of onto the socket.
final class ActionInbox: @unchecked Sendable {
    /// Actions waiting at most; more are refused at once (the loop is behind, or flooded).
    static let capacity = 256
    static let request = "http"

    private let lock = NSLock()
    private var counter: UInt64 = 0
    private var queued: [(peer: Data, action: FarmAction)] = []
    private var waiting: [Data: @Sendable (FarmActionReply) -> Void] = [:]

    /// Queues `action`; false when the inbox is full (nothing is queued then).
    func post(_ action: FarmAction, reply: @escaping @Sendable (FarmActionReply) -> Void) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard waiting.count < Self.capacity else { return false }
        counter += 1
        var peer = Data([0, 0x68, 0x74, 0x74, 0x70])  // "\0http"
        withUnsafeBytes(of: counter.bigEndian) { peer.append(contentsOf: $0) }
        queued.append((peer, action))
        waiting[peer] = reply
        return true
    }

    /// The queued actions, oldest first (loop thread).
    func take() -> [(peer: Data, action: FarmAction)] {
        lock.lock()
        defer { lock.unlock() }
        let taken = queued
        queued = []
        return taken
    }

    /// Hands `reply` to the action that `peer` names; false when `peer` is not one (a socket peer).
    func deliver(_ reply: WireMessage, to peer: Data) -> Bool {
        lock.lock()
        let callback = waiting.removeValue(forKey: peer)
        lock.unlock()
        guard let callback else { return false }
        if reply.command == FarmProtocol.reply, let body = try? reply.decodeBody(ClientReply.self) {
            callback(.done(body))
        } else if let body = try? reply.decodeBody(ErrorReply.self) {
            callback(.refused(body))
        } else {
            callback(.refused(ErrorReply(request: Self.request, code: "failure", message: "the coordinator gave no answer")))
        }
        return true
    }
}
