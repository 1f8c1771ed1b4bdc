import Farm
import Foundation
import Testing
import TestSupport

/// The coordinator's job store on a disk that fills up, then has room again.
extension FarmProcessTests {
    @Test(.enabled(if: SmallDisk.available, "needs root to mount a tmpfs"))
    func aCoordinatorWhoseStoreDiskFillsSaysWhyOnceAndServesAgainWhenThereIsRoom() throws {
        let farm = try FarmHarness()
        // The state folder is an 8 MB disk of its own.
        let disk = try SmallDisk(at: farm.state, megabytes: 8)
        defer {
            farm.shutdown()
            disk.unmount()
        }
        let shot = try farm.writeShot(frames: 24)
        let coordinator = try farm.startCoordinator()
        let first = try farm.submit(shot)
        let filler = try disk.fill()

        // A request whose write fails is answered with why (before, the coordinator dropped it
        // and the client waited out its timeout): at once while it still serves, or as passive.
        let drain = try farm.cli(["nodes", "drain", "n1", "--timeout", "6"])
        #expect(drain.status == 1)
        #expect(drain.stderr.contains("is out of disk space"), "\(drain.stderr)")

        // A submission is refused with the reason (its insert fails, or the coordinator has
        // already stepped down because it cannot renew its lease in the store, and says why),
        // exit 1, and leaves no staging folder behind: only the first job's is there.
        let refused = try farm.cli(["submit", shot, "--timeout", "6"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("job store \(farm.state.path)/scenefarm.sqlite is out of disk space"), "\(refused.stderr)")
        #expect(try stagingFolders(farm.storage) == [first])

        // It retries its store lease several times a second (and a turn of its loop may fail
        // too); the log says why once, not once a try.
        let failing = "claiming or renewing the job store's active lease failed"
        #expect(FarmHarness.eventually(timeout: .seconds(5)) { coordinator.log.contains(failing) })
        Thread.sleep(forTimeInterval: 3)
        let full = coordinator.log.split(separator: "\n").filter { $0.contains("is out of disk space") }
        #expect(coordinator.log.components(separatedBy: failing).count - 1 == 1)
        #expect((1...2).contains(full.count), "\(full.joined(separator: "\n"))")
        #expect(coordinator.log.contains("passive: the job store's active lease ran out before it could be renewed"))
        // A client hears why no coordinator serves.
        let status = try farm.cli(["status", "--timeout", "3"])
        #expect(status.status == 1)
        #expect(status.stderr.contains("answered that it is passive") && status.stderr.contains("is out of disk space"), "\(status.stderr)")

        // Room again: it serves within a lease renewal or two, says so, and takes new jobs.
        try FileManager.default.removeItem(at: filler)
        #expect(FarmHarness.eventually(timeout: .seconds(10)) { coordinator.log.contains("claiming or renewing the job store's active lease works again") })
        let second = try farm.submit(shot)
        #expect(try stagingFolders(farm.storage) == [first, second].sorted())
        let listed = try farm.cli(["status"])
        #expect(listed.status == 0 && listed.stdout.contains(first) && listed.stdout.contains(second), "\(listed.stdout)\(listed.stderr)")
        #expect(coordinator.isRunning)
    }

    /// The job ids that have a staging folder (`.work/JOB`) anywhere under `storage`, sorted.
    private func stagingFolders(_ storage: URL) throws -> [String] {
        let paths = FileManager.default.enumerator(atPath: storage.path)?.compactMap { $0 as? String } ?? []
        return paths.compactMap { path -> String? in
            let parts = path.split(separator: "/")
            guard parts.count >= 2, parts[parts.count - 2] == ".work" else { return nil }
            return String(parts[parts.count - 1])
        }.sorted()
    }
}
