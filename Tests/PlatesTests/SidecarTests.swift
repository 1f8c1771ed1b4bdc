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
            "urn:ampas:aces:transformId:v1.5:ODT.Academy.sRGB_100nits_dim.a1.0.3",
            "tester & co",
        ])
    }

    @Test("ACEScg plates mark the ACEScg-to-ACES step as not yet applied")
    func amfForACEScgPlates() {
        let dir = TemporaryDirectory()
        let s = Self.sequence(dir)
        let acescg = PlateSequence(folder: s.folder, baseName: s.baseName, frames: s.frames, fps: s.fps, colorspace: "ACEScg")
        let xml = AMFSidecar(sequence: acescg, output: .rec709).xml()
        #expect(xml.contains(#"<aces:inputTransform applied="false">"#))
        #expect(xml.contains("ODT.Academy.Rec709_100nits_dim.a1.0.3"))
    }
}
