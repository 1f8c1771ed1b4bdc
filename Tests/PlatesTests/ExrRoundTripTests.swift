import Foundation
import ImageCore
import Plates
import ShotSpec
import Testing
import TestSupport

/// A small HDR test image: ramps well above 1.0, negatives, and per-channel differences.
func hdrTestImage(width: Int = 67, height: Int = 41) -> RGBAImage {
    var image = RGBAImage(width: width, height: height)
    for y in 0..<height {
        for x in 0..<width {
            let u = Float(x) / Float(width - 1), v = Float(y) / Float(height - 1)
            image[x, y] = SIMD4(u * 12 - 0.5, v * 3, (u * v) * 0.18, 0.25 + 0.75 * u)
        }
    }
    return image
}

func testMetadata(frame: Int = 1001) -> FrameMetadata {
    FrameMetadata(
        frameNumber: frame, fps: FrameRate(numerator: 24000, denominator: 1001)!, owner: "tester", comments: "round trip",
        capDate: Date(timeIntervalSince1970: 1_790_000_000), strings: ["scenefarm/shot": "sh010", "scenefarm/job": "j1"]
    )
}

@Suite("OpenEXR round trips")
struct ExrRoundTripTests {
    static let lossless: [Compression] = [.none, .rle, .zips, .zip, .piz]

    @Test("lossless compressions read back bit-exact as half through our reader and oiiotool", arguments: lossless)
    func losslessHalfRoundTrip(compression: Compression) throws {
        let dir = TemporaryDirectory()
        let image = hdrTestImage()
        let writer = try PlateWriter(format: PlateFormat(colorspace: "ACES2065-1", compression: compression))
        let url = dir.appending("frame.exr")
        try writer.write(image, to: url, metadata: testMetadata())

        let expected = PlateWriter.quantize(image.pixels).map(Float.init)
        let read = try PlateReader.read(url.path)
        #expect(read.compression == compression)
        #expect(read.image.pixels == expected)

        // oiiotool decodes the same file independently; compare through a float TIFF-free path: its own EXR.
        let copy = dir.appending("oiio.exr").path
        let oiio = try Tool.run("oiiotool", [url.path, "-d", "float", "--compression", "none", "-o", copy])
        #expect(oiio.status == 0, "\(oiio.stderr)")
        #expect(try PlateReader.read(copy).image.pixels == expected)
    }

    @Test("float plates keep every bit", arguments: [Compression.none, .zip, .piz])
    func floatRoundTrip(compression: Compression) throws {
        let dir = TemporaryDirectory()
        let image = hdrTestImage()
        let writer = try PlateWriter(format: PlateFormat(colorspace: "ACEScg", compression: compression, bitDepth: .float))
        try writer.write(image, to: dir.appending("f.exr"), metadata: testMetadata())
        #expect(try PlateReader.read(dir.appending("f.exr").path).image.pixels == image.pixels)
    }

    @Test("lossy compressions stay within their stated error", arguments: [
        (Compression.pxr24, 0.0), (.b44, 0.02), (.dwaa, 0.02), (.dwab, 0.02),
    ])
    func lossyRoundTrip(compression: Compression, tolerance: Double) throws {
        let dir = TemporaryDirectory()
        // Lossy codecs are judged on a smooth, display-range image: relative error per sample.
        var image = RGBAImage(width: 64, height: 48)
        for y in 0..<48 { for x in 0..<64 { image[x, y] = SIMD4(0.05 + Float(x) / 70, 0.05 + Float(y) / 50, 0.18, 1) } }
        let writer = try PlateWriter(format: PlateFormat(colorspace: "ACES2065-1", compression: compression, dwaLevel: 45))
        try writer.write(image, to: dir.appending("l.exr"), metadata: testMetadata())
        let ours = try PlateReader.read(dir.appending("l.exr").path).image.pixels
        let oiioCopy = dir.appending("o.exr").path
        #expect(try Tool.run("oiiotool", [dir.appending("l.exr").path, "-d", "float", "--compression", "none", "-o", oiioCopy]).status == 0)
        let theirs = try PlateReader.read(oiioCopy).image.pixels
        let disagreements = zip(ours, theirs).filter { $0 != $1 }.count
        #expect(ours.count == theirs.count && disagreements == 0, "our decoder and oiiotool disagree on \(disagreements) samples")
        let quantized = PlateWriter.quantize(image.pixels).map(Float.init)
        var worst = 0.0
        for i in quantized.indices { worst = max(worst, Double(abs(ours[i] - quantized[i]) / max(quantized[i], 1e-3))) }
        // pxr24 keeps half exactly (it drops float mantissa bits only).
        #expect(worst <= tolerance, "max relative error \(worst) for \(compression)")
    }

    @Test("B44 float plates read the same in OpenEXR's C++ library (oiiotool) as they were written, and C++-written ones read the same in ours")
    func b44FloatChannelsStayInPlace() throws {
        let dir = TemporaryDirectory()
        // B44 compresses half channels only; float channels are stored whole, so they must come back exact.
        let image = hdrTestImage()
        let writer = try PlateWriter(format: PlateFormat(colorspace: "ACES2065-1", compression: .b44, bitDepth: .float))
        try writer.write(image, to: dir.appending("b44.exr"), metadata: testMetadata())
        let copy = dir.appending("oiio-none.exr").path
        #expect(try Tool.run("oiiotool", [dir.appending("b44.exr").path, "-d", "float", "--compression", "none", "-o", copy]).status == 0)
        #expect(try PlateReader.read(copy).image.pixels == image.pixels, "oiiotool reads our B44 float plate differently from what was written")

        let theirs = dir.appending("oiio-b44.exr").path
        #expect(try Tool.run("oiiotool", [copy, "--compression", "b44", "-o", theirs]).status == 0)
        #expect(try PlateReader.read(theirs).image.pixels == image.pixels, "our reader misreads a B44 float file written by the C++ library")
    }

    @Test("values beyond the half range clamp to ±65504 instead of becoming infinity; NaN stays NaN")
    func halfClamping() {
        let q = PlateWriter.quantize([1e6, -1e6, .nan, 0.1])
        #expect(q[0] == 65504 && q[1] == -65504)
        #expect(q[2].isNaN)
        #expect(q[3] == Float16(0.1))
    }

    @Test("an RGB plate has exactly three half channels")
    func rgbChannels() throws {
        let dir = TemporaryDirectory()
        let writer = try PlateWriter(format: PlateFormat(colorspace: "ACES2065-1", channels: .rgb))
        try writer.write(hdrTestImage(), to: dir.appending("rgb.exr"), metadata: testMetadata())
        let read = try PlateReader.read(dir.appending("rgb.exr").path)
        #expect(read.channels.map(\.name) == ["B", "G", "R"])
        #expect(read.channels.allSatisfy { $0.type == "half" })
        #expect(read.image[0, 0].w == 1, "missing alpha reads as opaque")
    }

    @Test("a failed write leaves neither the frame nor a temporary file behind")
    func failedWriteLeavesNothing() throws {
        let dir = TemporaryDirectory()
        let writer = try PlateWriter(format: PlateFormat(colorspace: "ACES2065-1"))
        let missing = dir.appending("no/such/folder/frame.exr")
        #expect(throws: PlateError.self) { try writer.write(hdrTestImage(), to: missing, metadata: testMetadata()) }
        #expect(dir.files().isEmpty)
    }

    @Test("reading a file that is not an EXR names the file")
    func readingGarbage() throws {
        let dir = TemporaryDirectory()
        let path = try dir.write("bad.exr", "this is not an image")
        #expect {
            try PlateReader.read(path)
        } throws: { error in
            "\(error)".contains(path)
        }
    }
}
