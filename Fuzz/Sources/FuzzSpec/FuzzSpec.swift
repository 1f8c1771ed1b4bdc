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

    /// Seeds: the example shots, a few small documents in both syntaxes, and specs near the
    /// loader's limits (deep nesting, alias expansion, large rational frame rates), from which
    /// the mutator reaches past them in a few steps.
    static func writeSeeds(_ folder: URL) throws {
        let shots = URL(fileURLWithPath: "Farm/shots", isDirectory: true)
        // The shots themselves; their folders (textures) are not specs.
        for file in try FileManager.default.contentsOfDirectory(atPath: shots.path).sorted() where [".yaml", ".json"].contains(where: file.hasSuffix) {
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
        let header = "show: demo\nshot: sh020\nfps: \"120000/1001\"\nframes: {first: 1001, last: 1100}\nresolution: [32, 18]\n"
        let deep = String(repeating: "[", count: 24) + "1" + String(repeating: "]", count: 24)
        try Fuzzer.write((header + "generator: {name: scenelit, params: {a: \(deep), b: {c: {d: {e: [x, {f: 1}]}}}}}\n").utf8, to: folder, "deep.yaml")
        var laughs = "generator:\n  name: scenelit\n  params:\n    l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...3 {
            laughs += "    l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        try Fuzzer.write((header + laughs).utf8, to: folder, "aliases.yaml")
        let extremes = header.replacingOccurrences(of: "120000/1001", with: "1000000/999999")
            + "chunking: {overlap: 99, conditioning_frames: 7}\ncamera: {position: [999999, 0, -999999], target: [0, 1e-300, 0]}\n"
        try Fuzzer.write(extremes.utf8, to: folder, "extremes.yaml")
        // A byte away from a number beyond Double (1.7e309) in a generator's free parameters,
        // which every node reads back from the canonical JSON (`check`).
        let numbers = header + "generator: {name: testpattern, params: {gain: 1.7e308, curve: [9e307, -1.7e308, 5e-324]}}\n"
        try Fuzzer.write(numbers.utf8, to: folder, "numbers.yaml")
        // Strings libyaml reads differently from JSON unless rewritten (`JSONStringsForYAML`):
        // surrogate pairs, raw separators, NEL, DEL, C1 controls, byte order marks.
        let strings = #"{"show":"demo","shot":"sh010","fps":24,"frames":{"count":2},"resolution":[32,18],"generator":{"name":"testpattern","params":{"a":"\ud83c\udfac\\ud83c","b":"\#u{2028}\#u{85}\#u{7F}\#u{80}\#u{FEFF}\#u{FFFF}","c":"\u2029\u009f"}}}"#
        try Fuzzer.write(strings.utf8, to: folder, "strings.json")
        try Fuzzer.write(#"{"show":"demo","shot":"sh010","fps":25,"frames":{"count":3},"resolution":[32,32],"generator":{"name":"testpattern","params":{"gain":1.7e308}}}"#.utf8, to: folder, "numbers.json")

        // The hostile specs of issue 10, each of which crashed or exhausted the loader before its
        // limits: here they keep the limits under test in every short run of `make test`.
        let hostile: [(String, String)] = [
            ("deep-list", header + "generator: {name: scenelit, params: {a: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}}\n"),
            ("deep-map", header + "camera: " + String(repeating: "{a: ", count: 5_000) + "1" + String(repeating: "}", count: 5_000) + "\n"),
            ("laughs", header + "generator:\n  name: scenelit\n  params:\n    l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
                + (1...7).map { "    l\($0): &l\($0) [" + Array(repeating: "*l\($0 - 1)", count: 10).joined(separator: ", ") + "]\n" }.joined()),
            ("fps-int64", header.replacingOccurrences(of: "120000/1001", with: "9223372036854775807/9223372036854775806")),
            ("fps-int32", header.replacingOccurrences(of: "120000/1001", with: "2147483648/2147483647")),
            ("overlap", header + "chunking: {overlap: 4611686018427387904}\n"),
            ("coordinates", header + "camera: {position: [1e308, 0, 0], target: [0, 0, 0], moves: [{type: dolly, start: 1001, end: 1100, distance: 1e308}]}\n"),
        ]
        for (name, text) in hostile { try Fuzzer.write(text.utf8, to: folder, "hostile-\(name).yaml") }
    }
}
