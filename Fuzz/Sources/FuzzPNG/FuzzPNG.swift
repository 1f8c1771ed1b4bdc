#if FUZZING
import CZlib
import Foundation
import FuzzSupport
import ImageCore
@testable import Inference
import Plates

/// PNG texture decoder: the input is a file's bytes as `ImageTexture.load` reads a `.png` texture,
/// given to `PNGDecoder.decode` with the texture loader's own limits. A decode that succeeds must
/// hold exactly the header's pixels, every sample within 0…1 (a sample over its maximum).
@main enum FuzzPNG {
    static func main() {
        Fuzzer.main("FuzzPNG", seeds: writeSeeds) { input in
            let bytes = [UInt8](input)
            check(bytes)
            // A mutated chunk almost never keeps a valid CRC, so the input is also decoded with
            // every CRC rewritten: that lets the mutations reach the code behind the CRC check.
            let signed = resigned(bytes)
            if signed != bytes { check(signed) }
        }
    }

    static func check(_ bytes: [UInt8]) {
        let limits = ImageTexture.limits
        guard let image = try? PNGDecoder.decode(bytes, path: "input.png", maxSide: limits.maxSide, maxPixels: limits.maxPixels) else { return }
        guard image.width > 0, image.height > 0, image.pixels.count == image.width * image.height * 4 else {
            fatalError("decoded \(image.width)×\(image.height) with \(image.pixels.count) samples")
        }
        for sample in image.pixels where !(sample >= 0 && sample <= 1) { fatalError("sample \(sample) outside 0…1") }
    }

    /// `bytes` with the CRC of every whole chunk after the signature set to its contents' CRC.
    static func resigned(_ bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        var at = 8
        while out.count - at >= 12 {
            let length = Int(out[at]) << 24 | Int(out[at + 1]) << 16 | Int(out[at + 2]) << 8 | Int(out[at + 3])
            guard length <= out.count - at - 12 else { break }
            let crc = out.withUnsafeBufferPointer { crc32(0, $0.baseAddress! + at + 4, uInt(4 + length)) }
            let end = at + 8 + length
            for i in 0..<4 { out[end + i] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * i)) }
            at = end + 4
        }
        return out
    }

    /// Seeds: tiny images from `encode` in every layout the decoder reads, every row filter, the
    /// image data split over several IDAT chunks, and ancillary chunks the decoder must skip.
    static func writeSeeds(_ folder: URL) throws {
        for (colorType, channels) in [(UInt8(0), 1), (2, 3), (4, 2), (6, 4)] {
            for depth in [8, 16] {
                let name = "\(["grey", "", "rgb", "", "grey-alpha", "", "rgba"][Int(colorType)])-\(depth)"
                try Fuzzer.write(encode(width: 5, height: 6, colorType: colorType, channels: channels, depth: depth), to: folder, "\(name).png")
            }
        }
        try Fuzzer.write(encode(width: 9, height: 4, colorType: 6, channels: 4, depth: 8, idatPieces: 3, extras: true), to: folder, "rgba-8-split-idat.png")
        try Fuzzer.write(encode(width: 1, height: 1, colorType: 2, channels: 3, depth: 8), to: folder, "rgb-8-1x1.png")
    }

    /// A PNG (ISO/IEC 15948) of a gradient: row y uses filter y mod 5, so every filter appears.
    static func encode(
        width: Int, height: Int, colorType: UInt8, channels: Int, depth: Int, idatPieces: Int = 1, extras: Bool = false
    ) throws -> [UInt8] {
        let bytesPerSample = depth / 8, bpp = channels * bytesPerSample, stride = width * bpp
        var rows = [[UInt8]]()
        for y in 0..<height {
            var row = [UInt8]()
            for x in 0..<width {
                for c in 0..<channels {
                    let value = (x * 37 + y * 71 + c * 101) * (depth == 8 ? 1 : 257) % (depth == 8 ? 256 : 65536)
                    if depth == 16 { row.append(UInt8(value >> 8)) }
                    row.append(UInt8(value & 0xFF))
                }
            }
            rows.append(row)
        }
        var raw = [UInt8]()
        for y in 0..<height {
            let filter = y % 5
            raw.append(UInt8(filter))
            for i in 0..<stride {
                let a = i >= bpp ? Int(rows[y][i - bpp]) : 0
                let b = y > 0 ? Int(rows[y - 1][i]) : 0
                let c = (y > 0 && i >= bpp) ? Int(rows[y - 1][i - bpp]) : 0
                let predictor = PNGDecoder.predictor(UInt8(filter), a: a, b: b, c: c) ?? 0
                raw.append(rows[y][i] &- UInt8(truncatingIfNeeded: predictor))
            }
        }
        var compressedSize = compressBound(uLong(raw.count))
        var compressed = [UInt8](repeating: 0, count: Int(compressedSize))
        guard compress(&compressed, &compressedSize, raw, uLong(raw.count)) == Z_OK else { throw CocoaError(.coderInvalidValue) }
        compressed.removeLast(compressed.count - Int(compressedSize))

        func be(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return be(data.count) + body + be(Int(crc32(0, body, uInt(body.count))))
        }
        var png = PNGDecoder.signature
        png += chunk("IHDR", be(width) + be(height) + [UInt8(depth), colorType, 0, 0, 0])
        if extras { png += chunk("gAMA", be(45455)) + chunk("tEXt", Array("Software\0scenefarm fuzz seed".utf8)) }
        let piece = (compressed.count + idatPieces - 1) / idatPieces
        for start in Swift.stride(from: 0, to: compressed.count, by: piece) {
            png += chunk("IDAT", Array(compressed[start..<min(start + piece, compressed.count)]))
        }
        png += chunk("IEND", [])
        return png
    }
}
#else
import FuzzSupport

@main enum FuzzPNG {
    static func main() { Fuzzer.main("FuzzPNG", seeds: { _ in }, test: { _ in }) }
}
#endif
