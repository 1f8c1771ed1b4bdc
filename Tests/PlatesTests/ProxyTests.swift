import Color
import Foundation
import ImageCore
import Plates
import ShotSpec
import Testing
import TestSupport

@Suite("sRGB proxies and contact sheets")
struct ProxyTests {
    static let frames = FrameRange(first: 1001, count: 5)

    /// Writes a small ACES2065-1 RGB plate sequence of one colour and returns its description.
    static func plate(_ dir: TemporaryDirectory, width: Int = 64, height: Int = 36, value: SIMD4<Float>) throws -> PlateSequence {
        let sequence = PlateSequence(folder: dir.url, baseName: "sh010_bg_v001", frames: frames,
                                     fps: FrameRate(numerator: 24, denominator: 1)!, colorspace: "ACES2065-1")
        // RGB plates: the display transform only sees colour, and RGB reads back exactly.
        let writer = try PlateWriter(format: PlateFormat(colorspace: "ACES2065-1", compression: .piz, channels: .rgb))
        let image = RGBAImage(width: width, height: height, fill: value)
        for f in frames.numbers {
            try writer.write(image, to: dir.appending(sequence.frameName(f)), metadata: FrameMetadata(
                frameNumber: f, fps: sequence.fps, owner: "t", comments: "", capDate: Date(timeIntervalSince1970: 0), strings: [:]))
        }
        return sequence
    }

    /// oiiotool's per-channel statistics line (`Stats Min: …`) of an 8-bit image, in code values.
    static func oiioStats(_ path: String, _ label: String) throws -> [Double] {
        let result = try Tool.run("oiiotool", ["--stats", path])
        guard let line = result.stdout.split(separator: "\n").first(where: { $0.contains("Stats \(label):") }) else { return [] }
        return line.split(separator: " ").compactMap { Double($0) }
    }

    /// `WxH` from iinfo's `path :   64 x   36, 3 channel, uint8 png` line.
    static func size(_ iinfo: String) -> String? {
        guard let colon = iinfo.range(of: " : ") else { return nil }
        let rest = iinfo[colon.upperBound...].prefix { $0 != "," }
        return rest.replacingOccurrences(of: " ", with: "")
    }

    @Test("mid grey 0.18 becomes OCIO's ACES 1.0 SDR sRGB value (≈ 0.356, code 91) in the PNG proxy")
    func midGreyMatchesOCIO() throws {
        let dir = TemporaryDirectory()
        let sequence = try Self.plate(dir, value: SIMD4(0.18, 0.18, 0.18, 1))
        let config = try ColorConfig.resolve()
        let renderer = try ProxyRenderer(config: config, colorspace: "ACES2065-1")
        let result = try ProxyWriter(renderer: renderer, format: .png, every: 2).write(sequence, in: dir.url)
        #expect(result.proxies == ["proxy/sh010_bg_v001.1001.png", "proxy/sh010_bg_v001.1003.png", "proxy/sh010_bg_v001.1005.png"])

        var reference = RGBAImage(width: 1, height: 1, fill: SIMD4(0.18, 0.18, 0.18, 1))
        try config.displayProcessor(from: "ACES2065-1", display: ProxyRenderer.display, view: ProxyRenderer.view).apply(&reference)
        let expected = (Double(reference[0, 0].x) * 255).rounded()
        #expect(abs(Double(reference[0, 0].x) - 0.356) < 0.01)

        let png = dir.appending("proxy/sh010_bg_v001.1003.png").path
        let info = try Tool.run("iinfo", [png])
        #expect(info.status == 0, "\(info.stderr)")
        #expect(Self.size(info.stdout) == "64x36", "\(info.stdout)")
        let minimum = try Self.oiioStats(png, "Min"), maximum = try Self.oiioStats(png, "Max")
        #expect(minimum.count >= 3 && maximum.count >= 3)
        for v in minimum.prefix(3) + maximum.prefix(3) { #expect(abs(v - expected) <= 1, "code value \(v), OCIO says \(expected)") }
    }

    @Test("large plates are box-filtered to at most 960 pixels wide and JPEG proxies read back at that size")
    func downscaledJPEG() throws {
        let dir = TemporaryDirectory()
        let sequence = try Self.plate(dir, width: 2000, height: 24, value: SIMD4(0.5, 0.25, 0.1, 1))
        let renderer = try ProxyRenderer(config: try ColorConfig.resolve(), colorspace: "ACES2065-1")
        let result = try ProxyWriter(renderer: renderer, format: .jpeg, every: 5).write(sequence, in: dir.url)
        #expect(result.proxies == ["proxy/sh010_bg_v001.1001.jpg"])
        let info = try Tool.run("iinfo", [dir.appending("proxy/sh010_bg_v001.1001.jpg").path])
        #expect(info.status == 0, "\(info.stderr)")
        // 2000 / 3 rounds up to 667 columns; 24 / 3 = 8 rows.
        #expect(Self.size(info.stdout) == "667x8", "\(info.stdout)")
    }

    @Test("the contact sheet is a PNG grid holding one thumbnail per proxied frame")
    func contactSheetGrid() throws {
        let dir = TemporaryDirectory()
        let sequence = try Self.plate(dir, value: SIMD4(1, 0.2, 0.05, 1))
        let renderer = try ProxyRenderer(config: try ColorConfig.resolve(), colorspace: "ACES2065-1")
        let result = try ProxyWriter(renderer: renderer, format: .png, every: 1).write(sequence, in: dir.url)
        #expect(result.contactSheet == "proxy/sh010_bg_v001.contact.png")
        // 5 thumbnails → 3 columns × 2 rows of 64×36 cells with 4 px gaps.
        let info = try Tool.run("iinfo", [dir.appending("proxy/sh010_bg_v001.contact.png").path])
        #expect(Self.size(info.stdout) == "\(3 * 68 + 4)x\(2 * 40 + 4)", "\(info.stdout)")
    }

    @Test("an RGBA HDR plate's proxy matches oiiotool's own ociodisplay rendering within one code value")
    func proxyMatchesOiiotool() throws {
        let dir = TemporaryDirectory()
        let sequence = PlateSequence(folder: dir.url, baseName: "sh010_bg_v001", frames: FrameRange(first: 1001, count: 1),
                                     fps: FrameRate(numerator: 24, denominator: 1)!, colorspace: "ACES2065-1")
        var image = RGBAImage(width: 64, height: 36)
        for y in 0..<36 { for x in 0..<64 { image[x, y] = SIMD4(Float(x) / 8, Float(y) / 30, 0.05 + Float(x * y) / 900, 0.5) } }
        let writer = try PlateWriter(format: PlateFormat(colorspace: "ACES2065-1"))
        try writer.write(image, to: dir.appending(sequence.frameName(1001)), metadata: FrameMetadata(
            frameNumber: 1001, fps: sequence.fps, owner: "t", comments: "", capDate: Date(timeIntervalSince1970: 0), strings: [:]))
        let config = try ColorConfig.resolve()
        try ProxyWriter(renderer: try ProxyRenderer(config: config, colorspace: "ACES2065-1"), format: .png).write(sequence, in: dir.url)

        let reference = dir.appending("oiio.png").path
        let render = try Tool.run("oiiotool", [
            "--colorconfig", config.source, dir.appending(sequence.frameName(1001)).path, "--ch", "R,G,B",
            "--ociodisplay:from=ACES2065-1", ProxyRenderer.display, ProxyRenderer.view, "-d", "uint8", "-o", reference,
        ])
        #expect(render.status == 0, "\(render.stderr)")
        let diff = try Tool.run("oiiotool", [reference, dir.appending("proxy/sh010_bg_v001.1001.png").path, "--fail", "0.0040", "--diff"])
        #expect(diff.status == 0, "\(diff.stdout)")
    }

    @Test("display values outside [0, 1] and NaN are clamped before 8-bit encoding")
    func quantizeClamps() {
        let image = RGBAImage(width: 2, height: 1, pixels: [1.7, -0.2, .nan, 1, 0.5, 0.0019, 0.9981, 1])
        #expect(ProxyRenderer.quantize(image).rgb == [255, 0, 0, 128, 0, 255])
    }

    @Test("box filtering averages scene-linear light, edge blocks included")
    func boxFilterAverages() {
        let image = RGBAImage(width: 3, height: 1, pixels: [0, 0, 0, 1, 4, 4, 4, 1, 9, 9, 9, 1])
        let small = BoxDownscale.apply(image, factor: 2)
        #expect(small.width == 2 && small.height == 1)
        #expect(small.pixels == [2, 2, 2, 1, 9, 9, 9, 1])
    }
}
