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
}

/// Reads single-part scanline or tiled EXR files through the Core C API, all chunks in parallel.
public enum PlateReader {
    public static func read(_ path: String) throws(PlateError) -> ExrImage {
        let header = try readCore(path, decodePixels: false)
        guard header.compression == .dwaa || header.compression == .dwab else { return try readCore(path, decodePixels: true) }
        // Core cannot decode DWA in OpenEXR 3.1: let the C++ library expand it, then read that.
        let expanded = FileManager.default.temporaryDirectory.appendingPathComponent("scenefarm-dwa-\(UUID().uuidString).exr").path
        defer { unlink(expanded) }
        try ExrTranscoder.transcode(path, to: expanded, compression: .none)
        let pixels = try readCore(expanded, decodePixels: true)
        return ExrImage(path: path, width: pixels.width, height: pixels.height, dataWindow: pixels.dataWindow, channels: header.channels,
                        compression: header.compression, isScanline: true, attributes: header.attributes, image: pixels.image)
    }

    private static func readCore(_ path: String, decodePixels: Bool) throws(PlateError) -> ExrImage {
        let capture = ExrErrorCapture()
        var initializer = capture.initializer()
        guard FileManager.default.fileExists(atPath: path) else { throw .io(path: path, message: "no such file") }
        var ctxt: exr_context_t?
        let opened = exr_start_read(&ctxt, path, &initializer)
        guard opened == 0, let ctxt else { throw .exr(path: path, operation: "open", message: capture.message(for: opened)) }
        defer {
            var c: exr_context_t? = ctxt
            exr_finish(&c)
        }
        var storage = EXR_STORAGE_SCANLINE
        exr_get_storage(ctxt, 0, &storage)
        guard storage == EXR_STORAGE_SCANLINE else {
            throw .unsupported(path: path, reason: "only scanline EXR files are read (this one is tiled or deep)")
        }
        var window = exr_attr_box2i_t()
        guard exr_get_data_window(ctxt, 0, &window) == 0 else { throw .exr(path: path, operation: "read data window", message: capture.last ?? "") }
        let width = Int(window.max.x - window.min.x + 1), height = Int(window.max.y - window.min.y + 1)
        guard width > 0, height > 0 else { throw .unsupported(path: path, reason: "empty data window") }

        let attributes = readAttributes(ctxt)
        var channels: [ExrImage.Channel] = []
        var chlist: UnsafePointer<exr_attr_chlist_t>?
        if exr_get_channels(ctxt, 0, &chlist) == 0, let chlist {
            for i in 0..<Int(chlist.pointee.num_channels) {
                let entry = chlist.pointee.entries[i]
                let type = entry.pixel_type == EXR_PIXEL_HALF ? "half" : entry.pixel_type == EXR_PIXEL_FLOAT ? "float" : "uint"
                channels.append(.init(name: String(cString: entry.name.str), type: type))
            }
        }
        var compressionCode = EXR_COMPRESSION_NONE
        exr_get_compression(ctxt, 0, &compressionCode)

        var image = RGBAImage(width: width, height: height, fill: SIMD4(0, 0, 0, 1))
        if decodePixels {
            try self.decodePixels(ctxt, path: path, into: &image, originY: window.min.y, originX: window.min.x, capture: capture)
        }
        return ExrImage(
            path: path, width: width, height: height, dataWindow: (SIMD2(window.min.x, window.min.y), SIMD2(window.max.x, window.max.y)),
            channels: channels, compression: compression(from: compressionCode), isScanline: true,
            attributes: attributes, image: image
        )
    }

    private static func decodePixels(
        _ ctxt: exr_context_t, path: String, into image: inout RGBAImage, originY: Int32, originX: Int32, capture: ExrErrorCapture
    ) throws(PlateError) {
        var chunkCount: Int32 = 0
        var linesPerChunk: Int32 = 0
        guard exr_get_chunk_count(ctxt, 0, &chunkCount) == 0, exr_get_scanlines_per_chunk(ctxt, 0, &linesPerChunk) == 0 else {
            throw .exr(path: path, operation: "read chunk layout", message: capture.last ?? "")
        }
        let count = Int(chunkCount), width = image.width
        let channelIndex: [String: Int] = ["R": 0, "G": 1, "B": 2, "A": 3]
        let errors = FirstMessage()
        let constContext: exr_const_context_t = ctxt
        // Each chunk decodes into its own planar scratch (one plane per channel) and is then
        // interleaved into its rows: OpenEXR 3.1's fast unpack paths for interleaved output
        // assume the pointers follow file channel order (A, B, G, R) and would swap channels.
        image.pixels.withUnsafeMutableBufferPointer { destination in
            let out = destination.baseAddress!
            concurrentForEach(count: count) { i in
                var info = exr_chunk_info_t()
                // The pipeline points into itself, so it must not move between calls.
                let decoder = UnsafeMutablePointer<exr_decode_pipeline_t>.allocate(capacity: 1)
                decoder.initialize(to: exr_decode_pipeline_t())
                defer { decoder.deallocate() }
                var result = exr_read_scanline_chunk_info(constContext, 0, originY + Int32(i) * linesPerChunk, &info)
                let rows = Int(info.height), firstRow = Int(info.start_y - originY)
                let planeSize = rows * width
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, planeSize * 4))
                defer { scratch.deallocate() }
                var present = [false, false, false, false]
                if result == 0 { result = exr_decoding_initialize(constContext, 0, &info, decoder) }
                if result == 0 {
                    for c in 0..<Int(decoder.pointee.channel_count) {
                        let channel = decoder.pointee.channels + c
                        let name = String(cString: channel.pointee.channel_name)
                        guard let slot = channelIndex[name] else {
                            channel.pointee.decode_to_ptr = nil
                            continue
                        }
                        present[slot] = true
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
                // Absent channels read as 0, alpha as 1 (the image was created that way).
                let base = out + firstRow * width * 4
                for slot in 0..<4 where present[slot] {
                    let plane = scratch + slot * planeSize
                    for p in 0..<planeSize { base[p * 4 + slot] = plane[p] }
                }
            }
        }
        if let message = errors.value { throw .exr(path: path, operation: "decode", message: message) }
    }

    private static func readAttributes(_ ctxt: exr_context_t) -> [String: ExrAttribute] {
        var count: Int32 = 0
        guard exr_get_attribute_count(ctxt, 0, &count) == 0 else { return [:] }
        var out: [String: ExrAttribute] = [:]
        for i in 0..<count {
            var attr: UnsafePointer<exr_attribute_t>?
            guard exr_get_attribute_by_index(ctxt, 0, EXR_ATTR_LIST_FILE_ORDER, i, &attr) == 0, let a = attr?.pointee else { continue }
            let name = String(cString: a.name)
            switch a.type {
            case EXR_ATTR_STRING:
                out[name] = .string(a.string.map { String(cString: $0.pointee.str) } ?? "")
            case EXR_ATTR_INT: out[name] = .int(a.i)
            case EXR_ATTR_FLOAT: out[name] = .float(a.f)
            case EXR_ATTR_DOUBLE: out[name] = .double(a.d)
            case EXR_ATTR_V2F:
                if let v = a.v2f?.pointee { out[name] = .v2f(SIMD2(v.x, v.y)) }
            case EXR_ATTR_CHROMATICITIES:
                if let c = a.chromaticities?.pointee {
                    out[name] = .chromaticities(Chromaticities(
                        red: [c.red_x, c.red_y], green: [c.green_x, c.green_y], blue: [c.blue_x, c.blue_y], white: [c.white_x, c.white_y]))
                }
            case EXR_ATTR_RATIONAL:
                if let r = a.rational?.pointee { out[name] = .rational(numerator: r.num, denominator: r.denom) }
            case EXR_ATTR_TIMECODE:
                if let t = a.timecode?.pointee { out[name] = .timecode(timeAndFlags: t.time_and_flags, userData: t.user_data) }
            case EXR_ATTR_BOX2I:
                if let b = a.box2i?.pointee { out[name] = .box2i(min: SIMD2(b.min.x, b.min.y), max: SIMD2(b.max.x, b.max.y)) }
            case EXR_ATTR_COMPRESSION: out[name] = .compression(a.uc)
            case EXR_ATTR_LINEORDER: out[name] = .lineOrder(a.uc)
            default: out[name] = .other(typeName: String(cString: a.type_name))
            }
        }
        return out
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
