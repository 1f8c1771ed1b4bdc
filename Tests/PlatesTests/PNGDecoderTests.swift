import Foundation
import ImageCore
import Plates
import Testing
import TestSupport

/// The PNG decoder against libpng (through OpenImageIO) on the fuzz target's seeds, which cover
/// every layout it reads (grey, grey + alpha, RGB, RGBA at 8 and 16 bits, every row filter,
/// split image data), and the hostile inputs kept in Fuzz/regressions/png.
@Suite struct PNGDecoderTests {
    static let seeds = Repository.root.appendingPathComponent("Fuzz/corpus/png")
    static let regressions = Repository.root.appendingPathComponent("Fuzz/regressions/png")

    static func decode(_ url: URL) throws -> RGBAImage {
        try PNGDecoder.decode([UInt8](try Data(contentsOf: url)), path: url.path, maxSide: 8192, maxPixels: 8192 * 8192)
    }

    @Test func everySeedDecodesAsLibpngDecodesIt() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.seeds.path).filter { $0.hasSuffix(".png") }.sorted()
        try #require(names.count >= 8)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("png-seeds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        for name in names {
            let url = Self.seeds.appendingPathComponent(name)
            // The authority: libpng's decode through oiiotool as float RGBA (a grey file's one
            // channel copied to R, G and B; alpha 1 where the file has none).
            // The seeds are named for their layout (FuzzPNG.writeSeeds).
            let channels = name.hasPrefix("rgba") ? "R,G,B,A" : name.hasPrefix("rgb") ? "R,G,B,A=1.0"
                : name.hasPrefix("grey-alpha") ? "R=Y,G=Y,B=Y,A" : "R=Y,G=Y,B=Y,A=1.0"
            let back = scratch.appendingPathComponent("\(name).exr").path
            let result = try Tool.run("oiiotool", ["--iconfig", "oiio:UnassociatedAlpha", "1", url.path, "--ch", channels, "-d", "float", "-o", back])
            #expect(result.status == 0, "oiiotool: \(result.stderr)")
            let expected = try PlateReader.read(back).image
            let decoded = try Self.decode(url)
            #expect(decoded.width == expected.width && decoded.height == expected.height, "\(name)")
            var worst: Float = 0
            for y in 0..<decoded.height {
                for x in 0..<decoded.width {
                    for c in 0..<4 { worst = max(worst, abs(decoded[x, y][c] - expected[x, y][c])) }
                }
            }
            #expect(worst < 1e-6, "\(name): largest difference from libpng's decode \(worst)")
        }
    }

    /// A header of 8192×8192 16-bit RGBA (within the texture limit) whose IDAT holds one row's worth in 80 bytes: the
    /// decoder used to allocate the 512 MiB the header implies before inflating and failing.
    /// Deflate's 1:1032 ceiling refuses it first.
    @Test func aTinyFileClaimingAHugeImageIsRefusedBeforeAllocating() throws {
        let url = Self.regressions.appendingPathComponent("header-size-bomb-8192x8192.png")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
        #expect(size < 1000)
        #expect(throws: PlateError.self) { _ = try Self.decode(url) }
        do {
            _ = try Self.decode(url)
        } catch {
            #expect("\(error)".contains("cannot inflate to the 536879104 bytes its header implies"), "\(error)")
            #expect("\(error)".contains(url.path))
        }
    }
}
