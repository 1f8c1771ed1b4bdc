import Chunking
import Foundation
import FuzzSupport
import ShotSpec

/// Shot spec loader: the input is spec text, read as JSON (`SpecValue.parseJSON`, as `load` does
/// for `.json` files) and as YAML (`ShotSpecLoader.parse`, as the coordinator does for a
/// SUBMIT's `specText`). A spec that validates is planned, like `validate` and `submit` do, and
/// its canonical JSON (the job's `specJSON`, which every node parses again) must read back to
/// the same document: anything else is a crash, found as one.
@main enum FuzzSpec {
    static let base = URL(fileURLWithPath: "/nonexistent/fuzz", isDirectory: true)

    static func main() {
        Fuzzer.main("FuzzSpec", seeds: writeSeeds) { bytes in
            let data = Data(bytes)
            if let document = try? SpecValue.parseJSON(data, file: "fuzz.json") {
                check(document)
            }
            if let spec = try? ShotSpecLoader.parse(String(decoding: data, as: UTF8.self), baseDirectory: base, name: "fuzz.yaml") {
                check(spec.document)
            }
        }
    }

    static func check(_ document: SpecValue) {
        guard let spec = try? ShotSpecLoader.decode(document, baseDirectory: base) else { return }
        _ = try? ChunkPlanner.plan(spec)
        let canonical = document.canonicalJSON
        let again: SpecValue
        do {
            again = try SpecValue.parseJSON(Data(canonical.utf8), file: "job")
            _ = try ShotSpecLoader.decode(again, baseDirectory: base)
        } catch {
            fatalError("a valid spec's canonical JSON does not load again (\(error)): \(canonical.prefix(400))")
        }
        guard again == document else { fatalError("a valid spec's canonical JSON reads back differently: \(canonical.prefix(400))") }
    }

    /// Seeds: the example shots, plus a few small documents in both syntaxes.
    static func writeSeeds(_ folder: URL) throws {
        let shots = URL(fileURLWithPath: "Farm/shots", isDirectory: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: shots.path).sorted() {
            try Fuzzer.write(Data(contentsOf: shots.appendingPathComponent(file)), to: folder, file)
        }
        let small = """
            show: demo
            shot: sh010
            fps: 24000/1001
            frames: {first: 1001, count: 12}
            resolution: [64, 36]
            generator: {name: testpattern}
            chunking: {overlap: 4, mode: parallel}
            """
        try Fuzzer.write(small.utf8, to: folder, "small.yaml")
        let json = #"{"show":"demo","shot":"sh010","fps":25,"frames":{"first":1,"last":10},"resolution":[32,32],"output":{"compression":"dwaa","dwa_level":45}}"#
        try Fuzzer.write(json.utf8, to: folder, "small.json")
        let anchors = """
            show: &s demo
            shot: *s
            fps: 24
            frames: {first: 1, seconds: 0.5}
            resolution: &r [16, 16]
            generator: {name: scenelit, params: {a: *r, b: [*r, *r]}}
            """
        try Fuzzer.write(anchors.utf8, to: folder, "anchors.yaml")
    }
}
