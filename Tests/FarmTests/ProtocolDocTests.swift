import Farm
import Foundation
import Plates
import Testing
import TestSupport

/// Docs/protocol.md is proved by the two Python programs written from it alone, run against a
/// real coordinator and a real Swift node on loopback.
@Suite("Protocol document: independent Python client and node")
struct ProtocolDocTests {
    static let shot = Repository.path("Farm/shots/testpattern.yaml")

    @Test func pythonClientSubmitsAShotAndSeesItPublished() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        try farm.startCoordinator()
        try farm.startNode("sw1")
        #expect(farm.waitForNodes(["sw1"], client: try farm.client()))

        let run = try Tool.run("python3", [Repository.path("Farm/examples/python_client.py"), Self.shot, "--coordinator", farm.clientEndpoint])
        #expect(run.status == 0, "python_client.py: \(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("done: published demo/testpattern_010/plates/main/v001"))
        let frames = try publishedFrames(farm.storage.appendingPathComponent("demo/testpattern_010/plates/main/v001"))
        #expect(frames.count == 30)

        // A spec the coordinator refuses is exit 2, as with `scenefarm submit`.
        let bad = try farm.directory.write("bad.yaml", "spec_version: 1\nshow: demo\n")
        let refused = try Tool.run("python3", [Repository.path("Farm/examples/python_client.py"), bad, "--coordinator", farm.clientEndpoint])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("shot.fps"))
    }

    @Test func pythonClientReportsAnUnreachableCoordinatorWithExitCode3() throws {
        let run = try Tool.run("python3", [
            Repository.path("Farm/examples/python_client.py"), Self.shot, "--coordinator", "tcp://127.0.0.1:\(Int.random(in: 20000...59999))", "--timeout", "1",
        ])
        #expect(run.status == 3)
        #expect(run.stderr.contains("no answer from the coordinator"))
    }

    @Test func pythonNodeStaysAliveOnHeartbeatsAndTheTasksItDeclinesFinishOnASwiftNode() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        try farm.startCoordinator(["--max-attempts", "5"])
        try farm.startNode("sw1")
        let client = try farm.client()
        #expect(farm.waitForNodes(["sw1"], client: client))
        // Hold the Swift node back so the Python node is the only one the first tasks can go to.
        _ = try client.setDrained("sw1", true)

        let python = try FarmProcess(
            name: "py1",
            arguments: ["python3", "-u", Repository.path("Farm/examples/python_node.py"), "--name", "py1", "--coordinator", farm.nodeEndpoint, "--work-seconds", "1"],
            logURL: farm.directory.appending("py1.log"), executable: "/usr/bin/env"
        )
        defer {
            python.signal(SIGKILL)
            _ = python.waitForExit(timeout: .seconds(5))
        }
        #expect(farm.waitForNodes(["sw1", "py1"], client: client), "python node: \(python.log)")

        // Longer than the 3 s liveness window: only its heartbeats keep it registered.
        Thread.sleep(forTimeInterval: 4.5)
        let listed = try client.nodes().first { $0.name == "py1" }
        #expect(listed?.generators == ["testpattern"])
        #expect((listed?.lastSeenSecondsAgo ?? 99) < 3)
        #expect(python.log.components(separatedBy: "WELCOME").count == 2, "reconnected: \(python.log)")
        // `scenefarm nodes` lists it too.
        let nodes = try farm.cli(["nodes"])
        #expect(nodes.stdout.contains("py1"))

        let job = try farm.submit(Self.shot)
        // The Python node completes lighting (testpattern has no solve), then is offered the
        // generate task, which it declines; the Swift node comes back before that answer.
        #expect(FarmHarness.eventually(timeout: .seconds(30)) { python.log.contains("TASK \(job) generate-0000") }, "python node: \(python.log)")
        _ = try client.setDrained("sw1", false)
        let final = try client.wait(job: job, every: .milliseconds(200))
        #expect(final.state == .done, "job: \(final.error ?? "") python node: \(python.log)")
        #expect(python.log.contains("RESULT \(job) lighting"))
        #expect(python.log.contains("FAILED \(job) generate-0000"))

        let tasks = try farm.store().tasks(job: job)
        let lighting = tasks.first { $0.node.kind == .lighting }
        let generate = tasks.first { $0.node.kind == .generate }
        #expect(lighting?.worker == "py1")
        #expect(generate?.worker == "sw1")
        #expect(generate?.failedOn.contains("py1") == true)
        let frames = try publishedFrames(farm.storage.appendingPathComponent("demo/testpattern_010/plates/main/v001"))
        #expect(frames.count == 30)
        #expect(frames.values.allSatisfy { $0.string("scenefarm/node") == "sw1" })

        // SIGTERM drains: BYE, exit 0, and the coordinator forgets it at once.
        python.signal(SIGTERM)
        #expect(python.waitForExit(timeout: .seconds(10)) == 0)
        #expect(python.log.contains("BYE"))
        #expect(farm.waitForNodes(["sw1"], client: client))
    }
}
