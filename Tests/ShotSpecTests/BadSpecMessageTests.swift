import Foundation
import Testing
@testable import ShotSpec

/// One broken spec and the exact message a user must see for it.
struct BadSpec: Sendable, CustomTestStringConvertible {
    let name: String
    let yaml: String
    let message: String

    var testDescription: String { name }

    /// A valid minimal shot; each case appends or replaces a few lines.
    static let base = """
        show: demo
        shot: s010
        fps: 24
        frames: {count: 10}
        resolution: [64, 36]

        """

    static func replacing(_ key: String, with line: String) -> String {
        base.split(separator: "\n").map { $0.hasPrefix("\(key):") ? line : String($0) }.joined(separator: "\n") + "\n"
    }

    static let all: [BadSpec] = [
        BadSpec(name: "unparsable YAML", yaml: "show: demo\nshot: [a, b\nfps: 24\n",
                message: "bad.yaml: not valid YAML: while parsing a flow sequence: did not find expected ',' or ']' at line 3, column 4"),
        BadSpec(name: "top level is not a mapping", yaml: "- show\n- demo\n",
                message: "shot: expected a mapping, got a list"),
        BadSpec(name: "resolution as a string", yaml: replacing("resolution", with: "resolution: 1920x1080"),
                message: "shot.resolution: expected 2 numbers, got a string"),
        BadSpec(name: "resolution with a string item", yaml: replacing("resolution", with: "resolution: [wide, 36]"),
                message: "shot.resolution[0]: expected a number, got a string"),
        BadSpec(name: "show as a list", yaml: replacing("show", with: "show: [a, b]"),
                message: "shot.show: expected a string, got a list"),
        BadSpec(name: "frames as a number", yaml: replacing("frames", with: "frames: 10"),
                message: "shot.frames: expected a mapping, got a number"),
        BadSpec(name: "dynamic as a string", yaml: base + "objects:\n  - {name: a, shape: sphere, radius: 1, position: [0, 1, 0], dynamic: yes}\n",
                message: "shot.objects[0].dynamic: expected true or false, got a string"),
        BadSpec(name: "frame rate 0", yaml: replacing("fps", with: "fps: 0"),
                message: "shot.fps: frame rate must be greater than 0, got 0"),
        BadSpec(name: "negative frame rate", yaml: replacing("fps", with: "fps: -24"),
                message: "shot.fps: frame rate must be greater than 0, got -24"),
        BadSpec(name: "frame rate abc", yaml: replacing("fps", with: "fps: abc"),
                message: "shot.fps: 'abc' is not a frame rate; use a number such as 24 or 23.976, or a ratio such as 24000/1001"),
        BadSpec(name: "frame rate ratio over 0", yaml: replacing("fps", with: "fps: 24/0"),
                message: "shot.fps: frame rate must be greater than 0, got 24/0"),
        BadSpec(name: "huge frame rate", yaml: replacing("fps", with: "fps: 1e30"),
                message: "shot.fps: frame rate 1e30 is above 1000"),
        BadSpec(name: "frame rate below 1", yaml: replacing("fps", with: "fps: 0.2"),
                message: "shot.fps: frame rate 0.2 is below 1"),
        BadSpec(name: "missing frame rate", yaml: base.replacingOccurrences(of: "fps: 24\n", with: ""),
                message: "shot.fps: is required"),
        BadSpec(name: "resolution 0", yaml: replacing("resolution", with: "resolution: [0, 36]"),
                message: "shot.resolution: width must be at least 1 pixel, got 0"),
        BadSpec(name: "resolution 16385", yaml: replacing("resolution", with: "resolution: [64, 16385]"),
                message: "shot.resolution: height 16385 is above the maximum of 16384"),
        BadSpec(name: "fractional resolution", yaml: replacing("resolution", with: "resolution: [64.5, 36]"),
                message: "shot.resolution: width must be a whole number of pixels, got 64.5"),
        BadSpec(name: "reversed frame range", yaml: replacing("frames", with: "frames: {first: 1001, last: 1000}"),
                message: "shot.frames.last: frame range is reversed: last frame 1000 is before first frame 1001"),
        BadSpec(name: "both last and count", yaml: replacing("frames", with: "frames: {first: 1001, last: 1010, count: 10}"),
                message: "shot.frames: give only one of: last, count, seconds (found last, count)"),
        BadSpec(name: "no length", yaml: replacing("frames", with: "frames: {first: 1001}"),
                message: "shot.frames: needs one of: last, count, seconds"),
        BadSpec(name: "zero count", yaml: replacing("frames", with: "frames: {count: 0}"),
                message: "shot.frames.count: must be at least 1 frame, got 0"),
        BadSpec(name: "less than a frame", yaml: replacing("frames", with: "frames: {seconds: 0.01}"),
                message: "shot.frames.seconds: 0.01 s is less than one frame at 24 fps"),
        BadSpec(name: "absurd seconds", yaml: replacing("frames", with: "frames: {seconds: 1e300}"),
                message: "shot.frames.seconds: 1e+300 s at 24 fps is more than the 1000000 frames a shot may hold"),
        BadSpec(name: "unknown top-level key", yaml: base + "enviroment: {}\n",
                message: "shot.enviroment: unknown key (did you mean 'environment'?); allowed keys: spec_version, show, shot, scene, fps, frames, resolution, generator, output, camera, environment, ground, objects, lights, chunking"),
        BadSpec(name: "unknown key in a material", yaml: base + "objects:\n  - name: a\n    shape: sphere\n    radius: 1\n    position: [0, 1, 0]\n    material: {base_colour: [1, 0, 0]}\n",
                message: "shot.objects[0].material.base_colour: unknown key (did you mean 'base_color'?); allowed keys: base_color, colorspace, roughness, metallic, emission, emission_strength, checker, transmission, ior, tint, texture, tiles, noise"),
        BadSpec(name: "dolly to with 2 numbers", yaml: base + """
            camera:
              moves:
                - {type: pan, start: 1001, end: 1005, degrees: 10}
                - {type: tilt, start: 1001, end: 1005, degrees: 5}
                - {type: dolly, start: 1005, end: 1010, to: [0, 1]}

            """,
                message: "shot.camera.moves[2].to: expected 3 numbers, got 2"),
        BadSpec(name: "dolly given degrees", yaml: base + "camera:\n  moves:\n    - {type: dolly, start: 1001, end: 1005, degrees: 10}\n",
                message: "shot.camera.moves[0].degrees: a dolly move has no degrees; it takes to or distance"),
        BadSpec(name: "length key with no value", yaml: replacing("frames", with: "frames: {count: }"),
                message: "shot.frames.count: expected a whole number, got null"),
        BadSpec(name: "move ending before it starts", yaml: base + "camera:\n  moves:\n    - {type: pan, start: 1010, end: 1001, degrees: 10}\n",
                message: "shot.camera.moves[0].end: move ends at frame 1001, which is not after its start frame 1010"),
        BadSpec(name: "negative radius", yaml: base + "objects:\n  - {name: a, shape: sphere, radius: -0.5, position: [0, 1, 0]}\n",
                message: "shot.objects[0].radius: must be greater than 0, got -0.5"),
        BadSpec(name: "sphere with a size", yaml: base + "objects:\n  - {name: a, shape: sphere, size: [1, 1, 1], position: [0, 1, 0]}\n",
                message: "shot.objects[0].size: a sphere has no size; it takes radius"),
        BadSpec(name: "duplicate object names", yaml: base + """
            objects:
              - {name: ball, shape: sphere, radius: 1, position: [0, 1, 0]}
              - {name: ball, shape: box, size: [1, 1, 1], position: [2, 1, 0]}

            """,
                message: "shot.objects[1].name: another object is already called 'ball'"),
        BadSpec(name: "bad version string", yaml: base + "output: {version: v1}\n",
                message: "shot.output.version: 'v1' is not a version; use v001, v002, … or next"),
        BadSpec(name: "version zero", yaml: base + "output: {version: v000}\n",
                message: "shot.output.version: 'v000' is not a version; use v001, v002, … or next"),
        BadSpec(name: "version with a sign", yaml: base + "output: {version: v+01}\n",
                message: "shot.output.version: 'v+01' is not a version; use v001, v002, … or next"),
        BadSpec(name: "unknown compression", yaml: base + "output: {compression: DWAA}\n",
                message: "shot.output.compression: 'DWAA' is not one of none, rle, zips, zip, piz, pxr24, b44, dwaa, dwab"),
        BadSpec(name: "both sun placements", yaml: base + "environment:\n  sky: {sun_elevation: 20, latitude: 51.5, longitude: 0, date: 2024-06-21, time: '18:00'}\n",
                message: "shot.environment.sky: place the sun either by sun_elevation/sun_azimuth or by latitude/longitude/date/time, not both"),
        BadSpec(name: "impossible date", yaml: base + "environment:\n  sky: {latitude: 51.5, longitude: 0, date: 2023-02-29, time: '18:00'}\n",
                message: "shot.environment.sky.date: '2023-02-29' is not a date; use YYYY-MM-DD"),
        BadSpec(name: "bad time of day", yaml: base + "environment:\n  sky: {latitude: 51.5, longitude: 0, date: 2024-02-29, time: '18:60'}\n",
                message: "shot.environment.sky.time: '18:60' is not a time of day; use HH:MM"),
        BadSpec(name: "two environments", yaml: base + "environment:\n  sky: {}\n  uniform: {radiance: [1, 1, 1]}\n",
                message: "shot.environment: give only one of: sky, hdri, uniform (found sky, uniform)"),
        BadSpec(name: "spec version 2", yaml: "spec_version: 2\n" + base,
                message: "shot.spec_version: this SceneFarm reads spec_version 1"),
        BadSpec(name: "duplicate key", yaml: base + "fps: 25\n",
                message: "bad.yaml: key 'fps' appears twice"),
        BadSpec(name: "shot name with a slash", yaml: replacing("shot", with: "shot: a/b"),
                message: "shot.shot: 'a/b' may only contain letters, digits, '_', '-' and '.'"),
    ]

    func error() -> SpecError? {
        do {
            _ = try ShotSpecLoader.parse(yaml, baseDirectory: URL(fileURLWithPath: NSTemporaryDirectory()), name: "bad.yaml")
            return nil
        } catch {
            return error
        }
    }
}

@Suite struct BadSpecMessageTests {
    @Test(arguments: BadSpec.all)
    func badSpecGivesItsExactMessage(_ bad: BadSpec) {
        #expect(bad.error()?.description == bad.message)
    }

    @Test func thereAreAtLeastFifteenBadSpecs() {
        #expect(BadSpec.all.count >= 15)
        #expect(Set(BadSpec.all.map(\.name)).count == BadSpec.all.count)
    }

    @Test func anEmptySkyKeyMeansTheDefaultSky() throws {
        let spec = try ShotSpecLoader.parse(BadSpec.base + "environment:\n  sky:\n", baseDirectory: URL(fileURLWithPath: "/"))
        let defaults = try ShotSpecLoader.parse(BadSpec.base, baseDirectory: URL(fileURLWithPath: "/"))
        #expect(spec.environment == defaults.environment)
    }

    @Test func missingFileNamesThePath() {
        let path = NSTemporaryDirectory() + "scenefarm-no-such-\(UUID().uuidString)/shot.yaml"
        #expect(throws: SpecError(path: path, reason: "no such file")) { try ShotSpecLoader.load(path: path) }
        #expect(SpecError(path: path, reason: "no such file").located(in: path) == "\(path): no such file")
    }

    @Test func errorsCarryTheLineTheCLIPrints() {
        let yaml = BadSpec.base + "objects:\n  - {name: ball, shape: sphere, radius: 1, position: [0, 1, 0]}\n  - {name: ball, shape: sphere, radius: 1, position: [0, 1, 0]}\n"
        let error = BadSpec(name: "", yaml: yaml, message: "").error()
        #expect(error?.line == 8)
        #expect(error?.located(in: "shots/bad.yaml") == "shots/bad.yaml:8: shot.objects[1].name: another object is already called 'ball'")
    }

    @Test func unparsableJSONSaysJSON() throws {
        let folder = try TemporaryFolder()
        let path = folder.write("bad.json", "{\"show\": \"demo\" \"shot\": \"s010\"}")
        #expect(throws: SpecError.self) { try ShotSpecLoader.load(path: path) }
        do {
            _ = try ShotSpecLoader.load(path: path)
        } catch {
            #expect(error.path == path)
            #expect(error.reason.hasPrefix("not valid JSON: "))
        }
    }

    @Test func aFolderIsNotASpec() throws {
        let folder = try TemporaryFolder()
        #expect(throws: SpecError(path: folder.url.path, reason: "is a folder, not a shot spec file")) {
            try ShotSpecLoader.load(path: folder.url.path)
        }
    }

    @Test func missingHDRINamesTheResolvedPath() throws {
        let folder = try TemporaryFolder()
        let path = folder.write("shot.yaml", BadSpec.base + "environment:\n  hdri: {path: skies/noon.exr}\n")
        let expected = folder.url.appendingPathComponent("skies/noon.exr").path
        #expect(throws: SpecError(path: "shot.environment.hdri.path", reason: "HDRI file '\(expected)' does not exist or cannot be read", line: 7)) {
            try ShotSpecLoader.load(path: path)
        }
    }
}
