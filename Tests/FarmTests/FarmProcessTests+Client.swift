import Farm
import Foundation
import Testing
import TestSupport

/// The client commands' exit codes: 2 for the user's mistakes, 3 when no coordinator answers.
extension FarmProcessTests {
    @Test func aBadSpecOrAnUnknownJobExitsTwoWithTheReason() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        try farm.startCoordinator()
        let bad = try farm.directory.write("bad.yaml", """
            spec_version: 1
            show: demo
            shot: farm_010
            fps: 24
            frames: {first: 1001, count: 30}
            resolution: [64]
            generator: {name: testpattern}
            output: {plate: main, version: next}
            """)
        let submitted = try farm.cli(["submit", bad])
        #expect(submitted.status == 2)
        #expect(submitted.stderr.contains("resolution"), "\(submitted.stderr)")
        #expect(submitted.stdout.isEmpty)

        let unknown = try farm.cli(["wait", "j00000000-000000-000000"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("j00000000-000000-000000"))
        let status = try farm.cli(["status", "j00000000-000000-000000"])
        #expect(status.status == 2)
        #expect(try farm.client().status().isEmpty)
    }

    @Test func aClientWithNoCoordinatorExitsThreeWithinItsTimeout() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        // A port nothing listens on: the coordinator was never started.
        let endpoint = "tcp://127.0.0.1:\(Int.random(in: 20000...59999))"
        let shot = try farm.writeShot(frames: 30)
        for arguments in [["status"], ["submit", shot], ["wait", "j00000000-000000-000000"], ["nodes"]] {
            let result = try Tool.run(Repository.scenefarm, arguments + ["--coordinator", endpoint, "--timeout", "1"])
            #expect(result.status == 3, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(endpoint))
        }
    }
}
