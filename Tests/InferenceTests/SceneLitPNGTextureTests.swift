import Foundation
import ImageCore
import Inference
import Plates
import ShotSpec
import TestSupport
import Testing

/// PNG textures: decoded as OpenImageIO (libpng) decodes them, converted by OCIO, and hostile
/// files refused with an error naming the texture's field and the reason.
@Suite struct SceneLitPNGTextureTests {
    /// A PNG written by oiiotool from an EXR of `image`, at `depth` (uint8 or uint16).
    static func png(_ image: RGBAImage, depth: String, alpha: Bool, in root: URL) throws -> String {
        let exr = try SceneLitImageTextureTests.write(image, named: "source-\(depth).exr", in: root)
        let out = root.appendingPathComponent("texture-\(depth)-\(alpha).png").path
        let result = try Tool.run("oiiotool", [exr] + (alpha ? [] : ["--ch", "R,G,B"]) + ["-d", depth, "-o", out])
        #expect(result.status == 0, "oiiotool: \(result.stderr)")
        return out
    }

    /// A smooth gradient with detail, so libpng's adaptive filtering uses more than one filter.
    static func gradient() -> RGBAImage {
        var image = RGBAImage(width: 37, height: 23)
        for y in 0..<23 {
            for x in 0..<37 {
                image[x, y] = SIMD4(Float(x) / 36, Float(y) / 22, Float((x * 7 + y * 13) % 17) / 16, Float(x + y) / 58)
            }
        }
        return image
    }

    @Test func pngsReadAsOpenImageIOReadsThem() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        for (depth, alpha) in [("uint8", false), ("uint16", true), ("uint8", true), ("uint16", false)] {
            let path = try Self.png(Self.gradient(), depth: depth, alpha: alpha, in: root)
            // The authority: OpenImageIO decodes the same file (through libpng) to float EXR,
            // keeping the stored colour as PNG defines it (unassociated alpha), as textures do.
            let back = root.appendingPathComponent("back.exr").path
            let result = try Tool.run("oiiotool", ["--iconfig", "oiio:UnassociatedAlpha", "1", path, "-d", "float", "-o", back])
            #expect(result.status == 0, "oiiotool: \(result.stderr)")
            let expected = try PlateReader.read(back).image
            let decoded = try PNGDecoder.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), path: path, maxSide: 64, maxPixels: 4096)
            #expect(decoded.width == 37 && decoded.height == 23)
            var worst: Float = 0
            for y in 0..<23 {
                for x in 0..<37 {
                    for c in 0..<3 { worst = max(worst, abs(decoded[x, y][c] - expected[x, y][c])) }
                }
            }
            #expect(worst < 1e-6, "\(depth) alpha \(alpha): largest difference from libpng's decode \(worst)")
        }
    }

    @Test func anSRGBPNGTextureReadsAsTheOfficialOCIOConversionOfItsValues() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        // 0.8, 0.6, 0.2 are exactly 204, 153, 51 of 255, so the file holds exactly these values.
        let encoded = SIMD3<Float>(0.8, 0.6, 0.2)
        let path = try Self.png(RGBAImage(width: 8, height: 8, fill: SIMD4(encoded, 1)), depth: "uint8", alpha: false, in: root)
        _ = try SceneLitImageTextureTests.expectReadsAsOCIOConversion(path: path, encoded: encoded, root: root)
    }

    /// CRC-32 of PNG's Annex D (ISO 3309), written out here so a patched header can be re-signed.
    static func crc(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }

    @Test func hostilePNGsAreRefusedNamingTheTextureAndTheReason() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try Self.png(Self.gradient(), depth: "uint8", alpha: false, in: root))))
        // IHDR data is bytes 16..<29, its CRC 29..<33; the first IDAT follows somewhere after.
        var huge = good
        huge[16...19] = [0, 1, 0x86, 0xA0] // width 100000
        let signed = Self.crc(huge[12..<29])
        huge[29...32] = [UInt8(signed >> 24), UInt8((signed >> 16) & 0xFF), UInt8((signed >> 8) & 0xFF), UInt8(signed & 0xFF)]
        var flipped = good
        flipped[good.count - 20] ^= 0x5A
        var interlaced = good
        interlaced[28] = 1
        let interlacedCRC = Self.crc(interlaced[12..<29])
        interlaced[29...32] = [UInt8(interlacedCRC >> 24), UInt8((interlacedCRC >> 16) & 0xFF), UInt8((interlacedCRC >> 8) & 0xFF), UInt8(interlacedCRC & 0xFF)]
        let cases: [(String, [UInt8], String)] = [
            ("huge", huge, "over the limit"),
            ("flipped", flipped, "CRC mismatch"),
            ("truncated", Array(good.prefix(good.count / 2)), "damaged PNG"),
            ("interlaced", interlaced, "interlaced"),
            ("empty", [], "no PNG signature"),
        ]
        for (name, bytes, reason) in cases {
            let url = root.appendingPathComponent("\(name).png")
            try Data(bytes).write(to: url)
            let message = SceneLitSpecErrorTests.error("objects:\n  - {name: a, shape: sphere, radius: 1, position: [0, 1, 0], material: {texture: {path: \(url.path)}}}")
            #expect(message?.hasPrefix("shot.objects[0].material.texture.path:") == true && message?.contains(reason) == true, "\(name): \(message ?? "no error")")
        }
    }
}
