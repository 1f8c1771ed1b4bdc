@testable import Farm
import Foundation
import Testing

/// A node with no task running sleeps in `zmq_poll` until the coordinator speaks or its next
/// heartbeat is due, instead of waking every 50 ms; a drain asked for meanwhile (SIGTERM, or the
/// embedding program) must still wake it at once (`WakeSignal`). The coordinator is played by
/// the test through a real ROUTER socket (Docs/protocol.md), and its WELCOME stretches the
/// node's heartbeat to the 10 s the node accepts at most, so the loop's own next wake-up is about
/// 10 s away: a BYE that waited for it would miss the 5 s the test gives it.
@Suite("Node loop wake-up")
struct NodeWakeTests {
    @Test func aDrainWakesAnIdleNodeThatWouldSleepUntilItsHeartbeat() throws {
        let context = try ZMQContext()
        let coordinator = try NodeTakeOverTests.ScriptedCoordinator(context: context)
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("scenefarm-wake-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: storage) }
        let node = try FarmNode(config: NodeConfig(coordinator: coordinator.endpoint, name: "wake-1", slots: 1, storageRoot: storage), context: context)
        node.start()
        defer { node.stop() }

        var peer: Data?
        while peer == nil, let (from, message) = try coordinator.receive(.seconds(15)) {
            if message.command == FarmProtocol.ready { peer = from }
        }
        let node1 = try #require(peer, "the node never sent READY")
        try coordinator.answer(node1, FarmProtocol.welcome, WelcomeBody(heartbeatIntervalMS: 10_000, liveness: 20))
        // The node reads WELCOME at once (its socket wakes the poll); give it a moment to take
        // the 10 s timing and go back to sleep. (Too short a moment only makes the test pass
        // without proving anything: the default timing wakes the loop within 0.5 s.)
        Thread.sleep(forTimeInterval: 0.2)

        node.drain()
        var commands: [String] = []
        while !commands.contains(FarmProtocol.bye), let (_, message) = try coordinator.receive(.seconds(5)) {
            commands.append(message.command)
        }
        #expect(commands.contains(FarmProtocol.bye), "no BYE within 5 s of the drain (the idle loop's own wake-up is about 10 s away); got \(commands)")
        #expect(!commands.contains(FarmProtocol.heartbeat), "the BYE waited for the node's heartbeat: \(commands)")
    }
}
