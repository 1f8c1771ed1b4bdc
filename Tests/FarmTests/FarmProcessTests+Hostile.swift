import Farm
import Foundation
import Testing
import TestSupport

/// Peers the coordinator must not trust: nodes without an authorised key, and garbage on the wire.
extension FarmProcessTests {
    @Test func onlyANodeWithAnAuthorisedCurveKeyIsGivenTasks() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let keys = farm.directory.appending("keys")
        let authorized = farm.directory.appending("authorized")
        for name in ["coordinator", "good", "rogue", "client"] {
            let made = try Tool.run(Repository.scenefarm, ["keygen", "--out", keys.path, "--name", name])
            #expect(made.status == 0, "keygen \(name): \(made.stderr)")
        }
        // Node keys and client keys are separate lists; a node is named after its key file.
        for (name, list) in [("good", "nodes"), ("client", "clients")] {
            let folder = authorized.appendingPathComponent(list)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: keys.appendingPathComponent("\(name).pub"), to: folder.appendingPathComponent("\(name).pub"))
        }
        let serverKey = keys.appendingPathComponent("coordinator.pub").path
        func identity(_ name: String) -> [String] {
            ["--curve-secret", keys.appendingPathComponent("\(name).key").path, "--server-key", serverKey]
        }
        let coordinator = try farm.startCoordinator(["--curve-secret", keys.appendingPathComponent("coordinator.key").path, "--authorized-keys", authorized.path])
        let rogue = try farm.startNode("rogue", identity("rogue"))
        // A client's key posing as the good node, and the good node's key under another name.
        let poser = try farm.startNode("good", identity("client"))
        let impostor = try farm.startNode("impostor", identity("good"))
        let client = try farm.client((
            try CurveKeyPair.load(secretFile: keys.appendingPathComponent("client.key")),
            try CurveKeyPair.loadPublicKey(from: URL(fileURLWithPath: serverKey))
        ))

        let job = try farm.submit(try farm.writeShot(frames: 600), identity("client"))
        // With only the unauthorised node running, nothing may start: give it a few heartbeats.
        Thread.sleep(forTimeInterval: 3)
        #expect(try client.status(job: job).first?.state == .queued)
        #expect(try client.nodes().isEmpty)
        #expect(rogue.isRunning)
        #expect(poser.isRunning)
        #expect(coordinator.log.contains("is not authorised for \(FarmKeys.nodeDomain)"))
        #expect(coordinator.log.contains("the node with key 'good' calls itself 'impostor'"))
        impostor.signal(SIGKILL)

        // A client without keys is not answered at all.
        let anonymous = try farm.cli(["status", "--timeout", "1"])
        #expect(anonymous.status == 3)

        try farm.startNode("good", identity("good"))
        let wait = try farm.cli(["wait", job] + identity("client"))
        #expect(wait.status == 0, "wait: \(wait.stderr)")
        #expect(try client.nodes().map(\.name) == ["good"])
        let tasks = try farm.store().tasks(job: job)
        #expect(tasks.allSatisfy { $0.state == .done && $0.worker == "good" })
    }

    @Test func garbageFromAPeerIsDroppedWhileTheJobCompletes() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let limit = 1 << 20
        let coordinator = try farm.startCoordinator(["--max-message-bytes", String(limit)])
        try farm.startNode("n1")
        let client = try farm.client()
        #expect(farm.waitForNodes(["n1"], client: client))
        let job = try farm.submit(try farm.writeShot(name: "slow", fps: 4, frames: 160, width: 320, height: 180))
        let store = try farm.store()
        var held: StoredTask?
        #expect(FarmHarness.eventually(timeout: .seconds(20)) {
            held = try store.tasks(job: job).first { $0.node.kind == .generate && $0.state == .leased && $0.framesDone > 0 }
            return held != nil
        })
        let stolen = try #require(held?.attempt)

        let context = try ZMQContext()
        // One frame over the limit: libzmq itself drops this peer's connection.
        let oversized = try ZMQSocket(context: context, kind: .dealer)
        try oversized.connect(farm.nodeEndpoint)
        try oversized.send([Data(count: limit + 1)])

        let intruder = try ZMQSocket(context: context, kind: .dealer)
        try intruder.setRoutingID(Data("intruder".utf8))
        try intruder.connect(farm.nodeEndpoint)
        // A node offering no generator is never given a task, but it is a known peer.
        try intruder.send(WireMessage(command: FarmProtocol.ready, bodyJSON: Data("""
            {"name":"intruder","slots":1,"cores":1,"memoryBytes":0,"generators":[],"storage":"shared","running":[],"draining":false,"softwareVersion":"0"}
            """.utf8)))
        try intruder.send([Data((0..<64).map { _ in UInt8.random(in: 0...255) })])
        try intruder.send([Data("SCENEFARM".utf8), Data("2".utf8), Data("HEARTBEAT".utf8), Data("{}".utf8)])
        try intruder.send([Data("SCENEFARM".utf8), Data("1".utf8), Data("SUBMIT".utf8), Data("{}".utf8)])
        try intruder.send([Data("SCENEFARM".utf8), Data("1".utf8), Data("HEARTBEAT".utf8), Data("not json".utf8)])
        // Every frame under the limit, the message over it.
        try intruder.send([Data("SCENEFARM".utf8), Data("1".utf8), Data("HEARTBEAT".utf8), Data(count: limit - 1000), Data(count: limit - 1000)])
        try intruder.send([Data("SCENEFARM".utf8), Data("1".utf8), Data("FILE".utf8), Data(#"{"attempt":"\#(stolen)","path":"x.exr"}"#.utf8), Data(count: limit / 2)])
        try intruder.send(WireMessage(command: FarmProtocol.result, bodyJSON: Data(#"{"attempt":"\#(stolen)","outcome":{"framesWritten":999,"files":[]}}"#.utf8)))
        try intruder.send(WireMessage(command: FarmProtocol.failed, bodyJSON: Data(#"{"attempt":"\#(stolen)","error":"forged","retryable":false}"#.utf8)))

        // A peer that never introduced itself, forging the result of a live lease by its id
        // (clients can read attempt ids from `scenefarm nodes`).
        let stranger = try ZMQSocket(context: context, kind: .dealer)
        try stranger.connect(farm.nodeEndpoint)
        try stranger.send(WireMessage(command: FarmProtocol.result, bodyJSON: Data(#"{"attempt":"\#(stolen)","outcome":{"framesWritten":999,"files":[]}}"#.utf8)))

        let clientGarbage = try ZMQSocket(context: context, kind: .dealer)
        try clientGarbage.connect(farm.clientEndpoint)
        try clientGarbage.send([Data((0..<64).map { _ in UInt8.random(in: 0...255) })])

        #expect(FarmHarness.eventually(timeout: .seconds(10)) {
            coordinator.log.components(separatedBy: "ignored a result for attempt \(stolen)").count == 3
        })
        let status = try farm.cli(["status"])
        #expect(status.status == 0, "status: \(status.stderr)")
        let wait = try farm.cli(["wait", job])
        #expect(wait.status == 0, "wait: \(wait.stderr)")

        let task = try #require(try store.tasks(job: job).first { $0.attempt == stolen })
        #expect(task.state == .done)
        #expect(task.worker == "n1")
        #expect(task.attempts == 1)
        #expect(task.outcome?.framesWritten != 999)
        let log = coordinator.log
        #expect(log.contains("dropped a malformed node message"))
        #expect(log.contains("dropped a malformed client message"))
        #expect(log.contains("exceeds the \(limit)-byte limit"))
        #expect(log.contains("unsupported version"))
    }
}
