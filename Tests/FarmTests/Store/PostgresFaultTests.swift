@testable import Farm
import FarmPostgres
import Foundation
import Testing
import TestSupport

/// Issue 15's "kill PostgreSQL and start it again mid-job", with real processes: a coordinator on
/// a PostgreSQL store, a node, and the server stopped (connections cut, as an operator's restart
/// does) while a chunk renders.
@Suite struct PostgresFaultTests {
    @Test func aCoordinatorOnPostgresRidesThroughAServerRestartMidJob() throws {
        // Its own cluster: stopping the shared one would stall the other store tests.
        let cluster = try ScratchPostgres(fsync: false)
        defer { cluster.remove() }
        try cluster.createDatabase("farm")
        let url = cluster.url(database: "farm")
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        // 120 frames at 4 fps: three chunks of about a second each at 320×180.
        let shot = try farm.writeShot(name: "slow", fps: 4, frames: 120, width: 320, height: 180)
        let coordinator = try farm.startCoordinator(["--store", url])
        try farm.startNode("n1")
        #expect(farm.waitForNodes(["n1"], client: try farm.client()))
        let job = try farm.submit(shot)
        let store = try JobStore(backend: PostgresStore(url, reconnectFor: 60))
        #expect(FarmHarness.eventually(timeout: .seconds(30)) {
            let tasks = try store.tasks(job: job)
            return tasks.contains { $0.node.kind == .generate && $0.state == .done } && tasks.contains { $0.state == .leased }
        })
        try cluster.stop()
        Thread.sleep(forTimeInterval: 2)
        try cluster.start()

        let wait = try farm.cli(["wait", job])
        #expect(wait.status == 0, "wait: \(wait.stderr)\n\(coordinator.log)")
        let tasks = try store.tasks(job: job)
        #expect(tasks.allSatisfy { $0.state == .done })
        // Each task's completion is recorded once: one attempt ended 'done' per task.
        let attempts = try #require(try store.timeline(jobs: [job])[job]?.attempts)
        for task in tasks {
            #expect(attempts.filter { $0.task == task.node.name && $0.result == .done }.count == 1, "\(task.node.name): \(attempts.filter { $0.task == task.node.name })")
        }
        let status = try #require(try farm.statusJSON(job))
        #expect(status.state == .done && status.framesDone == 120)
        #expect(coordinator.log.contains("job store postgres://postgres@/farm?host=\(cluster.socketDirectory): "), "\(coordinator.log)")
        #expect(coordinator.log.contains("connected again after"), "\(coordinator.log)")
    }
}
