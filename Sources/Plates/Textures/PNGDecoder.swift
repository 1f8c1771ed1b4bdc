import CZlib
import Foundation
import ImageCore

/// Decodes the PNG images textures use: 8- or 16-bit greyscale, grey with alpha, RGB or RGBA
/// (colour types 0, 4, 2 and 6), non-interlaced (PNG, ISO/IEC 15948 / W3C second edition). Every chunk's CRC is checked, the
/// header's size is checked against the caller's limits before anything is allocated, and the
/// image data is inflated into a buffer of exactly the size the header implies, so a hostile file
/// is refused with a reason and never makes the decoder read or write out of bounds.
public enum PNGDecoder {
    /// The eight bytes every PNG file starts with (§5.2).
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The most bytes one byte of a deflate stream can inflate to.
    static let maxDeflateRatio = 1032

    /// What row filter `filter` (PNG §9.2: None, Sub, Up, Average, Paeth) predicts a byte from the
    /// bytes to its left (`a`), above (`b`) and above-left (`c`); nil for an unknown filter.
    @inline(__always)
    public static func predictor(_ filter: UInt8, a: Int, b: Int, c: Int) -> Int? {
        switch filter {
        case 0: return 0
        case 1: return a
        case 2: return b
        case 3: return (a + b) / 2
        case 4:
            let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
            return pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
        default: return nil
        }
    }

    /// Whether `bytes` start with the PNG signature.
    public static func isPNG(_ bytes: [UInt8]) -> Bool { bytes.count >= 8 && Array(bytes[0..<8]) == signature }

    /// The image in `bytes` as RGBA floats: samples over their maximum (255 or 65535), a grey
    /// sample in R, G and B, alpha 1 where the file has none. `path` only names the file in errors.
    public static func decode(_ bytes: [UInt8], path: String, maxSide: Int, maxPixels: Int) throws(PlateError) -> RGBAImage {
        func damaged(_ reason: String) -> PlateError { .unsupported(path: path, reason: "damaged PNG: \(reason)") }
        guard isPNG(bytes) else { throw damaged("no PNG signature") }
        var at = 8
        var width = 0, height = 0, channels = 0, bytesPerSample = 0
        var compressed: [UInt8] = []
        var ended = false
        while !ended {
            guard bytes.count - at >= 12 else { throw damaged("truncated before IEND") }
            let length = Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
            // A length is at most 2³¹ − 1 and must fit in what is left of the file.
            guard length <= Int(Int32.max), length <= bytes.count - at - 12 else { throw damaged("chunk at byte \(at) runs past the end of the file") }
            let typeStart = at + 4, dataStart = at + 8, dataEnd = at + 8 + length
            let type = String(decoding: bytes[typeStart..<dataStart], as: UTF8.self)
            let stored = UInt32(bytes[dataEnd]) << 24 | UInt32(bytes[dataEnd + 1]) << 16 | UInt32(bytes[dataEnd + 2]) << 8 | UInt32(bytes[dataEnd + 3])
            let crc = bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress! + typeStart, uInt(4 + length)) }
            guard UInt32(truncatingIfNeeded: crc) == stored else { throw damaged("CRC mismatch in chunk '\(type)' at byte \(at)") }
            let data = bytes[dataStart..<dataEnd]
            switch type {
            case "IHDR":
                guard at == 8, length == 13 else { throw damaged("IHDR must come first and hold 13 bytes") }
                let d = Array(data)
                width = Int(d[0]) << 24 | Int(d[1]) << 16 | Int(d[2]) << 8 | Int(d[3])
                height = Int(d[4]) << 24 | Int(d[5]) << 16 | Int(d[6]) << 8 | Int(d[7])
                guard width > 0, height > 0 else { throw damaged("empty image \(width)×\(height)") }
                guard width <= maxSide, height <= maxSide, width * height <= maxPixels else {
                    throw .overLimit(path: path, reason: "PNG of \(width)×\(height) is over the limit of \(maxSide) pixels a side and \(maxPixels) pixels")
                }
                guard d[8] == 8 || d[8] == 16 else { throw .unsupported(path: path, reason: "PNG bit depth \(d[8]) is not supported (8 or 16)") }
                let channelsOfType: [UInt8: Int] = [0: 1, 2: 3, 4: 2, 6: 4]
                guard let count = channelsOfType[d[9]] else {
                    throw .unsupported(path: path, reason: "PNG colour type \(d[9]) is not supported (0: grey, 2: RGB, 4: grey and alpha, 6: RGBA)")
                }
                guard d[10] == 0, d[11] == 0 else { throw damaged("unknown compression or filter method") }
                guard d[12] == 0 else { throw .unsupported(path: path, reason: "interlaced PNG is not supported") }
                bytesPerSample = Int(d[8]) / 8
                channels = count
            case "IDAT":
                guard width > 0 else { throw damaged("IDAT before IHDR") }
                compressed += data
            case "IEND":
                ended = true
            default:
                // Bit 5 of the first letter clear marks a critical chunk a decoder must understand.
                guard width > 0 else { throw damaged("chunk '\(type)' before IHDR") }
                if bytes[typeStart] & 0x20 == 0 && type != "PLTE" {
                    throw .unsupported(path: path, reason: "unknown critical PNG chunk '\(type)'")
                }
            }
            at = dataEnd + 4
        }
        guard width > 0 else { throw damaged("no IHDR") }
        let bpp = channels * bytesPerSample, stride = width * bpp
        let expected = height * (stride + 1)
        // Deflate cannot compress better than 1032:1 (zlib's technical details), so image data
        // that small cannot fill the header's size: refuse before allocating for it, so a tiny
        // file claiming 8192×8192 costs nothing.
        guard expected / Self.maxDeflateRatio <= compressed.count else {
            throw damaged("\(compressed.count) bytes of image data cannot inflate to the \(expected) bytes its header implies")
        }
        var raw = [UInt8](repeating: 0, count: expected)
        var produced = uLongf(expected)
        let status = raw.withUnsafeMutableBufferPointer { dst in
            compressed.withUnsafeBufferPointer { src in uncompress(dst.baseAddress, &produced, src.baseAddress, uLong(src.count)) }
        }
        guard status == Z_OK, Int(produced) == expected else {
            throw damaged("image data does not inflate to the \(expected) bytes its header implies (zlib status \(status))")
        }
        // Undo the per-row filters in place (PNG §9: None, Sub, Up, Average, Paeth).
        var pixels = [Float](repeating: 1, count: width * height * 4)
        let scale: Float = bytesPerSample == 1 ? 1 / 255 : 1 / 65535
        // A grey file's one colour sample fills R, G and B; its alpha (if any) goes to A.
        let targets = channels == 1 ? [0] : channels == 2 ? [0, 3] : Array(0..<channels)
        try raw.withUnsafeMutableBufferPointer { (r: inout UnsafeMutableBufferPointer<UInt8>) throws(PlateError) in
            for y in 0..<height {
                let row = y * (stride + 1) + 1, above = row - stride - 1
                let filter = r[row - 1]
                for i in 0..<stride {
                    let a = i >= bpp ? Int(r[row + i - bpp]) : 0
                    let b = y > 0 ? Int(r[above + i]) : 0
                    let c = (y > 0 && i >= bpp) ? Int(r[above + i - bpp]) : 0
                    guard let predictor = Self.predictor(filter, a: a, b: b, c: c) else { throw damaged("unknown filter type \(filter) on row \(y)") }
                    r[row + i] = r[row + i] &+ UInt8(truncatingIfNeeded: predictor)
                }
                for x in 0..<width {
                    for (ch, target) in targets.enumerated() {
                        let s = row + x * bpp + ch * bytesPerSample
                        let value = bytesPerSample == 1 ? Int(r[s]) : Int(r[s]) << 8 | Int(r[s + 1])
                        pixels[(y * width + x) * 4 + target] = Float(value) * scale
                    }
                    if channels <= 2 {
                        let p = (y * width + x) * 4
                        pixels[p + 1] = pixels[p]
                        pixels[p + 2] = pixels[p]
                    }
                }
            }
        }
        return RGBAImage(width: width, height: height, pixels: pixels)
    }
}
