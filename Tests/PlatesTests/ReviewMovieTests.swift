import Color
import Foundation
import Plates
import ShotSpec
import Testing
import TestSupport

/// Review movies made with Debian's ffmpeg: tags read back by ffprobe, frames decoded back and
/// compared with the official ACES config's rendering of the same EXR (Farm/color/check_review.py).
@Suite("review movies", .serialized)
struct ReviewMovieTests {
    static let shot = """
        show: rev
        shot: sh030
        fps: 24000/1001
        frames: {first: 1001, count: 12}
        resolution: [96, 54]
        generator: {name: scenelit, params: {samples: 1}}
        camera: {position: [0, 1.5, 6], target: [0, 1, 0]}
        environment:
          sky: {sun_elevation: 35, sun_azimuth: 120, turbidity: 3}
        objects:
          - {name: plinth, shape: box, position: [1.2, 0.4, 0], size: [0.8, 0.8, 0.8], material: {base_color: [0.8, 0.1, 0.05]}}
          - {name: ball, shape: sphere, radius: 0.4, position: [-0.6, 1.5, 0], dynamic: true, material: {base_color: [0.1, 0.3, 0.8]}}
        output: {version: v001, proxies: {format: none}}
        """

    struct Case: Sendable, CustomStringConvertible {
        let display: String
        let view: String
        let codec: ReviewMovie.Codec
        let tags: [String]
        var description: String { "\(codec) \(display)" }
    }

    static let cases = [
        Case(display: "sRGB - Display", view: "ACES 1.0 - SDR Video", codec: .h264, tags: ["h264", "yuv420p", "bt709", "iec61966-2-1", "bt709"]),
        Case(display: "Rec.1886 Rec.709 - Display", view: "ACES 1.0 - SDR Video", codec: .prores, tags: ["prores", "yuv422p10le", "bt709", "bt709", "bt709"]),
        Case(display: "Rec.2100-PQ - Display", view: "ACES 1.1 - HDR Video (1000 nits & Rec.2020 lim)", codec: .hevc,
             tags: ["hevc", "yuv420p10le", "bt2020", "smpte2084", "bt2020nc"]),
    ]

    @Test("review movie carries the display's colour tags, rational rate and timecode, and decodes to OCIO's rendering", arguments: cases)
    func reviewMovieMatchesOCIO(_ test: Case) throws {
        let dir = TemporaryDirectory("review")
        let spec = try dir.write("shot.yaml", Self.shot)
        let render = try Tool.run(Repository.scenefarm, ["render", spec, "--out", dir.appending("plates").path])
        #expect(render.status == 0, "\(render.stderr)")
        let published = dir.appending("plates/rev/sh030/plates/main/v001")
        // Work on a writable copy: a published version is read-only.
        let folder = dir.appending("copy")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: published.path) where name.hasSuffix(".exr") {
            try FileManager.default.copyItem(at: published.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        let sequence = PlateSequence(folder: folder, baseName: "sh030_main_v001", frames: FrameRange(first: 1001, count: 12),
                                     fps: FrameRate(numerator: 24000, denominator: 1001)!, colorspace: "ACES2065-1")
        let movie = try ReviewMovie(display: test.display, view: test.view, codec: test.codec)
        // ffmpeg behind a tee: the test sees exactly the frames the writer fed the encoder.
        let fed = dir.appending("fed.rgb48").path
        let wrapper = try dir.write("ffmpeg-tee.sh", "#!/bin/sh\ntee '\(fed)' | exec ffmpeg \"$@\"\n")
        chmod(wrapper, 0o755)
        let relative = try movie.write(sequence, in: folder, config: try ColorConfig.resolve(explicit: nil, environment: [:]), ffmpeg: wrapper)
        let check = try Tool.run("python3", [Repository.path("Farm/color/check_review.py"), folder.path,
                                             folder.appendingPathComponent(relative).path, "ACES2065-1", test.display, test.view, fed])
        #expect(check.status == 0, "\(check.stderr)")
        print("review \(test): \(check.stdout)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
        #expect([report["codec"], report["pix_fmt"], report["color_primaries"], report["color_transfer"], report["color_space"]]
            .map { $0 as? String ?? "" } == test.tags)
        #expect(report["color_range"] as? String == "tv")
        #expect(report["r_frame_rate"] as? String == "24000/1001")
        #expect(report["frames"] as? Int == 12)
        // Frame 1001 at 23.976 fps, non-drop: 41 s 17 frames, as the EXR timeCode attribute.
        #expect(report["timecode"] as? String == "00:00:41:17")
        if test.codec == .hevc {
            let mastering = try #require(report["mastering_display"] as? [String: Any])
            #expect(mastering["max_luminance"] as? String == "10000000/10000")
            #expect(mastering["red_x"] as? String == "35400/50000")
        }
        // The frames fed to ffmpeg are OCIO's rendering of the plates (Debian's 2.1.2 here, pip's official
        // config in the check), 16-bit, before any encoding: within a quarter of a 10-bit code (16 of 65535);
        // measured max 6.6 (SDR, the two OCIO versions' float rounding near black), 0.6 (PQ).
        let fedStats = try #require(report["fed_vs_ocio"] as? [String: Double])
        #expect(fedStats["max"]! <= 16, "16-bit codes: \(fedStats)")
        // The codec's own loss against OCIO's rendering (4:2:0/4:2:2 chroma on a 96×54 frame full of edges),
        // in code values of the stream's bit depth: measured means 1.5 (8-bit H.264), 2.6 (10-bit ProRes), 1.9 (10-bit HEVC).
        let codes = try #require(report["code_values"] as? [String: Double])
        #expect(codes["p50"]! <= 2.0 * Double(report["bits"] as? Int == 10 ? 4 : 1), "\(codes)")
        #expect(codes["mean"]! <= 2.5 * Double(report["bits"] as? Int == 10 ? 4 : 1), "\(codes)")
    }

    @Test("a version's extras write each review movie with an AMF for its display/view")
    func versionExtrasWriteReviewWithItsAMF() throws {
        let dir = TemporaryDirectory("review")
        let spec = try dir.write("shot.yaml", """
            show: rev
            shot: sh040
            fps: 25
            frames: {first: 1001, count: 4}
            resolution: [32, 18]
            generator: {name: testpattern}
            output: {version: v001, proxies: {format: none}}
            """)
        #expect(try Tool.run(Repository.scenefarm, ["render", spec, "--out", dir.appending("plates").path]).status == 0)
        let published = dir.appending("plates/rev/sh040/plates/main/v001")
        let folder = dir.appending("staging")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let sequence = PlateSequence(folder: folder, baseName: "sh040_main_v001", frames: FrameRange(first: 1001, count: 4),
                                     fps: FrameRate(numerator: 25, denominator: 1)!, colorspace: "ACES2065-1")
        let hdr = try ReviewMovie(display: "Rec.2100-PQ - Display", view: "ACES 1.1 - HDR Video (1000 nits & Rec.2020 lim)", codec: .hevc)
        let extras = VersionExtras(sequence: sequence, proxyFormat: .none, proxyEvery: 1, author: "tester", reviews: [hdr])
        let written = try extras.writeReviews(into: folder, config: try ColorConfig.resolve(explicit: nil, environment: [:])) { frame throws(PlateError) in
            try PlateReader.read(published.appendingPathComponent(sequence.frameName(frame)).path).image
        }
        let slug = "Rec_2100_PQ___Display_ACES_1_1___HDR_Video__1000_nits___Rec_2020_lim_"
        #expect(written == ["review/sh040_main_v001.\(slug).mov", "sh040_main_v001.\(slug).amf"])
        let amf = try String(contentsOf: folder.appendingPathComponent(written[1]), encoding: .utf8)
        #expect(amf.contains("<aces:transformId>urn:ampas:aces:transformId:v1.5:RRTODT.Academy.Rec2020_1000nits_15nits_ST2084.a1.1.0</aces:transformId>"))
        if FileManager.default.fileExists(atPath: SidecarSchema.path) {
            let lint = try Tool.run("xmllint", ["--noout", "--schema", SidecarSchema.path, folder.appendingPathComponent(written[1]).path])
            #expect(lint.status == 0, "\(lint.stderr)")
        } else {
            print("AMF XSD validation skipped: \(SidecarSchema.path) is absent")
        }
    }

    @Test("HDR needs HEVC, and displays without a review encoding are refused by name")
    func unsupportedCombinationsAreRefused() {
        #expect(throws: PlateError.self) { try ReviewMovie(display: "Rec.2100-PQ - Display", view: "Raw", codec: .h264) }
        #expect(throws: PlateError.self) { try ReviewMovie(display: "sRGB - Display", view: "Raw", codec: .hevc) }
        do {
            _ = try ReviewMovie(display: "P3-D65 - Display", view: "ACES 1.0 - SDR Cinema", codec: .prores)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.description.contains("no review movie for display 'P3-D65 - Display'"))
        }
    }
}

/// The Academy's AMF v2 schema beside the checkout (not in a user's clone).
enum SidecarSchema {
    static let path = Repository.root.deletingLastPathComponent().appendingPathComponent("shared/reference/amf-schema/acesMetadataFile.xsd").path
}
