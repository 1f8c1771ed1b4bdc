import Foundation
import Plates
import ShotSpec
import Testing
import TestSupport

/// `scenefarm render` as a user runs it: the real binary, real files, read back by exrheader and oiiotool.
@Suite("scenefarm render, end to end", .serialized)
struct RenderEndToEndTests {
    static let tinyShot = """
        show: e2e
        shot: sh010
        fps: 24
        frames: {first: 1001, count: 30}
        resolution: [64, 36]
        generator: {name: testpattern}
        output: {version: v001, proxies: {format: none}}
        """

    @Test("a tiny shot renders to half-float ACES plates numbered from 1001 that exrheader and oiiotool read")
    func tinyShotRenders() throws {
        let dir = TemporaryDirectory("e2e")
        let spec = try dir.write("shot.yaml", Self.tinyShot)
        let out = dir.appending("plates").path
        let run = try Tool.run(Repository.scenefarm, ["render", spec, "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let folder = "\(out)/e2e/sh010/plates/main/v001"
        #expect(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == folder)

        let frames = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".exr") }.sorted()
        #expect(frames.count == 30)
        #expect(frames.first == "sh010_main_v001.1001.exr")
        #expect(frames.last == "sh010_main_v001.1030.exr")
        #expect(!FileManager.default.fileExists(atPath: "\(out)/e2e/sh010/plates/main/.work"), "staging is removed after publish")

        let header = try Tool.run("exrheader", ["\(folder)/sh010_main_v001.1001.exr"])
        #expect(header.status == 0)
        for channel in ["A", "B", "G", "R"] {
            #expect(header.stdout.contains("    \(channel), 16-bit floating-point, sampling 1 1"))
        }
        #expect(header.stdout.contains("dataWindow (type box2i): (0 0) - (63 35)"))
        #expect(header.stdout.contains("red   (0.7347 0.2653)"))
        #expect(header.stdout.contains("white (0.32168 0.33767)"))
        #expect(header.stdout.contains("framesPerSecond (type rational): 24/1"))
        #expect(header.stdout.contains("scenefarm/shot (type string): \"sh010\""))

        let info = try Tool.run("oiiotool", ["--info", "-v", "\(folder)/sh010_main_v001.1030.exr"])
        #expect(info.status == 0)
        #expect(info.stdout.contains("64 x   36, 4 channel, half openexr"))
    }

    @Test("the pixels are the generator's ACEScg values converted to ACES2065-1")
    func pixelsAreConverted() throws {
        let dir = TemporaryDirectory("e2e")
        let spec = try dir.write("shot.yaml", Self.tinyShot)
        let out = dir.appending("plates").path
        #expect(try Tool.run(Repository.scenefarm, ["render", spec, "--out", out]).status == 0)
        // The testpattern's lower half starts with an ACEScg red patch of 0.18; AP1→AP0 maps it
        // to 0.18 × the first column of the published matrix.
        let frame = try PlateReader.read("\(out)/e2e/sh010/plates/main/v001/sh010_main_v001.1001.exr")
        let pixel = frame.image[4, 30]
        let expected: [Double] = [0.6954522414, 0.0447945634, -0.0055258826].map { 0.18 * $0 }
        for (value, want) in zip([pixel.x, pixel.y, pixel.z], expected) {
            #expect(Float(value) == Float(Float16(Float(want))), "got \(value), want \(want) quantised to half")
        }
    }

    @Test("rendering the same version twice is refused with exit 2 and the published frames stay untouched")
    func publishedVersionIsNeverOverwritten() throws {
        let dir = TemporaryDirectory("e2e")
        let spec = try dir.write("shot.yaml", Self.tinyShot)
        let out = dir.appending("plates").path
        #expect(try Tool.run(Repository.scenefarm, ["render", spec, "--out", out]).status == 0)
        let frame = "\(out)/e2e/sh010/plates/main/v001/sh010_main_v001.1001.exr"
        let before = try FileManager.default.attributesOfItem(atPath: frame)[.modificationDate] as? Date
        let again = try Tool.run(Repository.scenefarm, ["render", spec, "--out", out])
        #expect(again.status == 2)
        #expect(again.stderr.contains("v001 is already published and is never overwritten; render to v002 instead"))
        #expect(try FileManager.default.attributesOfItem(atPath: frame)[.modificationDate] as? Date == before)
        let next = try Tool.run(Repository.scenefarm, ["render", spec, "--out", out, "--plate-version", "next"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(FileManager.default.fileExists(atPath: "\(out)/e2e/sh010/plates/main/v002/sh010_main_v002.1030.exr"))
    }
}

@Suite("scenefarm render, bad input")
struct RenderBadInputTests {
    /// Each bad spec must give exit 2, one `error:` line naming the problem, and create nothing.
    static let cases: [(name: String, spec: String?, expected: String)] = [
        ("missing file", nil, "no such file"),
        ("unparsable YAML", "show: a\nshot: [unclosed\n", "not valid YAML"),
        ("wrong type", "show: a\nshot: b\nfps: 24\nframes: {count: 3}\nresolution: wide\n", "shot.resolution: expected 2 numbers, got a string"),
        ("zero frame rate", "show: a\nshot: b\nfps: 0\nframes: {count: 3}\nresolution: [64, 36]\n", "shot.fps: frame rate must be greater than 0, got 0"),
        ("negative frame rate", "show: a\nshot: b\nfps: -24\nframes: {count: 3}\nresolution: [64, 36]\n", "shot.fps: frame rate must be greater than 0, got -24"),
        ("zero resolution", "show: a\nshot: b\nfps: 24\nframes: {count: 3}\nresolution: [0, 36]\n", "shot.resolution: width must be at least 1 pixel, got 0"),
        ("huge resolution", "show: a\nshot: b\nfps: 24\nframes: {count: 3}\nresolution: [64, 16385]\n", "shot.resolution: height 16385 is above the maximum of 16384"),
        ("reversed range", "show: a\nshot: b\nfps: 24\nframes: {first: 1010, last: 1001}\nresolution: [64, 36]\n", "shot.frames.last: frame range is reversed: last frame 1001 is before first frame 1010"),
        ("unknown colorspace", "show: a\nshot: b\nfps: 24\nframes: {count: 3}\nresolution: [64, 36]\ngenerator: {name: testpattern}\noutput: {colorspace: Nope}\n", "shot.output.colorspace: unknown colorspace 'Nope'"),
        ("typo in a key", "show: a\nshot: b\nfps: 24\nframes: {count: 3}\nresolution: [64, 36]\noutptu: {}\n", "shot.outptu: unknown key (did you mean 'output'?)"),
    ]

    @Test("bad specs exit 2 with one clear line and create no files", arguments: cases.indices)
    func badSpec(index: Int) throws {
        let (name, text, expected) = Self.cases[index]
        let dir = TemporaryDirectory("e2e-bad")
        let spec = try text.map { try dir.write("shot.yaml", $0) } ?? dir.appending("missing.yaml").path
        let out = dir.appending("plates").path
        let run = try Tool.run(Repository.scenefarm, ["render", spec, "--out", out])
        #expect(run.status == 2, "\(name): exit \(run.status), stderr \(run.stderr)")
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(name): \(run.stderr)")
        #expect(run.stderr.hasPrefix("error: "), "\(name)")
        #expect(run.stderr.contains(expected), "\(name): \(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out), "\(name): created \(out)")
    }

    @Test("an output root that is not writable gives exit 2 and creates nothing")
    func unwritableRoot() throws {
        let dir = TemporaryDirectory("e2e-bad")
        let spec = try dir.write("shot.yaml", RenderEndToEndTests.tinyShot)
        let blocker = try dir.write("blocker", "a file where a folder should be")
        let run = try Tool.run(Repository.scenefarm, ["render", spec, "--out", "\(blocker)/plates"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("is not writable"), "\(run.stderr)")
        #expect(dir.files() == ["blocker", "shot.yaml"])
    }
}
