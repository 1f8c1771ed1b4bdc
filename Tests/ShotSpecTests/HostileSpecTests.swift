import Foundation
import Testing
import TestSupport
@testable import ShotSpec

/// Specs written to crash, exhaust or confuse the loader (issue 10). Each must end in one
/// `SpecError` naming what is wrong, quickly and without a crash; the limits are `SpecLimits`.
@Suite struct HostileSpecTests {
    static let base = BadSpec.base

    func error(_ yaml: String, name: String = "bad.yaml") -> SpecError? {
        do {
            _ = try ShotSpecLoader.parse(yaml, baseDirectory: URL(fileURLWithPath: NSTemporaryDirectory()), name: name)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: ["[", "{a: "])
    func deepFlowNestingIsRefusedNotAStackOverflow(_ opener: String) {
        // 20,000 levels: Yams' recursive composer overflowed the stack at this depth.
        let closer = opener == "[" ? "]" : "}"
        let yaml = Self.base.replacingOccurrences(of: "resolution: [64, 36]", with: "resolution: " + String(repeating: opener, count: 20_000) + "1" + String(repeating: closer, count: 20_000))
        let error = error(yaml)
        #expect(error?.reason == "lists and mappings nest more than \(SpecLimits.maxDepth) levels deep")
        #expect(error?.line == 5)
    }

    @Test func deepBlockNestingIsRefused() {
        // Block sequences nest two characters a level: "- - - - … x".
        let yaml = Self.base + "generator:\n  name: scenelit\n  params:\n    deep:\n      " + String(repeating: "- ", count: 20_000) + "x\n"
        #expect(error(yaml)?.reason == "lists and mappings nest more than \(SpecLimits.maxDepth) levels deep")
        var indented = Self.base + "generator:\n  params:\n"
        for level in 0..<200 { indented += String(repeating: " ", count: 4 + level) + "k\(level):\n" }
        #expect(error(indented)?.reason == "lists and mappings nest more than \(SpecLimits.maxDepth) levels deep")
    }

    @Test func nestingAtTheLimitIsRead() throws {
        // shot(1) → generator(2) → params(3) → 29 lists = 32 levels.
        let yaml = Self.base + "generator:\n  name: testpattern\n  params:\n    deep: " + String(repeating: "[", count: 29) + "1" + String(repeating: "]", count: 29) + "\n"
        let document = try SpecValue.parseYAML(yaml, file: "deep.yaml")
        guard case .object = document else { Issue.record("not a mapping"); return }
        #expect(error(yaml + "    deeper: " + String(repeating: "[", count: 30) + String(repeating: "]", count: 30) + "\n") != nil)
    }

    @Test func billionLaughsStopsAtTheValueLimit() {
        // Seven levels of ten aliases each: 10^7 values from a few hundred bytes.
        var yaml = Self.base + "generator:\n  params:\n    a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...7 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            yaml += "    a\(level): &a\(level) [\(refs)]\n"
        }
        #expect(yaml.utf8.count < 1000)
        let started = ContinuousClock.now
        let error = error(yaml)
        #expect(error?.reason.hasPrefix("holds more than \(SpecLimits.maxValues) values (each use of a YAML alias counts in full)") == true)
        // Not a timing assertion on speed, only that it stopped instead of expanding 10^7 values.
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test func aliasesWithinTheLimitStillWork() throws {
        let yaml = Self.base + "objects:\n  - {name: a, shape: sphere, radius: 1, position: &p [0, 1, 0]}\n  - {name: b, shape: sphere, radius: 1, position: *p}\n"
        let spec = try ShotSpecLoader.parse(yaml, baseDirectory: URL(fileURLWithPath: "/"))
        #expect(spec.objects.map(\.position) == [SIMD3(0, 1, 0), SIMD3(0, 1, 0)])
    }

    @Test func anOversizedSpecIsRefusedBeforeParsing() throws {
        let folder = try TemporaryFolder()
        let padding = String(repeating: "# padding padding padding padding padding padding padding padding\n", count: 40_000)
        let path = folder.write("big.yaml", Self.base + padding)
        let bytes = (Self.base + padding).utf8.count
        #expect(throws: SpecError(path: path, reason: "is \(bytes) bytes; a spec may be at most \(SpecLimits.maxBytes) bytes (1 MiB)")) {
            try ShotSpecLoader.load(path: path)
        }
        #expect(error(Self.base + padding)?.reason == "is \(bytes) bytes; a spec may be at most \(SpecLimits.maxBytes) bytes (1 MiB)")
    }

    @Test func aHugeStringIsRefused() {
        let yaml = Self.base.replacingOccurrences(of: "show: demo", with: "show: " + String(repeating: "x", count: 50_000))
        #expect(error(yaml)?.reason == "a string of 50000 characters; strings may be at most \(SpecLimits.maxStringLength)")
    }

    @Test(arguments: [
        ("9223372036854775807/9223372036854775806", "shot.fps: frame rate 9223372036854775807/9223372036854775806: numerator and denominator may be at most 1000000"),
        ("2147483648/2147483647", "shot.fps: frame rate 2147483648/2147483647: numerator and denominator may be at most 1000000"),
        ("1000001/1000000", "shot.fps: frame rate 1000001/1000000: numerator and denominator may be at most 1000000"),
    ])
    func frameRatesWithHugeTermsAreRefused(_ fps: String, _ message: String) {
        #expect(error(Self.base.replacingOccurrences(of: "fps: 24", with: "fps: \"\(fps)\""))?.description == message)
    }

    @Test func ntscRatesStillParse() throws {
        let spec = try ShotSpecLoader.parse(Self.base.replacingOccurrences(of: "fps: 24", with: "fps: 120000/1001"), baseDirectory: URL(fileURLWithPath: "/"))
        #expect(spec.fps.description == "120000/1001")
    }

    @Test(arguments: [
        ("camera:\n  position: [0, 1e308, 5]\n", "shot.camera.position[1]: 1e+308 is out of range -1000000…1000000"),
        ("camera:\n  target: [-1e308, 0, 0]\n", "shot.camera.target[0]: -1e+308 is out of range -1000000…1000000"),
        ("camera:\n  position: [0, 1, 5]\n  target: [0, 1, 0]\n  moves:\n    - {type: dolly, start: 1001, end: 1005, to: [0, 1, 0]}\n",
         "shot.camera.moves[0].to: a dolly cannot end on the camera target"),
        ("camera:\n  moves:\n    - {type: orbit, start: 1001, end: 1005, degrees: 1e308}\n",
         "shot.camera.moves[0].degrees: 1e+308 is out of range -1000000…1000000"),
        ("camera:\n  moves:\n    - {type: pan, start: -1e11, end: 1005, degrees: 10}\n",
         "shot.camera.moves[0].start: -100000000000 is out of range -9999999…9999999"),
        ("objects:\n  - {name: a, shape: sphere, radius: 1e308, position: [0, 1, 0]}\n", "shot.objects[0].radius: 1e+308 m is above the maximum of 100000"),
        ("objects:\n  - {name: a, shape: box, size: [1, 1e308, 1], position: [0, 1, 0]}\n", "shot.objects[0].size[1]: 1e+308 is out of range -100000…100000"),
        ("objects:\n  - {name: a, shape: sphere, radius: 1, position: [0, 1, 0], velocity: [1e9, 0, 0], dynamic: true}\n",
         "shot.objects[0].velocity[0]: 1000000000 is out of range -10000…10000"),
        ("objects:\n  - {name: a, shape: sphere, radius: 1, position: [0, 1, 0], material: {base_color: [1e308, 0, 0]}}\n",
         "shot.objects[0].material.base_color: colour components must be at most 1 (a surface reflects at most the light it receives)"),
        ("objects:\n  - {name: a, shape: sphere, radius: 1, position: [0, 1, 0], material: {emission_strength: 1e308}}\n",
         "shot.objects[0].material.emission_strength: 1e+308 is out of range 0…1000000"),
        ("environment:\n  sky: {intensity: 1e308}\n", "shot.environment.sky.intensity: 1e+308 is out of range 0…1000000"),
        ("environment:\n  uniform: {radiance: [1e308, 1, 1]}\n", "shot.environment.uniform.radiance[0]: 1e+308 is out of range -1000000…1000000"),
        ("ground: {height: -1e308}\n", "shot.ground.height: -1e+308 is out of range -1000000…1000000"),
        ("chunking: {overlap: 4611686018427387904}\n", "shot.chunking.overlap: expected a whole number, got 4611686018427387904"),
        ("chunking: {overlap: 2000000}\n", "shot.chunking.overlap: 2000000 is more than the 1000000 frames a shot may hold"),
    ])
    func valuesOutsidePhysicalRangesAreRefusedUpFront(_ extra: String, _ message: String) {
        #expect(error(Self.base + extra)?.description == message)
    }

    @Test func framesPastTheHighestFrameNumberAreRefused() {
        let yaml = Self.base.replacingOccurrences(of: "frames: {count: 10}", with: "frames: {first: 9999995, count: 10}")
        #expect(error(yaml)?.description == "shot.frames.count: the shot would end at frame 10000004, past the highest frame number 9999999")
    }

    @Test func aFrameAbovethePixelBudgetIsRefused() {
        let yaml = Self.base.replacingOccurrences(of: "resolution: [64, 36]", with: "resolution: [16384, 16384]")
        #expect(error(yaml)?.description == "shot.resolution: 16384x16384 is 268435456 pixels, above the \(SpecLimits.maxPixels) (8192x4320) a frame may hold")
    }

    @Test(arguments: [
        (String(repeating: "s", count: 240), "shot.shot: is 240 characters long; names may have at most 64 so plate file names fit the file system"),
        ("...", "shot.shot: '...' must start with a letter, a digit or '_'"),
        (".hidden", "shot.shot: '.hidden' must start with a letter, a digit or '_'"),
        ("-rf", "shot.shot: '-rf' must start with a letter, a digit or '_'"),
    ])
    func namesThatCannotBecomePlateFilesAreRefused(_ name: String, _ message: String) {
        #expect(error(Self.base.replacingOccurrences(of: "shot: s010", with: "shot: \"\(name)\""))?.description == message)
    }

    @Test func controlCharactersInANameAreEscapedInTheMessage() {
        let error = error(Self.base.replacingOccurrences(of: "shot: s010", with: "shot: \"a\\nb\\u001b[31mred\""))
        #expect(error?.description == "shot.shot: 'a\\nb\\u{1B}[31mred' may only contain letters, digits, '_', '-' and '.'")
        #expect(error?.description.contains("\n") == false)
    }

    @Test func jsonIsParsedStrictly() throws {
        let folder = try TemporaryFolder()
        let valid = #"{"show": "demo", "shot": "s010", "fps": 24, "frames": {"count": 10}, "resolution": [64, 36]}"#
        #expect(try ShotSpecLoader.load(path: folder.write("ok.json", valid)).shot == "s010")
        // A UTF-8 byte order mark (Windows editors write one) is ignored, as RFC 8259 §8.1 allows.
        let bom = folder.url.appendingPathComponent("bom.json")
        try (Data([0xEF, 0xBB, 0xBF]) + Data(valid.utf8)).write(to: bom)
        #expect(try ShotSpecLoader.load(path: bom.path).shot == "s010")
        let cases: [(String, String)] = [
            (#"{"show": "demo", "shot": "s010", "fps": 24, "frames": {"count": 10}, "resolution": [64, 36],}"#, "not valid JSON: trailing comma before '}' at line 1, column 93"),
            (#"{"show": "demo", "resolution": [64, 36,]}"#, "not valid JSON: trailing comma before ']' at line 1, column 40"),
            ("{\"show\": 'demo'}", "not valid JSON: expected a value, found ''' at line 1, column 10"),
            ("{\"show\": \"demo\"} // comment", "not valid JSON: unexpected '/' after the JSON value at line 1, column 18"),
            (String(repeating: "[", count: 100_000), "not valid JSON: lists and mappings nest more than 32 levels deep at line 1, column 33"),
            ("{\"fps\": 024}", "not valid JSON: numbers must not have leading zeros at line 1, column 10"),
        ]
        for (text, reason) in cases {
            let path = folder.write("bad.json", text)
            #expect(throws: SpecError(path: path, reason: reason)) { try ShotSpecLoader.load(path: path) }
        }
    }

    /// A plain YAML number beyond a Double (`1e999`) read as infinity once passed the loader,
    /// and its job then failed on the node, whose canonical JSON holds no infinity (the render
    /// failed with "not valid JSON: expected a value, found 'i'"). It is refused where it stands,
    /// as in a JSON spec; quoted, or as a key, it is text.
    @Test func aYAMLNumberBeyondADoubleIsRefusedOnItsLine() throws {
        let params = "generator: {name: testpattern, params: {gain: 1e999}}\n"
        #expect(error(Self.base + params) == SpecError(path: "bad.yaml", reason: "the number 1e999 is too large", line: 6))
        let listed = "generator:\n  name: testpattern\n  params:\n    curve: [1, -" + String(repeating: "9", count: 400) + "]\n"
        #expect(error(Self.base + listed) == SpecError(path: "bad.yaml", reason: "the number -" + String(repeating: "9", count: 39) + "… is too large", line: 9))
        #expect(error(Self.base + "generator: {name: testpattern, params: {1e999: ok, n: '1e999'}}\n") == nil)
        let tiny = try ShotSpecLoader.parse(Self.base + "generator: {name: testpattern, params: {g: 1e-999}}\n", baseDirectory: URL(fileURLWithPath: NSTemporaryDirectory()), name: "ok.yaml")
        // What the node reads back: the canonical JSON of the document, through the same grammar.
        #expect(throws: Never.self) { try SpecValue.parseJSON(Data(tiny.document.canonicalJSON.utf8), file: "job") }
    }

    @Test func aFIFOIsRefusedWithoutBlocking() throws {
        let folder = try TemporaryFolder()
        let path = folder.url.appendingPathComponent("shot.yaml").path
        #expect(mkfifo(path, 0o600) == 0)
        // No writer ever opens the pipe: a blocking open or read would hang this test forever.
        #expect(throws: SpecError(path: path, reason: "is a named pipe (FIFO), not a shot spec file")) { try ShotSpecLoader.load(path: path) }
        let hdri = folder.url.appendingPathComponent("sky.exr").path
        #expect(mkfifo(hdri, 0o600) == 0)
        let spec = folder.write("hdri.yaml", Self.base + "environment:\n  hdri: {path: sky.exr}\n")
        #expect(throws: SpecError(path: "shot.environment.hdri.path", reason: "HDRI file '\(hdri)' is a named pipe (FIFO), not a regular file", line: 7)) {
            try ShotSpecLoader.load(path: spec)
        }
        #expect(throws: SpecError(path: "/dev/zero", reason: "is a device, not a shot spec file")) { try ShotSpecLoader.load(path: "/dev/zero") }
    }

    @Test func aNullRequiredFieldIsReportedAtItsOwnLine() {
        let yaml = Self.base.replacingOccurrences(of: "fps: 24", with: "fps: null")
        let error = error(yaml)
        #expect(error?.description == "shot.fps: is required")
        #expect(error?.line == 3)
    }

    @Test func aLaterCheckFindsItsLineFromTheFieldPath() throws {
        let yaml = Self.base + "generator:\n  name: scenelit\n  params:\n    samples: -3\n"
        let spec = try ShotSpecLoader.parse(yaml, baseDirectory: URL(fileURLWithPath: "/"))
        let located = SpecError(path: "shot.generator.params.samples", reason: "must be at least 1").locating(in: spec.document)
        #expect(located.line == 9)
        #expect(SpecError(path: "shot.objects[3].radius", reason: "x").locating(in: spec.document).line == 1)
        #expect(spec.document.line(at: "shot.resolution") == 5)
    }

    @Test func randomBytesNeverCrashTheLoader() {
        // A small in-suite fuzz pass with a fixed seed; `make fuzz` runs libFuzzer for longer.
        var generator = SplitMix64(seed: 10)
        let alphabet = Array("[]{}-:,&*!|>'\"#?\n  abc123.e-".utf8)
        for _ in 0..<2000 {
            let length = Int(generator.next() % 400)
            let bytes = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            _ = error(String(decoding: bytes, as: UTF8.self))
        }
    }
}
