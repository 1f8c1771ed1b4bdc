import Farm
import Foundation
import Plates
import Testing
import TestSupport

/// Issue 11: a published version never changes, a node is who its key says, no lease lives
/// forever, results are checked. Real coordinator and node processes; hostile peers are written
/// in the test from Docs/protocol.md (`FakeNode`).
extension FarmProcessTests {
    private var plateFolder: String { "demo/farm_010/plates/main" }

    @Test func aNodeStoppedMidTaskAndResumedAfterPublishChangesNothingInTheVersion() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let shot = try slowShot(farm)
        try farm.startCoordinator()
        let nodes = ["n1": try farm.startNode("n1"), "n2": try farm.startNode("n2")]
        let client = try farm.client()
        #expect(farm.waitForNodes(["n1", "n2"], client: client))
        let job = try farm.submit(shot)
        let store = try farm.store()
        var held: StoredTask?
        #expect(FarmHarness.eventually(timeout: .seconds(20)) {
            held = try generateInProgress(store, job: job)
            return held != nil
        })
        let stopped = try #require(held?.worker)
        nodes[stopped]?.signal(SIGSTOP)

        let wait = try farm.cli(["wait", job])
        #expect(wait.status == 0, "wait: \(wait.stderr)")
        let version = farm.storage.appendingPathComponent(try #require(try farm.statusJSON(job)?.published))
        let before = try snapshot(version)
        // Exactly the frames and what publish wrote: no temporary or hidden file; all read-only.
        #expect(before.keys.filter { $0.hasSuffix(".exr") }.count == 160)
        #expect(before.keys.filter { $0.split(separator: "/").contains { $0.hasPrefix(".") } || $0.hasSuffix(".tmp") }.isEmpty, "\(before.keys.sorted().prefix(5))")
        #expect(before.values.allSatisfy { $0.mode & 0o222 == 0 }, "a published file or folder is writable")
        var folder = stat()
        #expect(stat(version.path, &folder) == 0 && folder.st_mode & 0o222 == 0)

        // The stopped node wakes up holding a stale attempt and carries on writing.
        nodes[stopped]?.signal(SIGCONT)
        Thread.sleep(forTimeInterval: 3)
        #expect(sameSnapshot(before, try snapshot(version)), "the published version changed after the stale node resumed")
        #expect(FarmHarness.eventually(timeout: .seconds(15)) {
            !FileManager.default.fileExists(atPath: farm.storage.appendingPathComponent("\(plateFolder)/.work").path)
        }, "the stale attempt's folder was not cleaned up")
        #expect(framesWithDifferentPixels(try publishedFrames(version), try publishedFrames(try farm.renderLocally(shot))).isEmpty)
    }

    @Test func aForgedFileIntoAPublishedVersionOrAnotherFolderIsRefused() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let shot = try farm.writeShot(frames: 30)
        let coordinator = try farm.startCoordinator()
        let n1 = try farm.startNode("n1")
        let client = try farm.client()
        #expect(farm.waitForNodes(["n1"], client: client))
        let first = try farm.submit(shot)
        #expect(try farm.cli(["wait", first]).status == 0)
        let published = try #require(try farm.statusJSON(first)?.published)
        let version = farm.storage.appendingPathComponent(published)
        let before = try snapshot(version)
        n1.signal(SIGTERM)
        #expect(n1.waitForExit(timeout: .seconds(10)) == 0)
        #expect(farm.waitForNodes([], client: client))

        // A node holding an attempt of the second job writes everywhere but its own folder.
        let rogue = try FakeNode(endpoint: farm.nodeEndpoint, context: try ZMQContext())
        try rogue.ready(name: "rogue")
        let second = try farm.submit(shot)
        var attempt: String?
        #expect(try rogue.serve(for: .seconds(15), running: { attempt.map { [$0] } ?? [] }) { message in
            attempt = FakeNode.task(message)?.attempt ?? attempt
            return attempt != nil
        })
        let held = try #require(attempt)
        let targets = [
            "\(published)/farm_010_main_v001.1001.exr",
            "\(published)/extra.exr",
            ".scenefarm/lighting/forged.json",
            "\(plateFolder)/.work/\(second)/v002/farm_010_main_v002.1001.exr",
            "\(plateFolder)/.work/\(second)/attempts/00000000-0000-0000-0000-000000000000/v002/farm_010_main_v002.1001.exr",
        ]
        for path in targets {
            try rogue.send(FarmProtocol.file, ["attempt": held, "path": path], payload: Data("forged".utf8))
        }
        try rogue.send(FarmProtocol.failed, ["attempt": held, "error": "declined", "retryable": true])
        #expect(FarmHarness.eventually(timeout: .seconds(10)) {
            coordinator.log.components(separatedBy: "refused file").count - 1 == targets.count
        }, "\(coordinator.log)")
        #expect(sameSnapshot(before, try snapshot(version)), "a forged FILE changed a published version")
        for path in targets {
            #expect(!((try? Data(contentsOf: farm.storage.appendingPathComponent(path))) == Data("forged".utf8)), "\(path) was written")
        }

        try farm.startNode("n2")
        let wait = try farm.cli(["wait", second])
        #expect(wait.status == 0, "wait: \(wait.stderr)")
        #expect(sameSnapshot(before, try snapshot(version)))
    }

    @Test func aForgedFailureAfterACoordinatorRestartIsIgnoredAndNodesShowTaskNames() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let shot = try slowShot(farm)
        let first = try farm.startCoordinator()
        try farm.startNode("n1")
        let client = try farm.client()
        #expect(farm.waitForNodes(["n1"], client: client))
        let job = try farm.submit(shot)
        let store = try farm.store()
        var held: StoredTask?
        #expect(FarmHarness.eventually(timeout: .seconds(20)) {
            held = try generateInProgress(store, job: job)
            return held != nil
        })
        let task = try #require(held)
        let attempt = try #require(task.attempt)
        // Clients see what runs, never the attempt id that would let them speak for it.
        let running = try client.nodes().flatMap(\.running)
        #expect(running == ["\(job)/\(task.node.name)"])
        #expect(!(try farm.cli(["nodes"]).stdout.contains(attempt)))

        first.signal(SIGKILL)
        #expect(first.waitForExit(timeout: .seconds(5)) != nil)
        let coordinator = try farm.startCoordinator(samePorts: true)
        let context = try ZMQContext()
        // A connection that never introduced itself, and one that did under another name.
        let stranger = try FakeNode(endpoint: farm.nodeEndpoint, context: context)
        try stranger.send(FarmProtocol.failed, ["attempt": attempt, "error": "forged", "retryable": false])
        try stranger.send(FarmProtocol.result, ["attempt": attempt, "outcome": ["framesWritten": 0, "files": [String]()]])
        let impostor = try FakeNode(endpoint: farm.nodeEndpoint, context: context)
        try impostor.ready(name: "intruder")
        #expect(try impostor.serve(for: .seconds(5), running: { [] }) { $0.command == FarmProtocol.welcome })
        try impostor.send(FarmProtocol.failed, ["attempt": attempt, "error": "forged", "retryable": false])

        let wait = try farm.cli(["wait", job])
        #expect(wait.status == 0, "wait: \(wait.stderr)")
        let finished = try #require(try store.tasks(job: job).first { $0.node.name == task.node.name })
        #expect(finished.state == .done)
        #expect(finished.worker == "n1")
        #expect(finished.attempts == 1)
        #expect(finished.error == nil || !(finished.error ?? "").contains("forged"))
        #expect(coordinator.log.contains("ignored a result for attempt \(attempt)"))
    }

    @Test func nodeNamesAreCheckedAndABadNameNeverRegisters() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let coordinator = try farm.startCoordinator()
        let client = try farm.client()
        let context = try ZMQContext()
        let forgedLine = "2026-01-01T00:00:00+0000 critical scenefarm.coordinator: forged"
        let names = ["", String(repeating: "n", count: 1 << 20), "evil\n\(forgedLine)", "nul\0byte", "../../x", ".hidden", "space name"]
        for name in names {
            let fake = try FakeNode(endpoint: farm.nodeEndpoint, context: context)
            try fake.ready(name: name)
            #expect(!(try fake.serve(for: .seconds(1), running: { [] }) { $0.command == FarmProtocol.welcome }), "'\(name.prefix(20))' was welcomed")
        }
        #expect(try client.nodes().isEmpty)
        #expect(coordinator.log.contains("refused READY"))
        #expect(!coordinator.log.split(separator: "\n").contains { $0.hasPrefix(forgedLine) }, "a node name forged a log line")
        #expect(coordinator.log.utf8.count < 1 << 20, "a 1 MiB name reached the log")

        let good = try FakeNode(endpoint: farm.nodeEndpoint, context: context)
        try good.ready(name: "rack12-n04.gpu_0")
        #expect(try good.serve(for: .seconds(5), running: { [] }) { $0.command == FarmProtocol.welcome })
        #expect(try client.nodes().map(\.name) == ["rack12-n04.gpu_0"])
    }

    /// Two nodes started with the same name (a machine cloned with its host name): the second
    /// is refused while the first speaks, so the first keeps its tasks and the job finishes with
    /// one attempt per task (before, each READY took the name from the other and requeued its
    /// work, for ever); the second says why in its log; when the first dies, the second's next
    /// READY is taken.
    @Test func aSecondNodeWithTheSameNameIsRefusedWhileTheFirstSpeaksAndTakesOverWhenItDies() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let coordinator = try farm.startCoordinator()
        let client = try farm.client()
        let first = try farm.startNode("n1")
        #expect(farm.waitForNodes(["n1"], client: client))
        let twin = try FakeNode(endpoint: farm.nodeEndpoint, context: try ZMQContext())
        try twin.ready(name: "n1")
        let job = try farm.submit(try farm.writeShot(frames: 600))
        let store = try farm.store()
        var welcomed = false, twinTasks = 0
        // The twin answers RECONNECT with READY, as a node does.
        #expect(try twin.serve(for: .seconds(90), running: { [] }) { message in
            if message.command == FarmProtocol.reconnect { try twin.ready(name: "n1") }
            if message.command == FarmProtocol.welcome { welcomed = true }
            if message.command == FarmProtocol.task { twinTasks += 1 }
            return try store.job(job)?.state.isFinal == true
        })
        #expect(!welcomed && twinTasks == 0)
        #expect(try store.job(job)?.state == .done)
        let tasks = try store.tasks(job: job)
        #expect(tasks.count > 5 && tasks.allSatisfy { $0.attempts == 1 }, "\(tasks.map { "\($0.node.name) \($0.attempts)" })")
        let refusals = coordinator.log.components(separatedBy: "refused READY: another node is connected as 'n1'").count - 1
        #expect(refusals == 1, "logged \(refusals) times")

        first.signal(SIGKILL)
        #expect(try twin.serve(for: .seconds(10), running: { [] }) { message in
            if message.command == FarmProtocol.reconnect { try twin.ready(name: "n1") }
            return message.command == FarmProtocol.welcome
        })
        #expect(try client.nodes().map(\.name) == ["n1"])
    }

    /// The refused twin, a real node this time, says in its own log why it gets no work, and the
    /// farm lists one n1.
    @Test func aRefusedTwinNodeSaysWhyInItsLog() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let coordinator = try farm.startCoordinator()
        let client = try farm.client()
        _ = try farm.startNode("n1")
        #expect(farm.waitForNodes(["n1"], client: client))
        let twin = try farm.spawn("n1-twin", ["node", "--name", "n1", "--storage", farm.storage.path, "--coordinator", farm.nodeEndpoint])
        #expect(FarmHarness.eventually(timeout: .seconds(20)) { twin.log.contains("without accepting this node as 'n1'") }, "\(twin.log)")
        #expect(coordinator.log.contains("refused READY: another node is connected as 'n1'"))
        #expect(try client.nodes().map(\.name) == ["n1"])
    }

    @Test func aLeaseThatNeverEndsIsCancelledRetriedElsewhereAndCountedAsAFailure() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let coordinator = try farm.startCoordinator(["--lease-base", "4", "--lease-per-megapixel-frame", "0"])
        // A node that takes a task and heartbeats it for ever, ignoring CANCEL.
        let hog = try FakeNode(endpoint: farm.nodeEndpoint, context: try ZMQContext())
        try hog.ready(name: "hog")
        let job = try farm.submit(try farm.writeShot(frames: 30))
        let store = try farm.store()
        var tasks: [String] = []
        var cancels: [String] = []
        func record(_ message: WireMessage) {
            if let task = FakeNode.task(message) { tasks.append(task.attempt) }
            if message.command == FarmProtocol.cancel, let body = try? message.decodeBody(CancelBody.self) { cancels.append(body.attempt) }
        }
        func lighting() throws -> StoredTask? { try store.tasks(job: job).first { $0.node.kind == .lighting } }
        // Two leases run out on the hog (it is the only node), then another node joins.
        #expect(try hog.serve(for: .seconds(30), running: { tasks }) { message in
            record(message)
            return try lighting()?.failedOn.count == 1 && tasks.count == 2
        })
        try farm.startNode("n1")
        #expect(try hog.serve(for: .seconds(60), running: { tasks }) { message in
            record(message)
            return try store.job(job)?.state.isFinal == true
        })
        #expect(try store.job(job)?.state == .done)
        let task = try #require(try lighting())
        #expect(task.attempts == 3)
        #expect(task.worker == "n1")
        #expect(task.failedOn == ["hog", "hog"])
        #expect(Set(cancels) == Set(tasks), "tasks \(tasks), cancels \(cancels)")
        #expect(coordinator.log.contains("timed out: lease of 4 s ran out on hog"))
    }

    @Test func aLyingNodesResultsAreRejectedAndItsProgressIsClamped() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let coordinator = try farm.startCoordinator()
        let liar = try FakeNode(endpoint: farm.nodeEndpoint, context: try ZMQContext())
        try liar.ready(name: "liar")
        let client = try farm.client()
        let job = try farm.submit(try farm.writeShot(frames: 30))
        let store = try farm.store()
        var seen: [JobStatus] = []
        var lies = 0
        // Every task answered at once: the lighting result is true (testpattern has no solve);
        // the others claim work that is not on disk.
        func lie(_ message: WireMessage) throws {
            guard let task = FakeNode.task(message) else { return }
            var outcome: [String: Any] = ["framesWritten": 0, "files": [String]()]
            switch task.kind {
            case "lighting":
                outcome["lightingID"] = "none"
            case "generate":
                for frames in [-50, 1_000_000_000_000] {
                    try liar.send(FarmProtocol.progress, ["attempt": task.attempt, "framesDone": frames])
                    Thread.sleep(forTimeInterval: 0.3)
                    seen += try client.status(job: job)
                }
                outcome["framesWritten"] = 30
                outcome["files"] = (1001...1030).map { "\(plateFolder)/.work/\(job)/attempts/\(task.attempt)/v001/farm_010_main_v001.\($0).exr" }
                lies += 1
            default:
                outcome["published"] = "\(plateFolder)/v001"
                lies += 1
            }
            try liar.send(FarmProtocol.result, ["attempt": task.attempt, "outcome": outcome])
        }
        #expect(try liar.serve(for: .seconds(30), running: { [] }) { message in
            try lie(message)
            return lies >= 1
        })
        #expect(seen.count == 2)
        #expect(seen.allSatisfy { (0...30).contains($0.framesDone) && ($0.etaSeconds ?? 0) >= 0 }, "\(seen.map { ($0.framesDone, $0.etaSeconds) })")
        try farm.startNode("n1")
        #expect(try liar.serve(for: .seconds(60), running: { [] }) { message in
            try lie(message)
            return try store.job(job)?.state.isFinal == true
        })
        let status = try #require(try farm.statusJSON(job))
        #expect(status.state == .done, "\(status.error ?? "")")
        let frames = try publishedFrames(farm.storage.appendingPathComponent(try #require(status.published)))
        #expect(frames.count == 30)
        #expect(frames.values.allSatisfy { $0.string("scenefarm/node") == "n1" })
        let generate = try #require(try store.tasks(job: job).first { $0.node.kind == .generate })
        #expect(generate.failedOn.contains("liar"))
        #expect(coordinator.log.contains("result rejected"))
    }

    @Test func ipv6LoopbackAndLocalhostBindsServeNodesAndClients() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        farm.nodeHost = "[::1]"
        farm.clientHost = "localhost"
        try farm.startCoordinator()
        try farm.startNode("n1")
        #expect(farm.waitForNodes(["n1"], client: try farm.client()))
        let job = try farm.submit(try farm.writeShot(frames: 30))
        let wait = try farm.cli(["wait", job])
        #expect(wait.status == 0, "wait: \(wait.stderr)")
    }

    @Test func anUnknownConnectionIsAskedToReconnectAndBadClientBodiesGetTheirRequestBack() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        try farm.startCoordinator()
        let context = try ZMQContext()
        let stranger = try FakeNode(endpoint: farm.nodeEndpoint, context: context)
        let bodies: [(String, [String: Any])] = [
            (FarmProtocol.heartbeat, ["running": [String](), "draining": false]),
            (FarmProtocol.heartbeat, [:]),
            (FarmProtocol.progress, ["attempt": "x", "framesDone": 1]),
            (FarmProtocol.result, [:]),
            (FarmProtocol.failed, ["attempt": 5]),
            (FarmProtocol.file, ["attempt": "x", "path": "a.exr"]),
        ]
        for (command, body) in bodies { try stranger.send(command, body) }
        try stranger.send(FarmProtocol.bye, [:])
        var reconnects = 0
        while let message = try stranger.receive(timeout: .seconds(2)) {
            if message.command == FarmProtocol.reconnect { reconnects += 1 }
        }
        #expect(reconnects == bodies.count)

        let client = try ZMQSocket(context: context, kind: .dealer, linger: .zero)
        try client.connect(farm.clientEndpoint)
        let rules = WireRules(commands: FarmProtocol.clientReplies)
        let requests: [(String, [String: Any])] = [
            ("r1", ["request": "r1"]),
            ("r2", ["request": "r2", "specText": "spec_version: 1", "specName": "s.yaml", "baseDirectory": "relative/dir", "owner": "me"]),
        ]
        for (id, body) in requests {
            try client.send(WireMessage(command: FarmProtocol.submit, bodyJSON: try JSONSerialization.data(withJSONObject: body)))
            let reply = try #require(try client.receiveMessage(rules: rules, timeout: .seconds(5)))
            let error = try reply.decodeBody(ErrorReply.self)
            #expect(reply.command == FarmProtocol.error)
            #expect(error.request == id)
            #expect(error.code == "bad_input")
            if id == "r2" { #expect(error.message.contains("not an absolute path"), "\(error.message)") }
        }
        // STATUS asking for more finished jobs than one reply may carry, or fewer than none.
        for finished in [-1, TargetBody.maxFinishedListed + 1] {
            try client.send(WireMessage(command: FarmProtocol.status, body: TargetBody(request: "s\(finished)", finished: finished)))
            let reply = try #require(try client.receiveMessage(rules: rules, timeout: .seconds(5)))
            let error = try reply.decodeBody(ErrorReply.self)
            #expect(reply.command == FarmProtocol.error && error.request == "s\(finished)" && error.code == "bad_input")
            #expect(error.message == "finished must be 0…10000, got \(finished)")
        }
        // DRAIN_NODE with a name no node may take (READY's rule, protocol.md §4) is refused, not
        // kept in the drain list; a valid name not connected yet is drained for when it comes.
        for (id, name) in [("d1", "../n1"), ("d2", String(repeating: "n", count: NodeName.maxLength + 1)), ("d3", "n1\u{1b}[2J"), ("d4", ".hidden")] {
            try client.send(WireMessage(command: FarmProtocol.drainNode, body: TargetBody(request: id, node: name)))
            let reply = try #require(try client.receiveMessage(rules: rules, timeout: .seconds(5)))
            let error = try reply.decodeBody(ErrorReply.self)
            #expect(reply.command == FarmProtocol.error && error.request == id && error.code == "bad_input", "\(name)")
            #expect(error.message.contains("no node can be called") && !error.message.contains("\u{1b}"), "\(error.message)")
        }
        try client.send(WireMessage(command: FarmProtocol.drainNode, body: TargetBody(request: "d5", node: "rack07-n3")))
        let accepted = try #require(try client.receiveMessage(rules: rules, timeout: .seconds(5)))
        #expect(accepted.command == FarmProtocol.reply)
        #expect(try accepted.decodeBody(ClientReply.self).message?.contains("rack07-n3 drained") == true)
        #expect(try farm.store().drainedNodes() == ["rack07-n3"])
    }
}
