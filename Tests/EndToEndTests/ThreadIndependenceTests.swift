import Foundation
import Testing
import TestSupport

/// Frames must be the same bits whichever node renders them, however many cores it has
/// (issue 14): a render with 1, 2, 3 and 7 threads gives the same pixels, checked by OIIO's own
/// pixel hash, and the same scene lighting solve.
@Suite("pixels do not depend on the thread count", .serialized)
struct ThreadIndependenceTests {
    /// The courtyard scene (moving balls, motion blur, a lamp, GI) at 2 fps so 24 frames make
    /// two chunks and a blended boundary, at a size a debug build renders in seconds.
    static func shot() throws -> String {
        var text = try String(contentsOfFile: Repository.path("Farm/shots/courtyard_long.yaml"), encoding: .utf8)
        for (from, to) in [
            ("fps: 24\n", "fps: 2\n"), ("  seconds: 26               # 624 frames, 1001-1624\n", "  count: 24\n"),
            ("resolution: [960, 540]", "resolution: [64, 36]"), ("  version: next\n", "  version: v001\n"),
            ("  compression: dwaa\n", "  compression: zip\n  proxies: {format: none}\n"),
            ("end: 1240", "end: 1008"), ("start: 1240, end: 1480", "start: 1008, end: 1016"),
            ("start: 1420, end: 1600", "start: 1012, end: 1024"), ("start: 1480, end: 1600", "start: 1016, end: 1024"),
        ] {
            #expect(text.contains(from), "courtyard_long.yaml changed: \(from)")
            text = text.replacingOccurrences(of: from, with: to)
        }
        return text
    }

    @Test("render with 1 (on one core), 2, 3 and 7 threads: identical pixel hashes and lighting")
    func sameBitsForAnyThreadCount() throws {
        let dir = TemporaryDirectory("threads")
        let spec = try dir.write("shot.yaml", try Self.shot())
        var hashes: [Int: [String]] = [:]
        var lighting: [Int: [Float]] = [:]
        for threads in [1, 2, 3, 7] {
            let out = dir.appending("t\(threads)")
            // The one-thread render is also pinned to one core, as on a one-core node: libraries that
            // size their own thread pools by the cores they see (OpenBLAS) then differ too.
            let arguments = ["render", spec, "--out", out.path, "--threads", String(threads)]
            let run = threads == 1
                ? try Tool.run("taskset", ["-c", "0", Repository.scenefarm] + arguments)
                : try Tool.run(Repository.scenefarm, arguments)
            #expect(run.status == 0, "\(run.stderr)")
            let folder = out.appendingPathComponent("demo/courtyard_020/plates/main/v001")
            let frames = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".exr") }.sorted()
            #expect(frames.count == 24)
            let info = try Tool.run("iinfo", ["--hash"] + frames.map { folder.appendingPathComponent($0).path })
            #expect(info.status == 0)
            hashes[threads] = info.stdout.split(separator: "\n").filter { $0.contains("SHA-1") }.map(String.init)
            #expect(hashes[threads]?.count == 24)
            let solves = out.appendingPathComponent(".scenefarm/lighting")
            let artifact = try #require(try FileManager.default.contentsOfDirectory(atPath: solves.path).first { $0.hasSuffix(".json") })
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: solves.appendingPathComponent(artifact))) as? [String: Any]
            lighting[threads] = (json?["irradiance"] as? [NSNumber])?.map(\.floatValue)
        }
        #expect(hashes[1] != nil && !(hashes[1]!.isEmpty))
        for threads in [2, 3, 7] {
            #expect(hashes[threads] == hashes[1], "pixels with \(threads) threads differ from 1 thread")
            let a = lighting[threads] ?? [], b = lighting[1] ?? []
            #expect(!b.isEmpty && a.count == b.count)
            let differing = zip(a, b).filter { $0.0.bitPattern != $0.1.bitPattern }.count
            #expect(differing == 0, "lighting solve with \(threads) threads: \(differing) of \(b.count) irradiance values differ from 1 thread")
        }
    }

    @Test("--threads outside 1…256 is bad input")
    func threadsOutOfRange() throws {
        let dir = TemporaryDirectory("threads")
        let spec = try dir.write("shot.yaml", try Self.shot())
        let run = try Tool.run(Repository.scenefarm, ["render", spec, "--threads", "0"])
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("error: --threads must be 1…256, got 0"))
    }
}

/// Issue 14's property: whatever the split of chunks into frame-range tasks, the order the tasks
/// run in and the threads each uses, the plate is render's, pixel for pixel (OIIO's hash).
@Suite("split chunks stay bit-identical", .serialized)
struct SplitChunkPropertyTests {
    @Test("random splits, task orders and thread counts all give render's pixels")
    func randomSplits() throws {
        let dir = TemporaryDirectory("split")
        let spec = try dir.write("shot.yaml", try ThreadIndependenceTests.shot())
        let render = try Tool.run(Repository.scenefarm, ["render", spec, "--out", dir.appending("render").path])
        #expect(render.status == 0, "\(render.stderr)")
        let expected = try FarmQueueExportTests.pixelHashes(render.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(expected.count == 24)

        var random = SystemRandomNumberGenerator()
        for trial in 0..<3 {
            let taskFrames = Int.random(in: 1...9, using: &random)
            let root = dir.appending("farm\(trial)")
            let bundle = dir.appending("bundle\(trial)")
            let export = try Tool.run(Repository.scenefarm, ["export", "openjd", spec, "--out", bundle.path, "--root", root.path, "--task-frames", String(taskFrames)])
            #expect(export.status == 0, "\(export.stderr)")
            let job = bundle.appendingPathComponent("job.json").path
            let graph = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: job))) as? [String: Any]
            let parts = ((graph?["tasks"] as? [[String: Any]]) ?? []).filter { $0["kind"] as? String == "generate" }.count
            // 24 frames in two chunks of 13 and 12 (one overlap frame), cut into runs of ≤ taskFrames.
            #expect(parts == (13 + taskFrames - 1) / taskFrames + (12 + taskFrames - 1) / taskFrames, "taskFrames \(taskFrames)")

            func run(_ arguments: [String]) throws {
                let threads = String(Int.random(in: 1...4, using: &random))
                let result = try Tool.run(Repository.scenefarm, ["task", "run", job, "--threads", threads] + arguments)
                #expect(result.status == 0, "\(arguments): \(result.stderr)")
            }
            try run(["--task", "lighting"])
            for part in (0..<parts).shuffled(using: &random) { try run(["--task", "generate", "--part", String(part)]) }
            try run(["--task", "blend", "--index", "0"])
            try run(["--task", "publish"])
            let published = try FarmQueueExportTests.pixelHashes(root.appendingPathComponent("demo/courtyard_020/plates/main/v001").path)
            #expect(published == expected, "taskFrames \(taskFrames): pixels differ from render")
        }
    }
}
