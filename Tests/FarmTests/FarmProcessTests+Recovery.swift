import Farm
import Foundation
import Plates
import Testing
import TestSupport

/// Nodes and the coordinator dying, joining and leaving while a job runs.
extension FarmProcessTests {
    /// 160 frames at 4 fps: four chunks of about 41 frames, each taking about a second at 320×180.
    func slowShot(_ farm: FarmHarness, frames: Int = 160) throws -> String {
        try farm.writeShot(name: "slow", fps: 4, frames: frames, width: 320, height: 180)
    }

    /// The first generate task of `job` seen leased with some, but not all, of its frames written.
    func generateInProgress(_ store: JobStore, job: String, on worker: String? = nil) throws -> StoredTask? {
        try store.tasks(job: job).first {
            $0.node.kind == .generate && $0.state == .leased && $0.framesDone > 0 && $0.framesDone < 30
                && (worker == nil || $0.worker == worker)
        }
    }

    @Test func aTaskOfANodeKilledMidTaskCompletesOnAnotherNode() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let shot = try slowShot(farm)
        let coordinator = try farm.startCoordinator()
        let nodes = ["n1": try farm.startNode("n1"), "n2": try farm.startNode("n2")]
        let client = try farm.client()
        #expect(farm.waitForNodes(["n1", "n2"], client: client))
        let job = try farm.submit(shot)
        let store = try farm.store()

        var victimTask: StoredTask?
        #expect(FarmHarness.eventually(timeout: .seconds(20)) {
            victimTask = try generateInProgress(store, job: job)
            return victimTask != nil
        })
        let killed = try #require(victimTask)
        let victim = try #require(killed.worker)
        let survivor = victim == "n1" ? "n2" : "n1"
        nodes[victim]?.signal(SIGKILL)

        let wait = try farm.cli(["wait", job])
        #expect(wait.status == 0, "wait: \(wait.stderr)")
        let retried = try #require(try store.tasks(job: job).first { $0.node.name == killed.node.name })
        #expect(retried.state == .done)
        #expect(retried.attempts == 2)
        #expect(retried.worker == survivor)
        #expect(coordinator.log.contains("node \(victim)'s connection closed"))
        #expect(coordinator.log.contains("node \(victim) is gone"))

        let status = try #require(try farm.statusJSON(job))
        let frames = try publishedFrames(farm.storage.appendingPathComponent(try #require(status.published)))
        let local = try publishedFrames(try farm.renderLocally(shot))
        #expect(frames.count == 160)
        #expect(framesWithDifferentPixels(frames, local).isEmpty)
        let chunk = killed.node.index
        #expect(frames.values.filter { $0.string("scenefarm/chunk") == String(chunk) }.allSatisfy { $0.string("scenefarm/node") == survivor })
    }

    @Test func aRestartedCoordinatorResumesTheJobWithoutRerunningDoneTasks() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let shot = try slowShot(farm)
        let first = try farm.startCoordinator()
        try farm.startNode("n1")
        let client = try farm.client()
        #expect(farm.waitForNodes(["n1"], client: client))
        let job = try farm.submit(shot)
        let store = try farm.store()

        // Kill it once a chunk is done and the next one is under way.
        var doneBefore: Set<String> = []
        #expect(FarmHarness.eventually(timeout: .seconds(20)) {
            let tasks = try store.tasks(job: job)
            doneBefore = Set(tasks.filter { $0.state == .done }.map(\.node.name))
            let inProgress = try generateInProgress(store, job: job)
            return tasks.contains { $0.node.kind == .generate && $0.state == .done } && inProgress != nil
        })
        first.signal(SIGKILL)
        #expect(first.waitForExit(timeout: .seconds(5)) != nil)
        #expect(try store.job(job)?.state == .running)
        // Come back before the node gives up on this connection (3 s): it has queued heartbeats
        // and progress for the dead coordinator, which the new one must sort out.
        Thread.sleep(forTimeInterval: 2)

        let second = try farm.startCoordinator(samePorts: true)
        let wait = try farm.cli(["wait", job])
        #expect(wait.status == 0, "wait: \(wait.stderr)")
        // Every message the node sent before its READY got a RECONNECT; it answered them all with one READY.
        #expect(second.log.components(separatedBy: "node n1 ready").count - 1 == 1, "\(second.log)")
        let tasks = try store.tasks(job: job)
        #expect(tasks.allSatisfy { $0.state == .done })
        for name in doneBefore.sorted() {
            #expect(tasks.first { $0.node.name == name }?.attempts == 1, "\(name) ran again")
        }
        let status = try #require(try farm.statusJSON(job))
        #expect(status.state == .done)
        #expect(status.chunksDone == 4)
        let frames = try publishedFrames(farm.storage.appendingPathComponent(try #require(status.published)))
        #expect(frames.count == 160)
    }

    @Test func aJoiningNodeTakesTasksAndADrainedNodeFinishesItsTaskAndLeaves() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let shot = try slowShot(farm, frames: 200)
        try farm.startCoordinator()
        let n1 = try farm.startNode("n1")
        let client = try farm.client()
        #expect(farm.waitForNodes(["n1"], client: client))
        let job = try farm.submit(shot)
        let store = try farm.store()
        #expect(FarmHarness.eventually(timeout: .seconds(20)) { try generateInProgress(store, job: job, on: "n1") != nil })

        try farm.startNode("n2")
        #expect(FarmHarness.eventually(timeout: .seconds(20)) { try store.tasks(job: job).contains { $0.worker == "n2" } })

        // SIGTERM n1 while it is part-way through a chunk: it must finish that chunk itself.
        var drainedTask: StoredTask?
        #expect(FarmHarness.eventually(timeout: .seconds(20)) {
            drainedTask = try generateInProgress(store, job: job, on: "n1")
            return drainedTask != nil
        })
        let task = try #require(drainedTask)
        n1.signal(SIGTERM)
        #expect(n1.waitForExit(timeout: .seconds(20)) == 0, "n1: \(n1.log)")

        let wait = try farm.cli(["wait", job])
        #expect(wait.status == 0, "wait: \(wait.stderr)")
        let finished = try #require(try store.tasks(job: job).first { $0.node.name == task.node.name })
        #expect(finished.attempts == 1)
        #expect(finished.worker == "n1")
        let listed = try farm.cli(["nodes"])
        #expect(listed.status == 0)
        let names = listed.stdout.split(separator: "\n").dropFirst().compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(names == ["n2"])

        let status = try #require(try farm.statusJSON(job))
        let frames = try publishedFrames(farm.storage.appendingPathComponent(try #require(status.published)))
        #expect(frames.count == 200)
        #expect(frames.values.contains { $0.string("scenefarm/node") == "n2" })
        #expect(frames.values.filter { $0.string("scenefarm/chunk") == String(task.node.index) }.allSatisfy { $0.string("scenefarm/node") == "n1" })
    }
}
