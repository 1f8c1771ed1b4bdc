@testable import Farm
import Foundation
import Testing

/// A real `scenefarm node` process given two coordinator endpoints, each played by the test
/// through a real ROUTER socket speaking Docs/protocol.md: the node must follow the heartbeat
/// timing WELCOME gives, and, when the coordinator it served goes silent (a frozen machine: the
/// connection stays open, nothing answers), keep asking the other one while it answers PASSIVE
/// instead of going back to the silent one, whose silence would cost it a whole liveness window.
@Suite("Node fail-over against scripted coordinators")
struct NodeTakeOverTests {
    /// A coordinator endpoint the test answers by hand.
    final class ScriptedCoordinator {
        let socket: ZMQSocket
        let endpoint: String
        private let rules = WireRules(commands: FarmProtocol.nodeCommands)

        init(context: ZMQContext) throws {
            socket = try ZMQSocket(context: context, kind: .router, linger: .zero)
            for _ in 0..<20 {
                let port = Int.random(in: FarmHarness.listenPorts)
                if (try? socket.bind("tcp://127.0.0.1:\(port)")) != nil {
                    endpoint = "tcp://127.0.0.1:\(port)"
                    return
                }
            }
            throw FarmHarnessError.didNotStart("scripted coordinator", "no free port")
        }

        /// The next message, waiting up to `timeout`.
        func receive(_ timeout: Duration) throws -> (peer: Data, message: WireMessage)? {
            try socket.receiveRoutedMessage(rules: rules, timeout: timeout)
        }

        func answer(_ peer: Data, _ command: String, _ body: some Encodable) throws {
            try socket.send(WireMessage(command: command, body: body), to: peer)
        }
    }

    @Test func aNodeLeavesASilentCoordinatorAfterWelcomesWindowAndStaysWithThePassiveOneThatTakesOver() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let context = try ZMQContext()
        let first = try ScriptedCoordinator(context: context)
        let second = try ScriptedCoordinator(context: context)
        let node = try farm.spawn("n1", ["node", "--name", "n1", "--storage", farm.storage.path, "--coordinator", "\(first.endpoint),\(second.endpoint)"])

        // The first welcomes the node with a 100 ms heartbeat and a window of two intervals, then
        // freezes. A node on the protocol's defaults would wait 2 s before leaving it.
        var welcomed: (peer: Data, at: ContinuousClock.Instant)?
        while welcomed == nil, let (peer, message) = try first.receive(.seconds(15)) {
            guard message.command == FarmProtocol.ready else { continue }
            try first.answer(peer, FarmProtocol.welcome, WelcomeBody(heartbeatIntervalMS: 100, liveness: 2))
            welcomed = (peer, .now)
        }
        let welcome = try #require(welcomed, "the node never sent READY: \(node.log)")

        // The second answers PASSIVE three times, as a backup does until the frozen one's store
        // lease has run out, then welcomes the node. Meanwhile the first must see no new
        // connection from the node: it keeps asking the one taking over.
        var readiesAtSecond = 0
        var firstReadyAtSecond: ContinuousClock.Instant?
        var backAtFirst = false
        let deadline = ContinuousClock.now + .seconds(20)
        while readiesAtSecond < 4, ContinuousClock.now < deadline {
            if let (peer, message) = try second.receive(.milliseconds(20)), message.command == FarmProtocol.ready {
                readiesAtSecond += 1
                firstReadyAtSecond = firstReadyAtSecond ?? .now
                if readiesAtSecond < 4 {
                    try second.answer(peer, FarmProtocol.passive, EmptyBody())
                } else {
                    try second.answer(peer, FarmProtocol.welcome, WelcomeBody(heartbeatIntervalMS: 500, liveness: 4))
                }
            }
            while let (peer, message) = try first.receive(.zero) {
                if peer != welcome.peer || message.command == FarmProtocol.ready { backAtFirst = true }
            }
        }
        #expect(readiesAtSecond == 4, "the node came to the second coordinator \(readiesAtSecond) time(s): \(node.log)")
        #expect(!backAtFirst, "the node went back to the silent coordinator while the other was taking over: \(node.log)")
        // It left the silent one after WELCOME's window (0.2 s, plus a reconnect), well before the
        // default 2 s would have let it.
        let left = try #require(firstReadyAtSecond)
        #expect(left - welcome.at < .milliseconds(1500), "left the silent coordinator \(left - welcome.at) after WELCOME: \(node.log)")

        // Welcomed by the second: it heartbeats there at the interval WELCOME gave (0.5 s).
        var heartbeats = 0
        let watchUntil = ContinuousClock.now + .seconds(2)
        while ContinuousClock.now < watchUntil {
            if let (_, message) = try second.receive(.milliseconds(50)), message.command == FarmProtocol.heartbeat { heartbeats += 1 }
        }
        #expect((2...6).contains(heartbeats), "\(heartbeats) heartbeats in 2 s: \(node.log)")
    }
}
