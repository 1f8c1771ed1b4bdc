import COpenEXR
import Foundation
import ImageCore
import ShotSpec

/// An attribute value read back from an EXR header.
public enum ExrAttribute: Sendable, Equatable {
    case string(String)
    case int(Int32)
    case float(Float)
    case double(Double)
    case v2f(SIMD2<Float>)
    case chromaticities(Chromaticities)
    case rational(numerator: Int32, denominator: UInt32)
    case timecode(timeAndFlags: UInt32, userData: UInt32)
    case box2i(min: SIMD2<Int32>, max: SIMD2<Int32>)
    case compression(UInt8)
    case lineOrder(UInt8)
    /// Types we do not interpret (kept by name so `inspect` can list them).
    case other(typeName: String)
}

/// A decoded EXR frame: the header we care about and the pixels as Float32 RGBA.
public struct ExrImage: Sendable {
    public struct Channel: Sendable, Equatable {
        public let name: String
        /// `half`, `float` or `uint`.
        public let type: String

        public init(name: String, type: String) {
            self.name = name
            self.type = type
        }
    }

    public let path: String
    public let width: Int
    public let height: Int
    public let dataWindow: (min: SIMD2<Int32>, max: SIMD2<Int32>)
    public let channels: [Channel]
    public let compression: Compression?
    public let isScanline: Bool
    public let attributes: [String: ExrAttribute]
    /// RGBA Float32; channels absent from the file read as 0 (alpha as 1).
    public let image: RGBAImage
    /// True when OpenEXR's C++ library decoded the pixels (DWA, B44 with float channels).
    public let decodedByCxxLibrary: Bool
}

/// Reads single-part scanline EXR files through the Core C API, all chunks in parallel.
///
/// The header and chunk table are checked (`ExrReadContext`, `ExrLimits`) before the frame is
/// allocated, so a file that claims more than it holds is refused, never half-decoded.
public enum PlateReader {
    /// Reads `path` as RGBA Float32 if its header is within `limits`.
    public static func read(_ path: String, limits: ExrLimits = .plate) throws(PlateError) -> ExrImage {
        let (file, header) = try ExrReadContext.open(path, limits: limits)
        let chunks = try file.chunks(header)
        var image = RGBAImage(width: header.width, height: header.height, fill: SIMD4(0, 0, 0, 1))
        let compression = compression(from: header.compression)
        let viaCxx = PlateWriter.needsCxxCodec(header.compression, floatChannels: header.channels.contains { $0.type != "half" })
        if viaCxx {
            // The C++ library decodes these straight into the frame.
            try ExrCxxLibrary.readRGBA(path, into: &image, operation: "\(compression?.rawValue.uppercased() ?? "B44A") decode")
        } else {
            try decodePixels(file, header: header, chunks: chunks, into: &image)
        }
        let window = header.window
        return ExrImage(
            path: path, width: header.width, height: header.height, dataWindow: (SIMD2(window.min.x, window.min.y), SIMD2(window.max.x, window.max.y)),
            channels: header.channels, compression: compression, isScanline: true, attributes: file.attributes(), image: image,
            decodedByCxxLibrary: viaCxx
        )
    }

    /// Decodes `path` again with OpenEXR's C++ library and requires the same RGBA samples as
    /// `exr` (NaN matching any NaN): a file OpenEXR refuses, or that our decoder reads differently,
    /// is damaged. Doubles the work, so `inspect` does it and the publish path does not.
    public static func verifyWithOpenEXR(_ exr: ExrImage) throws(PlateError) {
        // Files whose codec Core lacks were decoded by the C++ library already.
        guard !exr.decodedByCxxLibrary else { return }
        var theirs = RGBAImage(width: exr.width, height: exr.height, fill: SIMD4(0, 0, 0, 1))
        try ExrCxxLibrary.readRGBA(exr.path, into: &theirs, operation: "check")
        let ours = exr.image.pixels
        guard let i = theirs.pixels.indices.first(where: { ours[$0].bitPattern != theirs.pixels[$0].bitPattern && !(ours[$0].isNaN && theirs.pixels[$0].isNaN) }) else {
            return
        }
        let x = i / 4 % exr.width, y = i / 4 / exr.width, channel = ["R", "G", "B", "A"][i % 4]
        throw .damaged(path: exr.path, reason: "OpenEXR's C++ library reads \(channel) at (\(x), \(y)) as \(theirs.pixels[i]), our decoder as \(ours[i])")
    }

    private static func decodePixels(
        _ file: ExrReadContext, header: ExrReadContext.Header, chunks: [exr_chunk_info_t], into image: inout RGBAImage
    ) throws(PlateError) {
        let width = image.width, originY = header.window.min.y
        let channelIndex: [String: Int] = ["R": 0, "G": 1, "B": 2, "A": 3]
        let errors = FirstMessage()
        let constContext: exr_const_context_t = file.context
        let capture = file.capture
        // Each chunk decodes into its own planar scratch (one plane per channel) and is then
        // interleaved into its rows: OpenEXR 3.1's fast unpack paths for interleaved output
        // assume the pointers follow file channel order (A, B, G, R) and would swap channels.
        image.pixels.withUnsafeMutableBufferPointer { destination in
            let out = destination.baseAddress!
            concurrentForEach(count: chunks.count) { i in
                var info = chunks[i]
                // The pipeline points into itself, so it must not move between calls.
                let decoder = UnsafeMutablePointer<exr_decode_pipeline_t>.allocate(capacity: 1)
                decoder.initialize(to: exr_decode_pipeline_t())
                defer { decoder.deallocate() }
                let rows = Int(info.height), firstRow = Int(info.start_y - originY)
                let planeSize = rows * width
                // Planes R, G, B, A, then one that every other channel (Z, ids, …) is decoded into
                // and dropped: OpenEXR 3.1's 3- and 4-channel unpackers write every channel's
                // pointer without checking it, so none may be nil.
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, planeSize * 5))
                defer { scratch.deallocate() }
                var present = [false, false, false, false]
                var result = exr_decoding_initialize(constContext, 0, &info, decoder)
                if result == 0 {
                    for c in 0..<Int(decoder.pointee.channel_count) {
                        let channel = decoder.pointee.channels + c
                        let name = String(cString: channel.pointee.channel_name)
                        let slot = channelIndex[name] ?? 4
                        if slot < 4 { present[slot] = true }
                        channel.pointee.decode_to_ptr = UnsafeMutableRawPointer(scratch + slot * planeSize).assumingMemoryBound(to: UInt8.self)
                        channel.pointee.user_pixel_stride = 4
                        channel.pointee.user_line_stride = Int32(width * 4)
                        channel.pointee.user_bytes_per_element = 4
                        channel.pointee.user_data_type = UInt16(EXR_PIXEL_FLOAT.rawValue)
                    }
                    result = exr_decoding_choose_default_routines(constContext, 0, decoder)
                }
                if result == 0 { result = exr_decoding_run(constContext, 0, decoder) }
                exr_decoding_destroy(constContext, decoder)
                guard result == 0 else {
                    errors.record("chunk \(i): \(capture.message(for: result))")
                    return
                }
                // Absent channels read as 0, alpha as 1 (the image was created that way). Every
                // present plane is whole: subsampled R, G, B and A were refused with the header.
                let base = out + firstRow * width * 4
                for slot in 0..<4 where present[slot] {
                    let plane = scratch + slot * planeSize
                    for p in 0..<planeSize { base[p * 4 + slot] = plane[p] }
                }
            }
        }
        if let message = errors.value { throw .exr(path: file.path, operation: "decode", message: message) }
    }

    static func compression(from code: exr_compression_t) -> Compression? {
        switch code {
        case EXR_COMPRESSION_NONE: return Compression.none
        case EXR_COMPRESSION_RLE: return .rle
        case EXR_COMPRESSION_ZIPS: return .zips
        case EXR_COMPRESSION_ZIP: return .zip
        case EXR_COMPRESSION_PIZ: return .piz
        case EXR_COMPRESSION_PXR24: return .pxr24
        case EXR_COMPRESSION_B44: return .b44
        case EXR_COMPRESSION_DWAA: return .dwaa
        case EXR_COMPRESSION_DWAB: return .dwab
        default: return nil
        }
    }
}
