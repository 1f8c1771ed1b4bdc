import Farm
import FarmPostgres
import Foundation
import Plates
import Testing
import TestSupport

/// Issue 15's pair as studios run it: both coordinators on one PostgreSQL server (a pair on one
/// SQLite file only works on one machine), the active one killed mid-job.
extension FarmProcessTests {
    @Test func aPairOnOnePostgresStoreSurvivesTheActiveBeingKilledMidJob() throws {
        // A private cluster, started by the test: the shared one serves the store tests.
        let cluster = try ScratchPostgres(fsync: false)
        defer { cluster.remove() }
        try cluster.createDatabase("farm")
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        // Two 40-frame chunks at 4 fps: small frames, slow enough to kill the primary mid-chunk.
        let shot = try slowShot(farm, frames: 80)
        let pair = CoordinatorPair(farm: farm)
        pair.storeURL = cluster.url(database: "farm")
        let (primary, backup) = try pair.startSettled()
        try pair.startNode("n1")
        try pair.startNode("n2")
        let job = try pair.submit(shot)
        let store = try pair.store()
        #expect(FarmHarness.eventually(timeout: .seconds(30)) { try generateInProgress(store, job: job) != nil })

        primary.signal(SIGKILL)
        #expect(primary.waitForExit(timeout: .seconds(5)) != nil)
        #expect(FarmHarness.eventually(timeout: .seconds(15)) { backup.log.contains("failover successful, ready active") && backup.log.contains("active: serving") },
                "backup: \(backup.log)")
        let wait = try pair.cli(["wait", job])
        #expect(wait.status == 0, "wait: \(wait.stdout)\(wait.stderr)\nbackup: \(backup.log)")
        #expect(try pair.query("SELECT holder FROM active_coordinator") == ["backup"])

        // Each task's completion recorded once, read from PostgreSQL by psql: one attempt per
        // task ended 'done', the publish task's included.
        let tasks = try store.tasks(job: job)
        #expect(tasks.allSatisfy { $0.state == .done })
        let doneRows = try pair.query("SELECT task || '=' || COUNT(*) FROM task_attempts WHERE job_id = '\(job)' AND result = 'done' GROUP BY task ORDER BY task")
        #expect(doneRows.count == tasks.count, "\(doneRows)")
        #expect(doneRows.allSatisfy { $0.hasSuffix("=1") }, "\(doneRows)")
        #expect(tasks.filter { $0.node.kind == .publish }.count == 1)

        // Published once: one version folder, holding every frame, the pixels of a local render.
        let published = try #require(try store.job(job)?.published)
        let version = farm.storage.appendingPathComponent(published)
        let versions = try FileManager.default.contentsOfDirectory(atPath: version.deletingLastPathComponent().path).filter { !$0.hasPrefix(".") }
        #expect(versions == [version.lastPathComponent], "\(versions)")
        let frames = try publishedFrames(version)
        #expect(frames.count == 80)
        #expect(framesWithDifferentPixels(frames, try publishedFrames(try farm.renderLocally(shot))).isEmpty)
    }
}
