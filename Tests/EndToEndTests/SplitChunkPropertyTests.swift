import Foundation
import Testing
import TestSupport

/// Issue 14's property: whatever the split of chunks into frame-range tasks, the order the tasks
/// run in and the threads each uses, the plate is render's, pixel for pixel (OIIO's hash), and so
/// are the seam scores, proxies and contact sheet, whichever of the per-frame pieces the tasks
/// leave for publish (`extras/`) are there: publish measures whatever is missing from the frames.
@Suite("split chunks stay bit-identical", .serialized)
struct SplitChunkPropertyTests {
    /// The thread test's shot, with PNG proxies of every second frame and the DWAA compression of
    /// the long example, so proxies and frame differences are measured on lossy read-back pixels.
    static func shot() throws -> String {
        let text = try ThreadIndependenceTests.shot()
        let from = "  compression: zip\n  proxies: {format: none}\n"
        #expect(text.contains(from))
        return text.replacingOccurrences(of: from, with: "  compression: dwaa\n  proxies: {format: png, every: 2}\n")
    }

    /// What publish derives beside the frames: the report's seam scores and every proxy file's bytes.
    static func derived(_ version: URL) throws -> (seams: NSDictionary?, proxies: [String: Data]) {
        let files = try FileManager.default.contentsOfDirectory(atPath: version.path)
        let report = try #require(files.first { $0.hasSuffix(".report.json") })
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: version.appendingPathComponent(report))) as? [String: Any]
        let proxyFolder = version.appendingPathComponent("proxy")
        var proxies: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: proxyFolder.path) {
            proxies[name] = try Data(contentsOf: proxyFolder.appendingPathComponent(name))
        }
        return ((json?["seams"] as? [String: Any]).map { $0 as NSDictionary }, proxies)
    }

    @Test("random splits, task orders, thread counts and missing extras all give render's pixels, seams and proxies")
    func randomSplits() throws {
        let dir = TemporaryDirectory("split")
        let spec = try dir.write("shot.yaml", try Self.shot())
        let render = try Tool.run(Repository.scenefarm, ["render", spec, "--out", dir.appending("render").path])
        #expect(render.status == 0, "\(render.stderr)")
        let renderVersion = URL(fileURLWithPath: render.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let expected = try FarmQueueExportTests.pixelHashes(renderVersion.path)
        #expect(expected.count == 24)
        let expectedDerived = try Self.derived(renderVersion)
        // 12 proxies (every second of 24 frames) and the contact sheet; one boundary, one seam.
        #expect(expectedDerived.proxies.count == 13)
        #expect((expectedDerived.seams?["seams"] as? [Any])?.count == 1)

        let seed = ProcessInfo.processInfo.environment["SCENEFARM_TEST_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0...UInt64.max)
        // SplitMix64, so a failing trial can be replayed with `SCENEFARM_TEST_SEED`.
        var random = SplitMix64(seed: seed)
        for trial in 0..<3 {
            let taskFrames = Int.random(in: 1...9, using: &random)
            // Trial 0: no extras at all (publish measures everything, as before extras existed).
            let dropChance = trial == 0 ? 1.0 : Double.random(in: 0...0.5, using: &random)
            let label = "seed \(seed) trial \(trial): taskFrames \(taskFrames), extras dropped with chance \(dropChance)"
            // The plate root is the workers' shared storage: it exists before an export.
            let root = dir.appending("farm\(trial)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            let bundle = dir.appending("bundle\(trial)")
            let export = try Tool.run(Repository.scenefarm, ["export", "openjd", spec, "--out", bundle.path, "--root", root.path, "--task-frames", String(taskFrames)])
            #expect(export.status == 0, "\(export.stderr)")
            let job = bundle.appendingPathComponent("job.json").path
            let graph = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: job))) as? [String: Any]
            let parts = ((graph?["tasks"] as? [[String: Any]]) ?? []).filter { $0["kind"] as? String == "generate" }.count
            // 24 frames in two chunks of 13 and 12 (one overlap frame), cut into runs of ≤ taskFrames.
            #expect(parts == (13 + taskFrames - 1) / taskFrames + (12 + taskFrames - 1) / taskFrames, "\(label)")

            func run(_ arguments: [String]) throws {
                let threads = String(Int.random(in: 1...4, using: &random))
                let result = try Tool.run(Repository.scenefarm, ["task", "run", job, "--threads", threads] + arguments)
                #expect(result.status == 0, "\(label), \(arguments), \(threads) threads: \(result.stderr)")
            }
            try run(["--task", "lighting"])
            for part in (0..<parts).shuffled(using: &random) { try run(["--task", "generate", "--part", String(part)]) }
            try run(["--task", "blend", "--index", "0"])

            let plates = root.appendingPathComponent("demo/courtyard_020/plates/main")
            let work = plates.appendingPathComponent(".work")
            let jobFolder = try #require(try FileManager.default.contentsOfDirectory(atPath: work.path).first)
            let extras = work.appendingPathComponent(jobFolder).appendingPathComponent("extras")
            let left = FileManager.default.enumerator(atPath: extras.path)?.compactMap { $0 as? String }.filter { $0.contains(".") } ?? []
            // Every proxied frame has a proxy and a thumbnail; every generate part of 2+ owned frames its pairs.
            #expect(left.filter { $0.hasPrefix("proxy/") }.count == 12, "\(label)")
            #expect(left.filter { $0.hasPrefix("thumbnail/") }.count == 12, "\(label)")
            #expect(!left.filter { $0.hasPrefix("pairs/") }.isEmpty || taskFrames == 1, "\(label)")
            for file in left where Double.random(in: 0..<1, using: &random) < dropChance {
                try FileManager.default.removeItem(at: extras.appendingPathComponent(file))
            }

            try run(["--task", "publish"])
            let version = plates.appendingPathComponent("v001")
            #expect(try FarmQueueExportTests.pixelHashes(version.path) == expected, "\(label): pixels differ from render")
            let derived = try Self.derived(version)
            #expect(derived.seams == expectedDerived.seams, "\(label): seam scores differ from render")
            #expect(derived.proxies == expectedDerived.proxies, "\(label): proxies or contact sheet differ from render")
        }
    }
}
