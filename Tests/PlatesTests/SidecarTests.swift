import Foundation
import Plates
import ShotSpec
import Testing
import TestSupport

@Suite("OTIO and AMF sidecars")
struct SidecarTests {
    static func sequence(_ dir: TemporaryDirectory, fps: FrameRate = FrameRate(numerator: 24000, denominator: 1001)!) -> PlateSequence {
        let layout = PlateLayout(root: dir.url, show: "demo", shot: "sh010", plate: "bg")
        return PlateSequence(layout: layout, version: 3, frames: FrameRange(first: 1001, count: 30), fps: fps, colorspace: "ACES2065-1")
    }

    @Test("the OTIO sidecar loads in opentimelineio and its image numbers resolve to the published frame paths")
    func otioResolvesFrames() throws {
        let dir = TemporaryDirectory()
        let sequence = Self.sequence(dir)
        try FileManager.default.createDirectory(at: sequence.folder, withIntermediateDirectories: true)
        let url = try OTIOSidecar(sequence: sequence).write(into: sequence.folder)
        let script = """
            import sys, urllib.parse, opentimelineio as otio
            t = otio.adapters.read_from_file(sys.argv[1])
            clips = list(t.find_clips())
            assert len(clips) == 1, clips
            c = clips[0]
            r = c.media_reference
            assert isinstance(r, otio.schema.ImageSequenceReference), type(r)
            n = r.number_of_images_in_sequence()
            path = lambda u: urllib.parse.unquote(urllib.parse.urlparse(u).path)
            print(path(r.target_url_for_image_number(0)))
            print(path(r.target_url_for_image_number(n - 1)))
            print(n, c.duration().value, c.duration().rate, r.start_frame, r.frame_zero_padding, r.missing_frame_policy)
            """
        let result = try Tool.run("python3", ["-c", script, url.path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        guard lines.count == 3 else { return }
        #expect(lines[0] == sequence.folder.appendingPathComponent("sh010_bg_v003.1001.exr").path)
        #expect(lines[1] == sequence.folder.appendingPathComponent("sh010_bg_v003.1030.exr").path)
        let fields = lines[2].split(separator: " ").map(String.init)
        #expect(fields[0] == "30")
        #expect(Double(fields[1]) == 30)
        #expect(abs((Double(fields[2]) ?? 0) - 24000.0 / 1001.0) < 1e-9)
        #expect(fields[3] == "1001")
        #expect(fields[4] == "4")
        #expect(fields[5] == "MissingFramePolicy.error")
    }

    @Test("the AMF sidecar is well-formed AMF v2 naming the clip, ACES 1.3 and the sRGB output transform")
    func amfHasRequiredElements() throws {
        let dir = TemporaryDirectory()
        let sequence = Self.sequence(dir)
        try FileManager.default.createDirectory(at: dir.url, withIntermediateDirectories: true)
        let url = try AMFSidecar(sequence: sequence, author: "tester & co").write(into: dir.url)
        let script = """
            import sys, xml.etree.ElementTree as ET
            ns = {"aces": "urn:ampas:aces:amf:v2.0"}
            root = ET.parse(sys.argv[1]).getroot()
            assert root.tag == "{urn:ampas:aces:amf:v2.0}acesMetadataFile", root.tag
            def text(path):
                e = root.find(path, ns)
                assert e is not None, path
                return (e.text or "").strip()
            for p in ["aces:amfInfo/aces:description", "aces:amfInfo/aces:uuid",
                      "aces:amfInfo/aces:dateTime/aces:creationDateTime", "aces:amfInfo/aces:dateTime/aces:modificationDateTime"]:
                assert text(p), p
            seq = root.find("aces:clipId/aces:sequence", ns)
            print(text("aces:clipId/aces:clipName"), seq.get("idx"), seq.get("min"), seq.get("max"), seq.text)
            v = "aces:pipeline/aces:pipelineInfo/aces:systemVersion/"
            print(text(v + "aces:majorVersion"), text(v + "aces:minorVersion"), text(v + "aces:patchVersion"))
            it = root.find("aces:pipeline/aces:inputTransform", ns)
            print(it.get("applied"), text("aces:pipeline/aces:inputTransform/aces:transformId"))
            print(text("aces:pipeline/aces:outputTransform/aces:outputDeviceTransform/aces:transformId"))
            print(text("aces:amfInfo/aces:author/aces:name"))
            """
        let result = try Tool.run("python3", ["-c", script, url.path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines == [
            "sh010_bg_v003 # 1001 1030 sh010_bg_v003.####.exr",
            "1 3 0",
            "true urn:ampas:aces:transformId:v1.5:ACEScsc.Academy.ACEScg_to_ACES.a1.0.3",
            // ACES 1.3's ID for the sRGB ODT (the official config lists it for ACES 1.0 - SDR Video).
            "urn:ampas:aces:transformId:v1.5:ODT.Academy.RGBmonitor_100nits_dim.a1.0.3",
            "tester & co",
        ])
    }

    @Test("ACEScg plates mark the ACEScg-to-ACES step as not yet applied")
    func amfForACEScgPlates() {
        let dir = TemporaryDirectory()
        let s = Self.sequence(dir)
        let acescg = PlateSequence(folder: s.folder, baseName: s.baseName, frames: s.frames, fps: s.fps, colorspace: "ACEScg")
        let xml = AMFSidecar(sequence: acescg, display: "Rec.1886 Rec.709 - Display", view: "ACES 1.0 - SDR Video").xml()
        #expect(xml.contains(#"<aces:inputTransform applied="false">"#))
        #expect(xml.contains("ODT.Academy.Rec709_100nits_dim.a1.0.3"))
    }

    static let amfSchema = SidecarSchema.path

    /// Every display/view pair of the official ACES CG config, with the colour spaces the plates may be in.
    static let officialPairs = [
        ("sRGB - Display", "ACES 1.0 - SDR Video"), ("sRGB - Display", "Un-tone-mapped"), ("sRGB - Display", "Raw"),
        ("Rec.1886 Rec.709 - Display", "ACES 1.0 - SDR Video"), ("Rec.1886 Rec.709 - Display", "Un-tone-mapped"), ("Rec.1886 Rec.709 - Display", "Raw"),
        ("Rec.2100-PQ - Display", "ACES 1.1 - HDR Video (1000 nits & Rec.2020 lim)"), ("Rec.2100-PQ - Display", "Un-tone-mapped"), ("Rec.2100-PQ - Display", "Raw"),
        ("ST2084-P3-D65 - Display", "ACES 1.1 - HDR Video (1000 nits & P3 lim)"), ("ST2084-P3-D65 - Display", "Un-tone-mapped"), ("ST2084-P3-D65 - Display", "Raw"),
        ("P3-D65 - Display", "ACES 1.0 - SDR Cinema"), ("P3-D65 - Display", "Un-tone-mapped"), ("P3-D65 - Display", "Raw"),
    ]

    @Test("AMF input, RRT and output transform IDs equal the official ACES 1.3 config's for every display/view, and validate against the AMF v2 XSD")
    func amfTransformIDsMatchTheOfficialConfig() throws {
        let dir = TemporaryDirectory()
        let s = Self.sequence(dir)
        var lines: [String] = []
        for colorspace in ["ACES2065-1", "ACEScg", "ACEScct", "ACEScc", "Linear Rec.709 (sRGB)", "sRGB - Texture"] {
            let sequence = PlateSequence(folder: s.folder, baseName: s.baseName, frames: s.frames, fps: s.fps, colorspace: colorspace)
            for (index, (display, view)) in Self.officialPairs.enumerated() {
                let folder = dir.appending("\(colorspace)-\(index)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let url = try AMFSidecar(sequence: sequence, display: display, view: view).write(into: folder)
                lines.append([url.path, colorspace, display, view].joined(separator: "\t"))
            }
        }
        let list = try dir.write("amfs.tsv", lines.joined(separator: "\n"))
        // Expected IDs come from the official config (OpenColorIO's built-in copy): the colour space's and
        // the view transform's `ACEStransformID:` description lines. Which of a view transform's IDs belongs
        // to a display follows the Academy's naming of the ODTs (display primaries/white and, for HDR, the EOTF).
        // The RRT has no line there: its ID is aces-dev v1.3 transforms/ctl/rrt/RRT.ctl's ACEStransformID.
        let script = """
            import sys, xml.etree.ElementTree as ET, PyOpenColorIO as OCIO
            official = OCIO.Config.CreateFromFile("ocio://cg-config-v1.0.0_aces-v1.3_ocio-v2.1")
            RRT = "urn:ampas:aces:transformId:v1.5:RRT.a1.0.3"
            TOKENS = {"sRGB - Display": {"RGBmonitor"}, "Rec.1886 Rec.709 - Display": {"Rec709"},
                      "Rec.2100-PQ - Display": {"Rec2020", "ST2084"}, "ST2084-P3-D65 - Display": {"P3D65", "ST2084"},
                      "P3-D65 - Display": {"P3D65"}}
            def ids(description):
                return [l.split(":", 1)[1].strip() for l in (description or "").splitlines() if l.startswith("ACEStransformID:")]
            ns = {"aces": "urn:ampas:aces:amf:v2.0"}
            checked = 0
            for line in open(sys.argv[1]).read().splitlines():
                path, colorspace, display, view = line.split("\t")
                root = ET.parse(path).getroot()
                pipe = root.find("aces:pipeline", ns)
                # Input: ACES2065-1 plates were converted from ACEScg (applied); others carry their own space's ID.
                source = "ACEScg" if colorspace == "ACES2065-1" else colorspace
                want_in = ids(official.getColorSpace(source).getDescription())
                it = pipe.find("aces:inputTransform", ns)
                got_in = [] if it is None else [it.find("aces:transformId", ns).text]
                assert got_in == want_in, (path, got_in, want_in)
                if it is not None:
                    assert it.get("applied") == ("true" if colorspace == "ACES2065-1" else "false"), path
                vt = official.getDisplayViewTransformName(display, view)
                candidates = ids(official.getViewTransform(vt).getDescription()) if vt else []
                mine = [i for i in candidates if TOKENS[display] <= set(i.split(".")[-4].split("_"))]
                ot = pipe.find("aces:outputTransform", ns)
                if not candidates:
                    assert ot is None, (path, "no ACES output transform for", view)
                    continue
                assert len(mine) == 1, (display, view, candidates)
                want = mine[0]
                assert ot is not None and ot.get("applied") == "false", path
                if ":RRTODT." in want:
                    got = [ot.find("aces:transformId", ns).text]
                    assert got == [want], (path, got, want)
                else:
                    got = [ot.find("aces:referenceRenderingTransform/aces:transformId", ns).text,
                           ot.find("aces:outputDeviceTransform/aces:transformId", ns).text]
                    assert got == [RRT, want], (path, got, want)
                checked += 1
            print(checked)
            """
        let result = try Tool.run("python3", ["-c", script, list])
        #expect(result.status == 0, "\(result.stderr)")
        // 5 ACES output transforms × 6 plate colour spaces.
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "30")

        guard FileManager.default.fileExists(atPath: Self.amfSchema) else {
            print("AMF XSD validation skipped: \(Self.amfSchema) is absent (it sits beside the repository in CI, not in a user's clone)")
            return
        }
        let paths = lines.map { String($0.split(separator: "\t")[0]) }
        let lint = try Tool.run("xmllint", ["--noout", "--schema", Self.amfSchema] + paths)
        #expect(lint.status == 0, "\(lint.stderr)")
        #expect(lint.stderr.components(separatedBy: " validates").count - 1 == paths.count, "\(lint.stderr)")
    }
}
