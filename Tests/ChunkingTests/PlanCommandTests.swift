import Foundation
import Testing
import TestSupport

/// `scenefarm plan`, run as the real binary.
@Suite struct PlanCommandTests {
    static func writeSpec(_ extra: String = "") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("shot.yaml").path
        let yaml = """
        show: demo
        shot: sh010
        fps: 23.976
        frames: { first: 1001, count: 1000 }
        resolution: [64, 36]
        generator: { name: testpattern }
        \(extra)
        """
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func planPrintsTheChunkTableAndMode() throws {
        let spec = try Self.writeSpec()
        let result = try Tool.run(Repository.scenefarm, ["plan", spec])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
        1000 frames 1001–2000 at 24000/1001 fps: 5 chunks of at most 251 frames, overlap 12, mode parallel for testpattern
        chunk  first–last   frames  overlap  seconds
            0  1001–1210       210        0    8.759
            1  1199–1408       210       12    8.759
            2  1397–1606       210       12    8.759
            3  1595–1803       209       12    8.717
            4  1792–2000       209       12    8.717

        """)
    }

    @Test func framesNumberedPastSixDigitsKeepWholeRangesAndColumns() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let spec = folder.appendingPathComponent("shot.yaml").path
        try """
        show: demo
        shot: sh010
        fps: 24
        frames: { first: 999001, count: 1000 }
        resolution: [64, 36]
        generator: { name: testpattern }
        """.write(toFile: spec, atomically: true, encoding: .utf8)
        let result = try Tool.run(Repository.scenefarm, ["plan", spec])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines[1] == "chunk  first–last       frames  overlap  seconds", "\(result.stdout)")
        #expect(lines.last == "    4  999792–1000000      209       12    8.708", "\(result.stdout)")
        // Every row's columns line up under the header's.
        #expect(Set(lines.dropFirst().map(\.count)).count == 1, "\(result.stdout)")
    }

    @Test func overlapOptionReplacesTheSpecsOverlap() throws {
        let spec = try Self.writeSpec("chunking: { overlap: 30 }")
        let result = try Tool.run(Repository.scenefarm, ["plan", spec, "--overlap", "0"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("overlap 0,"))
        #expect(result.stdout.contains("    3  1751–2000       250        0   10.427"))
    }

    @Test func badOverlapExitsTwoWithTheFieldPath() throws {
        let spec = try Self.writeSpec()
        let result = try Tool.run(Repository.scenefarm, ["plan", spec, "--overlap", "126"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "error: \(spec): shot.chunking.overlap: 126 frames is at least half of the 251-frame chunk limit at 24000/1001 fps; use at most 125\n")
    }

    @Test func sequentialForAnUnconditionedGeneratorExitsTwo() throws {
        let spec = try Self.writeSpec("chunking: { mode: sequential }")
        let result = try Tool.run(Repository.scenefarm, ["plan", spec])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: \(spec): shot.chunking.mode: sequential needs a generator that accepts conditioning frames"))
    }
}
