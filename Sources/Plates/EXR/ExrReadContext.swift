import COpenEXR
import Foundation
import ImageCore

/// An EXR file open for reading through the Core API, with its header checked against
/// `ExrLimits` and against the file's size. Owns the Core context and finishes it when released.
///
/// Core's strict header mode refuses what OpenEXR's C++ reader refuses (unknown compression or
/// line order, bad attribute sizes, names over 255 characters) instead of patching it over; what
/// the header claims is then checked here, in O(header), before the caller allocates anything.
final class ExrReadContext {
    let path: String
    let context: exr_context_t
    let capture: ExrErrorCapture
    /// Bytes in the file when it was checked.
    let fileSize: Int64

    private init(path: String, context: exr_context_t, capture: ExrErrorCapture, fileSize: Int64) {
        self.path = path
        self.context = context
        self.capture = capture
        self.fileSize = fileSize
    }

    deinit {
        var c: exr_context_t? = context
        exr_finish(&c)
    }

    /// The header a caller may allocate for: everything in it is within `ExrLimits`.
    struct Header {
        let window: exr_attr_box2i_t
        let width: Int
        let height: Int
        let channels: [ExrImage.Channel]
        let compression: exr_compression_t
        let lineOrder: exr_lineorder_t
        let chunkCount: Int
        let linesPerChunk: Int
    }

    /// Opens `path` (a regular file only: a FIFO or device would block Core's open) and checks its header.
    static func open(_ path: String, limits: ExrLimits) throws(PlateError) -> (ExrReadContext, Header) {
        let fileSize: Int64
        do { fileSize = try InputFile.check(path) } catch { throw .io(path: path, message: error.reason) }
        let capture = ExrErrorCapture()
        var initializer = capture.initializer()
        // A damaged header is an error rather than something to patch over, so is a bad offset
        // table rather than a reason to scan the file for chunks; and every buffer Core allocates
        // starts zeroed, so a chunk that decodes short cannot show what the memory held before.
        initializer.flags = EXR_CONTEXT_FLAG_DISABLE_CHUNK_RECONSTRUCTION | EXR_CONTEXT_FLAG_STRICT_HEADER
        initializer.alloc_fn = { calloc(1, $0) }
        initializer.free_fn = { free($0) }
        var opened: exr_context_t?
        let result = exr_start_read(&opened, path, &initializer)
        guard result == 0, let opened else { throw .exr(path: path, operation: "open", message: capture.first ?? capture.message(for: result)) }
        let file = ExrReadContext(path: path, context: opened, capture: capture, fileSize: fileSize)
        return (file, try file.checkHeader(limits))
    }

    private func checkHeader(_ limits: ExrLimits) throws(PlateError) -> Header {
        var storage = EXR_STORAGE_SCANLINE
        exr_get_storage(context, 0, &storage)
        guard storage == EXR_STORAGE_SCANLINE else {
            throw .unsupported(path: path, reason: "only scanline EXR files are read (this one is tiled or deep)")
        }
        var window = exr_attr_box2i_t()
        guard exr_get_data_window(context, 0, &window) == 0 else { throw .exr(path: path, operation: "read data window", message: capture.last ?? "") }
        // In Int, not Int32: a window from -2^31 to 2^31-1 must not trap.
        let width = Int(window.max.x) - Int(window.min.x) + 1, height = Int(window.max.y) - Int(window.min.y) + 1
        guard width > 0, height > 0 else { throw .damaged(path: path, reason: "empty data window") }
        guard width <= limits.maxSide, height <= limits.maxSide else {
            throw .overLimit(path: path, reason: "data window is \(width)×\(height) pixels; at most \(limits.maxSide) on a side are read")
        }
        guard width * height <= limits.maxPixels else {
            throw .overLimit(path: path, reason: "data window is \(width)×\(height) = \(width * height) pixels; at most \(limits.maxPixels) are read")
        }

        var compression = EXR_COMPRESSION_NONE, lineOrder = EXR_LINEORDER_INCREASING_Y
        exr_get_compression(context, 0, &compression)
        exr_get_lineorder(context, 0, &lineOrder)
        guard compression.rawValue < EXR_COMPRESSION_LAST_TYPE.rawValue else {
            throw .damaged(path: path, reason: "unknown compression code \(compression.rawValue)")
        }
        guard lineOrder.rawValue < EXR_LINEORDER_LAST_TYPE.rawValue else {
            throw .damaged(path: path, reason: "unknown line order code \(lineOrder.rawValue)")
        }
        let channels = try checkChannels(limits)

        var chunkCount: Int32 = 0, linesPerChunk: Int32 = 0
        guard exr_get_chunk_count(context, 0, &chunkCount) == 0, exr_get_scanlines_per_chunk(context, 0, &linesPerChunk) == 0,
              chunkCount > 0, linesPerChunk > 0
        else { throw .exr(path: path, operation: "read chunk layout", message: capture.last ?? "no chunks") }
        var declared: UnsafePointer<exr_attribute_t>?
        if exr_get_attribute_by_name(context, 0, "chunkCount", &declared) == 0, let attribute = declared?.pointee,
           attribute.type == EXR_ATTR_INT, attribute.i != chunkCount {
            throw .damaged(path: path, reason: "chunkCount says \(attribute.i) but the data window holds \(chunkCount) chunks")
        }
        let room = fileSize / Int64(ExrLimits.minimumBytesPerChunk)
        guard Int64(chunkCount) <= room else {
            throw .damaged(path: path, reason: "the header claims \(chunkCount) chunks; the file's \(fileSize) bytes hold at most \(room)")
        }
        var chunkBytes: UInt64 = 0
        guard exr_get_chunk_unpacked_size(context, 0, &chunkBytes) == 0 else {
            throw .exr(path: path, operation: "size chunks", message: capture.last ?? "")
        }
        guard chunkBytes <= UInt64(limits.maxChunkBytes) else {
            throw .overLimit(path: path, reason: "a chunk decompresses to \(chunkBytes) bytes; at most \(limits.maxChunkBytes) are read")
        }
        return Header(window: window, width: width, height: height, channels: channels, compression: compression, lineOrder: lineOrder,
                      chunkCount: Int(chunkCount), linesPerChunk: Int(linesPerChunk))
    }

    private func checkChannels(_ limits: ExrLimits) throws(PlateError) -> [ExrImage.Channel] {
        var list: UnsafePointer<exr_attr_chlist_t>?
        guard exr_get_channels(context, 0, &list) == 0, let list, list.pointee.num_channels > 0 else {
            throw .damaged(path: path, reason: "no channels")
        }
        let count = Int(list.pointee.num_channels)
        guard count <= limits.maxChannels else {
            throw .overLimit(path: path, reason: "\(count) channels; at most \(limits.maxChannels) are read")
        }
        var channels: [ExrImage.Channel] = []
        for i in 0..<count {
            let entry = list.pointee.entries[i]
            let name = String(cString: entry.name.str)
            let type: String
            switch entry.pixel_type {
            case EXR_PIXEL_HALF: type = "half"
            case EXR_PIXEL_FLOAT: type = "float"
            case EXR_PIXEL_UINT: type = "uint"
            default: throw .damaged(path: path, reason: "channel \(name) has unknown pixel type \(entry.pixel_type.rawValue)")
            }
            // Subsampled planes would fill only part of the full-resolution scratch they decode into.
            if ["R", "G", "B", "A"].contains(name), entry.x_sampling != 1 || entry.y_sampling != 1 {
                throw .unsupported(path: path, reason: "channel \(name) is subsampled (\(entry.x_sampling)×\(entry.y_sampling)); only full-resolution R, G, B and A are read")
            }
            channels.append(.init(name: name, type: type))
        }
        return channels
    }

    /// Every chunk's place and size, checked in O(chunks) before any pixel buffer exists: offsets
    /// inside the file and in the order the line order promises, chunks that do not overlap, and
    /// uncompressed chunks exactly as long as their rows.
    func chunks(_ header: Header) throws(PlateError) -> [exr_chunk_info_t] {
        var infos = [exr_chunk_info_t](repeating: exr_chunk_info_t(), count: header.chunkCount)
        for i in 0..<header.chunkCount {
            let y = Int32(Int(header.window.min.y) + i * header.linesPerChunk)
            let result = exr_read_scanline_chunk_info(context, 0, y, &infos[i])
            guard result == 0 else { throw .damaged(path: path, reason: "chunk \(i): \(capture.message(for: result))") }
        }
        let order: [Int]
        switch header.lineOrder {
        case EXR_LINEORDER_DECREASING_Y: order = Array(infos.indices.reversed())
        case EXR_LINEORDER_RANDOM_Y: order = infos.indices.sorted { infos[$0].data_offset < infos[$1].data_offset }
        default: order = Array(infos.indices)
        }
        // A chunk is its 8-byte leader (row, size) followed by its data.
        var end: UInt64 = 0, previous = -1
        for i in order {
            let info = infos[i]
            guard info.data_offset >= 8, info.data_offset - 8 >= end else {
                throw .damaged(path: path, reason: previous < 0
                    ? "chunk \(i) starts at byte \(info.data_offset), inside the header"
                    : "chunk \(i) at byte \(info.data_offset) is not after chunk \(previous), which ends at byte \(end); chunk offsets must increase")
            }
            let (stop, overflow) = info.data_offset.addingReportingOverflow(info.packed_size)
            guard !overflow, stop <= UInt64(fileSize) else {
                throw .damaged(path: path, reason: "chunk \(i) runs past the end of the file (\(info.packed_size) bytes at byte \(info.data_offset) of \(fileSize))")
            }
            guard header.compression != EXR_COMPRESSION_NONE || info.packed_size == info.unpacked_size else {
                throw .damaged(path: path, reason: "chunk \(i) holds \(info.packed_size) bytes; its \(info.height) uncompressed rows need \(info.unpacked_size)")
            }
            end = stop
            previous = i
        }
        return infos
    }

    /// Every header attribute, by name.
    func attributes() -> [String: ExrAttribute] {
        var count: Int32 = 0
        guard exr_get_attribute_count(context, 0, &count) == 0 else { return [:] }
        var out: [String: ExrAttribute] = [:]
        for i in 0..<count {
            var attr: UnsafePointer<exr_attribute_t>?
            guard exr_get_attribute_by_index(context, 0, EXR_ATTR_LIST_FILE_ORDER, i, &attr) == 0, let a = attr?.pointee else { continue }
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
}
