import Farm
import Foundation
import Plates
import Testing
import TestSupport

/// A Binary Star pair of real coordinator processes on loopback sharing one job store: the
/// primary killed mid-job, restarted, and the link between the two cut.
extension FarmProcessTests {
    @Test func theBackupTakesOverFromAKilledPrimaryAndARestartedPrimaryStaysPassive() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let shot = try slowShot(farm, frames: 120)
        let pair = CoordinatorPair(farm: farm)
        let (primary, backup) = try pair.startSettled()
        try pair.startNode("n1")
        try pair.startNode("n2")
        let job = try pair.submit(shot)
        let store = try farm.store()
        #expect(FarmHarness.eventually(timeout: .seconds(30)) { try generateInProgress(store, job: job) != nil })

        primary.signal(SIGKILL)
        #expect(primary.waitForExit(timeout: .seconds(5)) != nil)
        // The backup takes over only once a node (or client) has come to it with the primary gone.
        #expect(FarmHarness.eventually(timeout: .seconds(15)) { backup.log.contains("failover successful, ready active") && backup.log.contains("active: serving") },
                "backup: \(backup.log)")
        // The old primary comes back: it hears the active backup (or finds the store's lease
        // taken) and joins as passive.
        let restarted = try pair.start(0, name: "primary-again")
        let wait = try pair.cli(["wait", job])
        #expect(wait.status == 0, "wait: \(wait.stdout)\(wait.stderr)\nbackup: \(backup.log)")
        #expect(FarmHarness.eventually(timeout: .seconds(10)) { restarted.log.contains("→ passive") }, "restarted: \(restarted.log)")
        #expect(!restarted.log.contains("active: serving"), "restarted: \(restarted.log)")
        // status rides through too, answered by the backup even with the restarted primary first in the list.
        let status = try pair.cli(["status", job, "--json"])
        #expect(status.status == 0 && status.stdout.contains("\"done\""), "status: \(status.stdout)\(status.stderr)")

        // Every task completed exactly once; a completion the dead primary may have recorded is
        // not recorded again when the node repeats its RESULT to the backup.
        let tasks = try store.tasks(job: job)
        #expect(tasks.allSatisfy { $0.state == .done })
        let doneRows = try pair.query("SELECT task || '=' || COUNT(*) FROM task_attempts WHERE job_id = '\(job)' AND result = 'done' GROUP BY task")
        #expect(doneRows.count == tasks.count)
        #expect(doneRows.allSatisfy { $0.hasSuffix("=1") }, "\(doneRows)")
        // The restarted primary dispatched nothing: every attempt after its start came from the backup's lease.
        #expect(try store.activeHolder()?.holder == "backup")

        let published = try #require(try store.job(job)?.published)
        let frames = try publishedFrames(farm.storage.appendingPathComponent(published))
        let local = try publishedFrames(try farm.renderLocally(shot))
        #expect(frames.count == 120)
        #expect(framesWithDifferentPixels(frames, local).isEmpty)
    }

    @Test func withThePeerLinkCutExactlyOneCoordinatorServes() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let shot = try farm.writeShot(frames: 24)
        let pair = CoordinatorPair(farm: farm)
        // Each side's state reaches the other through a relay.
        let relayPorts = [pair.peerPorts[1] + 10, pair.peerPorts[0] + 10]
        pair.peerTargets = relayPorts
        let relays = [
            try PeerRelay(farm: farm, name: "relay-to-backup", listen: relayPorts[0], target: pair.peerPorts[1]),
            try PeerRelay(farm: farm, name: "relay-to-primary", listen: relayPorts[1], target: pair.peerPorts[0]),
        ]
        let (primary, backup) = try pair.startSettled()

        // Cut the link; both stop hearing each other. Then nodes and clients come to the backup
        // first: its FSM fails over (the guide's split brain), but the job store's lease is the
        // primary's, so the backup steps back and only the primary serves.
        for relay in relays { relay.process.signal(SIGSTOP) }
        defer { for relay in relays { relay.process.signal(SIGCONT) } }
        Thread.sleep(forTimeInterval: 1.5)
        let refused = try Tool.run(Repository.scenefarm, ["status", "--coordinator", pair.clientEndpoint(1), "--timeout", "2"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("passive") || refused.stderr.contains("no answer"), "\(refused.stderr)")
        #expect(FarmHarness.eventually(timeout: .seconds(10)) { backup.log.contains("held by 'primary'") }, "backup: \(backup.log)")
        try pair.startNode("n1", order: [1, 0])
        try pair.startNode("n2", order: [1, 0])
        let job = try pair.submit(shot, order: [1, 0])
        let wait = try pair.cli(["wait", job], order: [1, 0])
        #expect(wait.status == 0, "wait: \(wait.stderr)")
        #expect(!backup.log.contains("active: serving"), "backup: \(backup.log)")
        #expect(try farm.store().activeHolder()?.holder == "primary")
        // Both nodes were served by the primary only.
        #expect(primary.log.contains("node n1 ready") && primary.log.contains("node n2 ready"))
        #expect(!backup.log.contains("node n1 ready") && !backup.log.contains("node n2 ready"))
        let doneRows = try pair.query("SELECT COUNT(*) FROM task_attempts WHERE job_id = '\(job)' AND result = 'done'")
        #expect(doneRows == [String(try farm.store().tasks(job: job).count)])
    }
}

extension FarmProcessTests {
    /// The backup in its own network namespace; the pair's state link on a veth of its own that
    /// the test takes down, while nodes reach both coordinators over another.
    @Test(.enabled(if: NetworkPartition.available, "needs root and ip netns"))
    func inANetworkPartitionOfThePairLinkOnlyTheLeaseHolderServes() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let net = try NetworkPartition()
        let shot = try farm.writeShot(frames: 24)
        let base = Int.random(in: 20000...59000)
        let primary = try farm.spawn("primary", [
            "coordinator", "--primary", "--insecure", "--peer-bind", "tcp://\(net.peerLink.outside):\(base)", "--peer", "tcp://\(net.peerLink.inside):\(base)",
            "--state", farm.state.path, "--storage", farm.storage.path,
            "--bind", "tcp://\(net.nodeLink.outside):\(base + 1)", "--client-bind", "tcp://\(net.nodeLink.outside):\(base + 2)",
        ])
        let backup = try FarmProcess(name: "backup", arguments: net.inside(Repository.scenefarm, [
            "coordinator", "--backup", "--insecure", "--peer-bind", "tcp://\(net.peerLink.inside):\(base)", "--peer", "tcp://\(net.peerLink.outside):\(base)",
            "--state", farm.state.path, "--storage", farm.storage.path,
            "--bind", "tcp://\(net.nodeLink.inside):\(base + 1)", "--client-bind", "tcp://\(net.nodeLink.inside):\(base + 2)",
        ]), logURL: farm.directory.appending("backup.log"), executable: "/usr/sbin/ip")
        defer {
            backup.signal(SIGKILL)
            _ = backup.waitForExit(timeout: .seconds(5))
        }
        #expect(FarmHarness.eventually(timeout: .seconds(20)) { primary.log.contains("active: serving") && backup.log.contains("backup → passive") },
                "primary: \(primary.log)\nbackup: \(backup.log)")
        try net.cutPeerLink()
        Thread.sleep(forTimeInterval: 1.5)
        // Nodes and clients try the backup first.
        let nodes = "tcp://\(net.nodeLink.inside):\(base + 1),tcp://\(net.nodeLink.outside):\(base + 1)"
        let clients = "tcp://\(net.nodeLink.inside):\(base + 2),tcp://\(net.nodeLink.outside):\(base + 2)"
        for name in ["n1", "n2"] { _ = try farm.spawn(name, ["node", "--name", name, "--storage", farm.storage.path, "--coordinator", nodes]) }
        let submitted = try Tool.run(Repository.scenefarm, ["submit", shot, "--coordinator", clients])
        #expect(submitted.status == 0, "submit: \(submitted.stderr)")
        let job = submitted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let wait = try Tool.run(Repository.scenefarm, ["wait", job, "--coordinator", clients])
        #expect(wait.status == 0, "wait: \(wait.stderr)")
        // The backup lost the primary and was asked: its FSM failed over, but the store's lease
        // is the primary's, so it never served.
        #expect(backup.log.contains("failover successful") && backup.log.contains("held by 'primary'"), "backup: \(backup.log)")
        #expect(!backup.log.contains("active: serving"), "backup: \(backup.log)")
        #expect(primary.log.contains("node n1 ready") && primary.log.contains("node n2 ready"))
        #expect(try farm.store().activeHolder()?.holder == "primary")
    }
}
