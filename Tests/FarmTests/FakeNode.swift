import Farm
import Foundation

/// A node written in the test from Docs/protocol.md alone, driven step by step, so tests can make
/// it lie, hang or forge messages the Swift node never would.
final class FakeNode: @unchecked Sendable {
    let context: ZMQContext
    let socket: ZMQSocket
    private let rules = WireRules(commands: FarmProtocol.coordinatorCommands)

    init(endpoint: String, context: ZMQContext) throws {
        self.context = context
        socket = try ZMQSocket(context: context, kind: .dealer, linger: .zero)
        try socket.connect(endpoint)
    }

    func send(_ command: String, _ body: [String: Any], payload: Data? = nil) throws {
        try socket.send(WireMessage(command: command, bodyJSON: try JSONSerialization.data(withJSONObject: body), payload: payload))
    }

    /// READY as a shared-storage (or transfer) node offering `testpattern`.
    func ready(name: String, storage: String = "shared", running: [String] = []) throws {
        try send(FarmProtocol.ready, [
            "name": name, "slots": 1, "cores": 1, "memoryBytes": 1, "storage": storage, "running": running,
            "draining": false, "softwareVersion": "0.1.0",
            "generators": [["name": "testpattern", "version": "1.0.0", "deterministic": true, "conditioningFrames": 0,
                            "maxFramesPerCall": 100000, "maxWidth": 16384, "maxHeight": 16384]],
        ])
    }

    func heartbeat(running: [String]) throws {
        try send(FarmProtocol.heartbeat, ["running": running, "draining": false])
    }

    func receive(timeout: Duration) throws -> WireMessage? {
        try socket.receiveMessage(rules: rules, timeout: timeout)
    }

    /// Serves until `timeout` passes or `handle` returns true: heartbeats `running()` every half
    /// second and hands each message to `handle`.
    @discardableResult
    func serve(for timeout: Duration, running: () -> [String], _ handle: (WireMessage) throws -> Bool) throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        var beat = ContinuousClock.now - .seconds(1)
        while ContinuousClock.now < deadline {
            if ContinuousClock.now - beat >= .milliseconds(500) {
                try heartbeat(running: running())
                beat = .now
            }
            if let message = try receive(timeout: .milliseconds(50)), try handle(message) { return true }
        }
        return false
    }

    /// The attempt and task kind of a TASK message.
    static func task(_ message: WireMessage) -> (attempt: String, kind: String, index: Int)? {
        guard message.command == FarmProtocol.task,
              let object = try? JSONSerialization.jsonObject(with: message.body) as? [String: Any],
              let attempt = object["attempt"] as? String, let task = object["task"] as? [String: Any],
              let kind = task["kind"] as? String, let index = task["index"] as? Int else { return nil }
        return (attempt, kind, index)
    }
}
