import Foundation
import ImageCore
import Plates
import ShotSpec
import Testing
import TestSupport

@Suite("EXR attributes, read by exrheader")
struct ExrAttributeTests {
    @Test("chromaticities, adoptedNeutral, framesPerSecond, timeCode and provenance strings are in the header")
    func standardAttributes() throws {
        let dir = TemporaryDirectory()
        let writer = try PlateWriter(format: PlateFormat(colorspace: "ACES2065-1", compression: .piz))
        let url = dir.appending("a.exr")
        try writer.write(hdrTestImage(), to: url, metadata: testMetadata(frame: 86400 + 1001))
        let header = try Tool.run("exrheader", [url.path])
        #expect(header.status == 0)
        let text = header.stdout
        #expect(text.contains("chromaticities (type chromaticities):"))
        #expect(text.contains("red   (0.7347 0.2653)"))
        #expect(text.contains("green (0 1)"))
        #expect(text.contains("blue  (0.0001 -0.077)"))
        #expect(text.contains("white (0.32168 0.33767)"))
        #expect(text.contains("adoptedNeutral (type v2f): (0.32168 0.33767)"))
        #expect(text.contains("framesPerSecond (type rational): 24000/1001"))
        #expect(text.contains("compression (type compression): piz"))
        #expect(text.contains("owner (type string): \"tester\""))
        #expect(text.contains("capDate (type string): \"2026:09:21 "))
        #expect(text.contains("scenefarm/shot (type string): \"sh010\""))
        #expect(text.contains("timeCode (type timecode):"))
        // Frame 87401 at 23.976 counts as 24 fps non-drop timecode: 01:00:41:17.
        #expect(text.contains("time 01:00:41:17"), "\(text)")
        #expect(text.contains("B, 16-bit floating-point") || text.contains("B, 16-bit floating-point, sampling 1 1"))
    }

    @Test("the strict ACES container has exactly ST 2065-4's channels, type, compression and flag")
    func acesContainer() throws {
        let dir = TemporaryDirectory()
        let writer = try PlateWriter(format: PlateFormat(colorspace: "ACES2065-1", compression: .piz, bitDepth: .float, channels: .rgb, acesContainer: true))
        let url = dir.appending("aces.exr")
        try writer.write(hdrTestImage(), to: url, metadata: testMetadata())
        let read = try PlateReader.read(url.path)
        #expect(read.channels == [.init(name: "B", type: "half"), .init(name: "G", type: "half"), .init(name: "R", type: "half")])
        #expect(read.compression == Compression.none)
        #expect(read.attributes["acesImageContainerFlag"] == .int(1))
        #expect(read.attributes["chromaticities"] == .chromaticities(.ap0))
        let text = try Tool.run("exrheader", [url.path]).stdout
        #expect(text.contains("acesImageContainerFlag (type int): 1"))
        #expect(text.contains("compression (type compression): none"))
        #expect(text.contains("type scanlineimage") || !text.contains("tiledesc"))
    }

    @Test("the ACES container refuses anything but ACES2065-1")
    func acesContainerNeedsAP0() {
        #expect(throws: PlateError.self) {
            _ = try PlateWriter(format: PlateFormat(colorspace: "ACEScg", acesContainer: true))
        }
    }

    @Test("a colorspace without known primaries is refused before anything is written")
    func unknownPrimaries() {
        #expect(throws: PlateError.unknownChromaticities(colorspace: "Studio Log")) {
            _ = try PlateWriter(format: PlateFormat(colorspace: "Studio Log"))
        }
    }
}
