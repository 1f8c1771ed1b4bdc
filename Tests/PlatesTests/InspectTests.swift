import Foundation
import ImageCore
import Plates
import ShotSpec
import Testing
import TestSupport

@Suite("scenefarm inspect")
struct InspectTests {
    static func writeFrames(_ dir: TemporaryDirectory, _ numbers: [Int], poison: Int? = nil, width: Int = 16, compression: Compression = .zip,
                            fill: SIMD4<Float> = SIMD4(0.25, 0.5, 2, 1)) throws {
        // Float, because half quantisation clamps infinity to 65504.
        let writer = try PlateWriter(format: PlateFormat(colorspace: "ACES2065-1", compression: compression, bitDepth: .float, channels: .rgb))
        for n in numbers {
            var image = RGBAImage(width: width, height: 8, fill: fill)
            if fill == SIMD4(0.25, 0.5, 2, 1) { image[3, 2] = SIMD4(-1, 0.5, 8, 1) }
            if n == poison { image[0, 0] = SIMD4(.nan, .infinity, 0, 1) }
            try writer.write(image, to: dir.appending(String(format: "sh_bg_v001.%04d.exr", n)), metadata: FrameMetadata(
                frameNumber: n, fps: FrameRate(numerator: 25, denominator: 1)!, owner: "t", comments: "c",
                capDate: Date(timeIntervalSince1970: 0), strings: ["scenefarm/shot": "sh"]))
        }
    }

    @Test("a file's report lists every attribute, channel types, compression and per-channel statistics")
    func fileReport() throws {
        let dir = TemporaryDirectory()
        try Self.writeFrames(dir, [1001])
        let report = try PlateInspector.inspect(dir.appending("sh_bg_v001.1001.exr").path)
        guard case .file(let frame) = report else {
            Issue.record("expected a file report")
            return
        }
        #expect(frame.compression == .zip)
        #expect(frame.channels.map(\.type) == ["float", "float", "float"])
        let r = try #require(frame.stats.first { $0.name == "R" }), b = try #require(frame.stats.first { $0.name == "B" })
        #expect(r.min == -1 && r.max == 0.25)
        #expect(b.max == 8)
        #expect(abs(b.mean - (2.0 * 127 + 8) / 128) < 1e-6)
        #expect(!report.hasProblems)
        for needle in ["scenefarm/shot: \"sh\"", "framesPerSecond: 25/1", "chromaticities: red (0.7347", "timeCode: 00:00:40:01", "compression: zip"] {
            #expect(report.text.contains(needle), "missing \(needle)")
        }
    }

    @Test("a folder or #### / %04d pattern reports the range, the missing frames and NaN/Inf counts")
    func sequenceGapsAndNaN() throws {
        let dir = TemporaryDirectory()
        try Self.writeFrames(dir, [1001, 1002, 1004, 1005, 1008], poison: 1005)
        for path in [dir.path, dir.appending("sh_bg_v001.####.exr").path, dir.appending("sh_bg_v001.%04d.exr").path] {
            let report = try PlateInspector.inspect(path)
            guard case .sequence(let s) = report else {
                Issue.record("expected a sequence report for \(path)")
                continue
            }
            #expect(s.first == 1001 && s.last == 1008)
            #expect(s.missing == [1003...1003, 1006...1007])
            #expect(s.missingCount == 3)
            #expect(s.nanCount == 1 && s.infCount == 1)
            #expect(report.hasProblems)
            #expect(report.text.contains("missing: 1003, 1006–1007"))
        }
    }

    @Test("the CLI exits 2 for a missing path, 1 for gaps, 0 for a clean sequence")
    func exitCodes() throws {
        let dir = TemporaryDirectory()
        let missing = try Tool.run(Repository.scenefarm, ["inspect", dir.appending("nothing.####.exr").path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no frames match") || missing.stderr.contains("no such"), "\(missing.stderr)")
        try Self.writeFrames(dir, [1001, 1002, 1003])
        #expect(try Tool.run(Repository.scenefarm, ["inspect", dir.path]).status == 0)
        try FileManager.default.removeItem(at: dir.appending("sh_bg_v001.1002.exr"))
        let gap = try Tool.run(Repository.scenefarm, ["inspect", dir.path])
        #expect(gap.status == 1)
        #expect(gap.stdout.contains("missing: 1002"))
    }

    @Test("a sequence with damaged frames is read to its end: each damaged frame marked, one error line each, exit 2")
    func damagedFramesAreAllNamed() throws {
        let dir = TemporaryDirectory()
        try Self.writeFrames(dir, [1001, 1002, 1003, 1004, 1005, 1007], poison: 1005)
        let path = { (n: Int) in dir.appending(String(format: "sh_bg_v001.%04d.exr", n)).path }
        // 1002 cut short after its header, 1003 empty, 1004 cut inside its header.
        let whole = try Data(contentsOf: URL(fileURLWithPath: path(1002)))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: path(1002)))
        try Data().write(to: URL(fileURLWithPath: path(1003)))
        try Data(contentsOf: URL(fileURLWithPath: path(1004))).prefix(40).write(to: URL(fileURLWithPath: path(1004)))
        // OpenEXR's own tools are the authority on which frames are damaged.
        for n in [1002, 1003, 1004] {
            #expect(try Tool.run("exrmaketiled", [path(n), dir.appending("tiled-\(n).exr").path]).status != 0, "OpenEXR reads \(n); the case tests nothing")
        }
        for n in [1001, 1005, 1007] { #expect(try Tool.run("exrheader", [path(n)]).status == 0) }

        let result = try Tool.run(Repository.scenefarm, ["inspect", dir.path])
        #expect(result.status == 2, "exit \(result.status): \(result.stderr)")
        let errors = result.stderr.split(separator: "\n")
        #expect(errors.count == 3, "\(result.stderr)")
        for (line, n) in zip(errors, [1002, 1003, 1004]) { #expect(line.hasPrefix("error: \(path(n)): "), "\(line)") }
        #expect(result.stdout.contains("frames: 1001–1007, 6 on disk, 1 missing"), "\(result.stdout)")
        #expect(result.stdout.contains("missing: 1006"))
        #expect(result.stdout.contains("damaged: 1002–1004 (3 frames"), "\(result.stdout)")
        // The frames that read still get their row and their NaN/Inf count.
        let rows = result.stdout.split(separator: "\n").map { $0.split(separator: " ") }.filter { $0.first.map { Int($0) != nil } ?? false }
        #expect(rows.map { Int($0[0])! } == [1001, 1002, 1003, 1004, 1005, 1007])
        #expect(rows.filter { $0.count == 2 && $0[1] == "damaged" }.map { Int($0[0])! } == [1002, 1003, 1004])
        #expect(result.stdout.contains("NaN: 1, Inf: 1"))
    }

    @Test("frames of another size make the sequence a problem (exit 1); another compression is only reported")
    func framesThatDifferInLayout() throws {
        let dir = TemporaryDirectory()
        try Self.writeFrames(dir, [1001, 1002, 1004])
        try Self.writeFrames(dir, [1003], compression: .piz)
        let mixedCompression = try Tool.run(Repository.scenefarm, ["inspect", dir.path])
        #expect(mixedCompression.status == 0, "\(mixedCompression.stdout)\(mixedCompression.stderr)")
        #expect(mixedCompression.stdout.contains("format: 16x8, B float, G float, R float"), "\(mixedCompression.stdout)")
        #expect(mixedCompression.stdout.contains("compression differs: zip (1001–1002, 1004); piz (1003)"), "\(mixedCompression.stdout)")

        try Self.writeFrames(dir, [1002], width: 32)
        // OpenEXR's exrheader is the authority on each file's data window.
        let windows = try [1001, 1002, 1003, 1004].map { n in
            try Tool.run("exrheader", [dir.appending(String(format: "sh_bg_v001.%04d.exr", n)).path]).stdout
                .split(separator: "\n").first { $0.hasPrefix("dataWindow") }.map(String.init) ?? ""
        }
        #expect(windows[1].contains("(31 7)") && [windows[0], windows[2], windows[3]].allSatisfy { $0.contains("(15 7)") }, "\(windows)")
        let mixedSize = try Tool.run(Repository.scenefarm, ["inspect", dir.path])
        #expect(mixedSize.status == 1, "\(mixedSize.stdout)\(mixedSize.stderr)")
        #expect(mixedSize.stdout.contains("format differs: 16x8, B float, G float, R float (1001, 1003–1004); 32x8, B float, G float, R float (1002)"), "\(mixedSize.stdout)")
    }

    @Test("--json carries the same facts for a pipeline's QC: a sequence's gaps, damage, NaN and formats, a file's header")
    func jsonReport() throws {
        let dir = TemporaryDirectory()
        try Self.writeFrames(dir, [1001, 1002, 1004, 1005, 1008], poison: 1005)
        try Data("not an EXR".utf8).write(to: dir.appending("sh_bg_v001.1002.exr"))
        let result = try Tool.run(Repository.scenefarm, ["inspect", "--json", dir.path])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.hasPrefix("error: \(dir.appending("sh_bg_v001.1002.exr").path): "), "\(result.stderr)")
        let sequence = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(sequence["kind"] as? String == "sequence")
        #expect(sequence["first"] as? Int == 1001 && sequence["last"] as? Int == 1008 && sequence["onDisk"] as? Int == 5)
        #expect(sequence["missing"] as? [[Int]] == [[1003, 1003], [1006, 1007]])
        #expect((sequence["damaged"] as? [[String: Any]])?.map { $0["frame"] as? Int } == [1002])
        #expect(sequence["nanCount"] as? Int == 1 && sequence["infCount"] as? Int == 1)
        let formats = try #require(sequence["formats"] as? [[String: Any]])
        #expect(formats.count == 1 && formats.first?["value"] as? String == "16x8, B float, G float, R float")
        let frames = try #require(sequence["frames"] as? [[String: Any]])
        #expect(frames.map { $0["frame"] as? Int } == [1001, 1004, 1005, 1008])
        // What the frames hold (writeFrames): R from -1 to 0.25, B up to 8; 1005 has one NaN and one Inf.
        #expect(frames.allSatisfy { $0["min"] as? Double == -1 && $0["max"] as? Double == 8 })
        #expect(frames.map { $0["nanCount"] as? Int } == [0, 0, 1, 0])

        let path = dir.appending("sh_bg_v001.1001.exr").path
        let fileResult = try Tool.run(Repository.scenefarm, ["inspect", "--json", path])
        #expect(fileResult.status == 0, "\(fileResult.stderr)")
        let file = try #require(try JSONSerialization.jsonObject(with: Data(fileResult.stdout.utf8)) as? [String: Any])
        // OpenEXR's exrheader is the authority on the header.
        let header = try Tool.run("exrheader", [path]).stdout
        #expect(header.contains("dataWindow (type box2i): (0 0) - (15 7)") && header.contains("compression (type compression): zip"), "\(header)")
        #expect(file["kind"] as? String == "file" && file["width"] as? Int == 16 && file["height"] as? Int == 8)
        #expect(file["dataWindow"] as? [String: [Int]] == ["min": [0, 0], "max": [15, 7]])
        #expect(file["compression"] as? String == "zip")
        let attributes = try #require(file["attributes"] as? [String: Any])
        #expect(attributes["scenefarm/shot"] as? String == "sh" && attributes["framesPerSecond"] as? String == "25/1" && attributes["pixelAspectRatio"] as? Double == 1)
        let statistics = try #require(file["statistics"] as? [[String: Any]])
        #expect(statistics.map { $0["channel"] as? String } == ["R", "G", "B"])
        #expect(statistics.first { $0["channel"] as? String == "B" }?["max"] as? Double == 8)

        // A channel without one finite sample: its min, max and mean are null, not left out.
        let empty = TemporaryDirectory()
        try Self.writeFrames(empty, [1001], fill: SIMD4(.nan, 0.5, .infinity, 1))
        let nanResult = try Tool.run(Repository.scenefarm, ["inspect", "--json", empty.appending("sh_bg_v001.1001.exr").path])
        #expect(nanResult.status == 1, "\(nanResult.stderr)")
        let nanFile = try #require(try JSONSerialization.jsonObject(with: Data(nanResult.stdout.utf8)) as? [String: Any])
        let rows = try #require(nanFile["statistics"] as? [[String: Any]])
        for channel in ["R", "B"] {
            let row = try #require(rows.first { $0["channel"] as? String == channel })
            #expect(["min", "max", "mean"].allSatisfy { row[$0] is NSNull }, "\(row)")
        }
        #expect(rows.first { $0["channel"] as? String == "G" }?["mean"] as? Double == 0.5)
        #expect(nanFile["nanCount"] as? Int == 128 && nanFile["infCount"] as? Int == 128)
    }
}
