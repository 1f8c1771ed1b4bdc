import Foundation
import Testing
import TestSupport

/// Debian's Blender, headless, loads a version through Farm/dcc/blender/scenefarm_plates.py and
/// renders one comp frame, compared with OpenColorIO's official conversion of the same plate.
@Suite("Blender add-on", .serialized)
struct BlenderAddonTests {
    static let shot = """
        show: demo
        shot: sh050
        fps: 24000/1001
        frames: {first: 1001, count: 6}
        resolution: [64, 36]
        generator: {name: testpattern}
        output: {plate: bg, version: v001, proxies: {format: none}}
        """

    @Test("a comp frame is the plate bit for bit in scene-linear and in sRGB, at the right frame, range and rational rate")
    func compFrameEqualsOCIOReference() throws {
        let dir = TemporaryDirectory("blender")
        let spec = try dir.write("shot.yaml", Self.shot)
        #expect(try Tool.run(Repository.scenefarm, ["render", spec, "--out", dir.appending("plates").path]).status == 0)
        let version = dir.appending("plates/demo/sh050/plates/bg/v001").path
        let out = dir.appending("comp").path
        let blender = try Tool.run("blender", [
            "-b", "--factory-startup", "--python", Repository.path("Farm/dcc/blender/render_comp_frame.py"),
            "--", "\(version)/sh050_bg_v001.otio", "1004", out,
        ], environment: ["OCIO": Repository.path("ColorConfigs/aces-1.3-scenefarm.ocio")])
        #expect(blender.status == 0, "blender (apt install blender; Farm/install-deps.sh): \(blender.stderr)")
        let line = try #require(blender.stdout.split(separator: "\n").first { $0.hasPrefix("scenefarm:") }, "\(blender.stdout)")
        var fields: [String: String] = [:]
        for pair in line.dropFirst("scenefarm: ".count).split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        #expect(fields["frame_start"] == "1001" && fields["frame_end"] == "1006")
        #expect(fields["strip"] == "1001-1006")
        #expect(fields["source"] == "SEQUENCE", "an image sequence, not UDIM tiles")
        #expect(fields["colorspace"] == "ACES2065-1" && fields["strip_colorspace"] == "ACES2065-1")
        #expect(fields["size"] == "64x36")
        let fps = Double(fields["fps"] ?? "") ?? 0, base = Double(fields["fps_base"] ?? "") ?? 0
        #expect(fps == 24 && abs(fps / base - 24000.0 / 1001.0) < 1e-4, "\(fields)")

        // Expected pixels: the official ACES config (pip OpenColorIO) on the plate frame 1004 itself.
        let check = try Tool.run("python3", [Repository.path("Farm/dcc/blender/check_comp_frame.py"),
                                             "\(version)/sh050_bg_v001.1004.exr", "\(out).exr", "\(out).png"])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.0 0.0 0", "linear max, sRGB max codes, differing: \(check.stdout)")
        // Frame 1003 differs from 1004 in the test pattern, so a one-frame offset would show.
        let neighbour = try Tool.run("python3", [Repository.path("Farm/dcc/blender/check_comp_frame.py"),
                                                 "\(version)/sh050_bg_v001.1003.exr", "\(out).exr", "\(out).png"])
        #expect(neighbour.stdout.split(separator: " ").first != "0.0", "frame 1003 must not match: \(neighbour.stdout)")
    }
}
