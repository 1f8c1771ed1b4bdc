@testable import Farm
import Foundation
import Testing

/// A node's loop sleeps in `zmq_poll` until the coordinator speaks, its next heartbeat is due,
/// or one of its task threads wakes it (`WakeSignal`): a finished task's RESULT must leave at
/// once, not when the loop next wakes on its own. The coordinator is played by the test through
/// a real ROUTER socket (Docs/protocol.md), and its WELCOME stretches the node's heartbeat to
/// the 10 s the node accepts at most, so the loop's own next wake-up is 10 s away: a RESULT
/// that waited for it would miss the 5 s the test gives it.
@Suite("Node loop wake-up")
struct NodeWakeTests {
    final class Gate: @unchecked Sendable {
        private let condition = NSCondition()
        private var open = false

        func release() {
            condition.lock()
            open = true
            condition.broadcast()
            condition.unlock()
        }

        func wait() {
            condition.lock()
            while !open { condition.wait() }
            condition.unlock()
        }
    }

    @Test func aFinishedTasksResultLeavesBeforeTheLoopsOwnNextWakeUp() throws {
        let context = try ZMQContext()
        let coordinator = try NodeTakeOverTests.ScriptedCoordinator(context: context)
        let storage = FileManager.default.temporaryDirectory.appendingPathComponent("scenefarm-wake-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: storage) }
        let started = Gate(), gate = Gate()
        var config = NodeConfig(coordinator: coordinator.endpoint, name: "wake-1", slots: 1, storageRoot: storage)
        // The task runs until the test lets it finish, so it ends while the loop is asleep.
        config.taskHandler = { _ in
            started.release()
            gate.wait()
            return TaskOutcome()
        }
        let node = try FarmNode(config: config, context: context)
        node.start()
        defer {
            gate.release()
            node.stop()
        }

        var peer: Data?
        while peer == nil, let (from, message) = try coordinator.receive(.seconds(15)) {
            if message.command == FarmProtocol.ready { peer = from }
        }
        let node1 = try #require(peer, "the node never sent READY")
        try coordinator.answer(node1, FarmProtocol.welcome, WelcomeBody(heartbeatIntervalMS: 10_000, liveness: 20))
        let job = try JobStoreTests.job()
        let lighting = try #require(job.tasks.first { $0.kind == .lighting })
        let attempt = UUID().uuidString.lowercased()
        try coordinator.answer(node1, FarmProtocol.task, Farm.TaskBody(attempt: attempt, job: job, task: lighting))

        // Once the task runs, the loop has nothing left to do but sleep until its next
        // heartbeat, 10 s after its first (sent when it connected, under a second ago).
        started.wait()
        gate.release()

        var result: ResultBody?
        var before: [String] = []
        while result == nil, let (_, message) = try coordinator.receive(.seconds(5)) {
            if message.command == FarmProtocol.result {
                result = try message.decodeBody(ResultBody.self)
            } else {
                before.append(message.command)
            }
        }
        #expect(result?.attempt == attempt, "no RESULT within 5 s of the task ending (the loop's own wake-up is 10 s away); got \(before)")
        #expect(!before.contains(FarmProtocol.heartbeat), "the RESULT waited for the node's heartbeat: \(before)")
    }
}
