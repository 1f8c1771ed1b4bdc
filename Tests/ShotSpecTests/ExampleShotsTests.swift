import Foundation
import Testing
@testable import ShotSpec

/// The shots shipped in Farm/shots: they are what people copy, so every one must load.
@Suite struct ExampleShotsTests {
    static let shotsFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Farm/shots")

    static func path(_ name: String) -> String { shotsFolder.appendingPathComponent(name).path }

    @Test func everyExampleShotLoads() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.shotsFolder.path)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }
            .sorted()
        #expect(names.count >= 5)
        for name in names {
            #expect(throws: Never.self, "\(name)") { try ShotSpecLoader.load(path: Self.path(name)) }
        }
    }

    @Test func theExpectedExamplesAreThere() throws {
        for name in ["courtyard_short.yaml", "courtyard_long.yaml", "ntsc_orbit.yaml", "testpattern.yaml", "courtyard_short.json"] {
            #expect(FileManager.default.fileExists(atPath: Self.path(name)), "\(name)")
        }
    }

    @Test func yamlAndJSONFormsOfTheCourtyardDecodeEqual() throws {
        let yaml = try ShotSpecLoader.load(path: Self.path("courtyard_short.yaml"))
        let json = try ShotSpecLoader.load(path: Self.path("courtyard_short.json"))
        #expect(yaml == json)
        #expect(yaml.specHash == json.specHash)
        #expect(yaml.objects.count == 5)
    }

    @Test func courtyardShortIsTheCheapDemo() throws {
        let spec = try ShotSpecLoader.load(path: Self.path("courtyard_short.yaml"))
        #expect(spec.fps == FrameRate(numerator: 24, denominator: 1))
        #expect(spec.frames == FrameRange(first: 1001, count: 48))
        #expect(spec.resolution == Resolution(width: 960, height: 540))
        #expect(spec.generator.name == "scenelit")
        #expect(spec.objects.filter(\.dynamic).count == 3)
    }

    @Test func courtyardLongSharesTheSceneAndNeedsThreeChunks() throws {
        let short = try ShotSpecLoader.load(path: Self.path("courtyard_short.yaml"))
        let long = try ShotSpecLoader.load(path: Self.path("courtyard_long.yaml"))
        #expect(long.scene == short.scene)
        #expect(long.shot != short.shot)
        // Same scene id means one lighting solve, so the lighting must really be the same.
        #expect(long.environment == short.environment)
        #expect(long.ground == short.ground)
        #expect(long.frames.count == 624)
        // PRODUCT.md's rule: M = floor(10.5 × fps), O = round(0.5 s × fps), k = ceil((N − O) / (M − O)).
        let m = Int((10.5 * long.fps.value).rounded(.down)), o = Int((0.5 * long.fps.value).rounded())
        let chunks = (long.frames.count - o + (m - o) - 1) / (m - o)
        #expect(chunks >= 3)
        #expect(Set(long.camera.moves.map(\.kind)).count >= 3)
    }

    @Test func ntscOrbitIsExactly24000Over1001WithAnOrbit() throws {
        let spec = try ShotSpecLoader.load(path: Self.path("ntsc_orbit.yaml"))
        #expect(spec.fps.numerator == 24000 && spec.fps.denominator == 1001)
        #expect(spec.camera.moves.contains { $0.kind == .orbit })
        guard case .sky(let sky) = spec.environment, case .location(_, _, let date, let time, _) = sky.sun else {
            Issue.record("expected a sun placed by location")
            return
        }
        #expect(date == "2024-09-20" && time == "18:15")
    }

    @Test func docsAnnotatedExampleLoadsAndUsesEveryTopLevelKey() throws {
        let docs = Self.shotsFolder.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Docs/shot-spec.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let section = try #require(text.range(of: "## A fully annotated example"))
        let fence = try #require(text.range(of: "```yaml\n", range: section.upperBound..<text.endIndex))
        let end = try #require(text.range(of: "\n```", range: fence.upperBound..<text.endIndex))
        let yaml = String(text[fence.upperBound..<end.lowerBound])
        let spec = try ShotSpecLoader.parse(yaml, baseDirectory: Self.shotsFolder, name: "shot-spec.md")
        guard case .object(let pairs, _) = spec.document else {
            Issue.record("the example is not a mapping")
            return
        }
        #expect(pairs.map(\.key) == ShotSpecLoader.topLevelKeys)
        #expect(spec.camera.moves.map(\.kind) == [.dolly, .crane, .pan, .tilt, .orbit])
        #expect(spec.output.version == .next)
    }

    @Test func testpatternShotIsTinyAndUsesTheTestpatternGenerator() throws {
        let spec = try ShotSpecLoader.load(path: Self.path("testpattern.yaml"))
        #expect(spec.generator.name == "testpattern")
        #expect(spec.resolution == Resolution(width: 64, height: 36))
        #expect(spec.frames.count == 30)
    }
}
