import COpenEXR
import COpenEXRCxx
import Dispatch
import Foundation
import ImageCore
import ShotSpec

/// Writes RGBA frames as OpenEXR through the Core C API. Made once per task, reused per frame.
///
/// Chunks are packed and compressed on all cores, then written in file order, so a PIZ or DWA
/// frame uses every core even though one file is written sequentially.
public final class PlateWriter: Sendable {
    public let format: PlateFormat
    public let chromaticities: Chromaticities?

    public init(format: PlateFormat) throws(PlateError) {
        var format = format
        if format.acesContainer {
            guard Chromaticities.of(colorspace: format.colorspace) == .ap0 else {
                throw .unsupported(path: "output.colorspace", reason: "the ACES container (ST 2065-4) holds ACES2065-1 only, not '\(format.colorspace)'")
            }
            format.compression = .none
            format.bitDepth = .half
        }
        let isData = format.colorspace == "Raw"
        let chromaticities = Chromaticities.of(colorspace: format.colorspace)
        if chromaticities == nil, !isData { throw .unknownChromaticities(colorspace: format.colorspace) }
        self.format = format
        self.chromaticities = chromaticities
    }

    /// Writes `image` to `url` atomically: a temporary name in the same folder, then a rename.
    public func write(_ image: RGBAImage, to url: URL, metadata: FrameMetadata) throws(PlateError) {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UUID().uuidString.prefix(8)).tmp")
        do {
            try encode(image, to: temporary.path, metadata: metadata)
        } catch {
            unlink(temporary.path)
            throw error
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw .io(path: url.path, message: "cannot move the finished frame into place: \(reason)")
        }
    }

    /// Encodes `image` into a new file at `path` (no rename; callers wanting atomicity use `write`).
    public func encode(_ image: RGBAImage, to path: String, metadata: FrameMetadata) throws(PlateError) {
        guard Self.needsCxxCodec(Self.compressionCode(format.compression), floatChannels: format.bitDepth == .float) else {
            try encodeCore(image, to: path, metadata: metadata)
            return
        }
        // Encode the frame uncompressed, with every attribute, into memory through Core, then
        // let the C++ library compress it.
        let capture = ExrErrorCapture()
        // Pixels plus a generous allowance for the header, offset table and chunk headers.
        let samples = format.channels == .rgba ? 4 : 3, sampleBytes = format.bitDepth == .half ? 2 : 4
        capture.reserveMemory(image.width * image.height * samples * sampleBytes + 16 * image.height + 65_536)
        try encodeCore(image, to: path, metadata: metadata, capture: capture, inMemory: true)
        try ExrCxxLibrary.transcode(memory: capture.memory, to: path, compression: format.compression, dwaLevel: format.dwaLevel)
    }

    /// Encodes through the Core API into `path`, or into `capture.memory` when `inMemory`.
    private func encodeCore(
        _ image: RGBAImage, to path: String, metadata: FrameMetadata, capture: ExrErrorCapture = ExrErrorCapture(), inMemory: Bool = false
    ) throws(PlateError) {
        var initializer = inMemory ? capture.memoryInitializer() : capture.initializer()
        var ctxt: exr_context_t?
        func check(_ result: exr_result_t, _ operation: String) throws(PlateError) {
            guard result == 0 else { throw .exr(path: path, operation: operation, message: capture.message(for: result)) }
        }
        try check(exr_start_write(&ctxt, path, EXR_WRITE_FILE_DIRECTLY, &initializer), "open for writing")
        guard let ctxt else { throw .exr(path: path, operation: "open for writing", message: "no context") }
        var finished = false
        defer {
            if !finished {
                var c: exr_context_t? = ctxt
                exr_finish(&c)
                if !inMemory { unlink(path) }
            }
        }
        var part: Int32 = 0
        try check(exr_add_part(ctxt, "", EXR_STORAGE_SCANLINE, &part), "add part")
        try defineHeader(ctxt, part: part, width: image.width, height: image.height, metadata: metadata, check: check)
        try check(exr_write_header(ctxt), "write header")

        // Quantise once, in Swift, with IEEE round-to-nearest-even (and ±65504 clamping rather
        // than overflow to infinity), so every path to half gives the same bits.
        let halves: [Float16]? = format.bitDepth == .half ? Self.quantize(image.pixels) : nil
        try writeChunks(ctxt, part: part, image: image, halves: halves, path: path, capture: capture)

        finished = true
        var c: exr_context_t? = ctxt
        let result = exr_finish(&c)
        guard result == 0 else {
            if !inMemory { unlink(path) }
            throw .exr(path: path, operation: "finish", message: capture.message(for: result))
        }
    }

    private func defineHeader(
        _ ctxt: exr_context_t, part: Int32, width: Int, height: Int, metadata: FrameMetadata,
        check: (exr_result_t, String) throws(PlateError) -> Void
    ) throws(PlateError) {
        let coreCompression = Self.needsCxxCodec(Self.compressionCode(format.compression), floatChannels: format.bitDepth == .float) ? Compression.none : format.compression
        try check(exr_initialize_required_attr_simple(ctxt, part, Int32(width), Int32(height), Self.compressionCode(coreCompression)), "set required attributes")
        let pixelType = format.bitDepth == .half ? EXR_PIXEL_HALF : EXR_PIXEL_FLOAT
        let names = format.channels == .rgba ? ["A", "B", "G", "R"] : ["B", "G", "R"]
        for name in names {
            try check(exr_add_channel(ctxt, part, name, pixelType, EXR_PERCEPTUALLY_LOGARITHMIC, 1, 1), "add channel \(name)")
        }
        if let c = chromaticities {
            var chroma = exr_attr_chromaticities_t(
                red_x: c.red.x, red_y: c.red.y, green_x: c.green.x, green_y: c.green.y,
                blue_x: c.blue.x, blue_y: c.blue.y, white_x: c.white.x, white_y: c.white.y
            )
            try check(exr_attr_set_chromaticities(ctxt, part, "chromaticities", &chroma), "set chromaticities")
            var neutral = exr_attr_v2f_t()
            neutral.x = c.white.x
            neutral.y = c.white.y
            try check(exr_attr_set_v2f(ctxt, part, "adoptedNeutral", &neutral), "set adoptedNeutral")
        }
        if format.acesContainer {
            try check(exr_attr_set_int(ctxt, part, "acesImageContainerFlag", 1), "set acesImageContainerFlag")
        }
        var rate = exr_attr_rational_t(num: Int32(metadata.fps.numerator), denom: UInt32(metadata.fps.denominator))
        try check(exr_attr_set_rational(ctxt, part, "framesPerSecond", &rate), "set framesPerSecond")
        var timecode = exr_attr_timecode_t(time_and_flags: metadata.timecode.packedTimeAndFlags, user_data: 0)
        try check(exr_attr_set_timecode(ctxt, part, "timeCode", &timecode), "set timeCode")
        try check(exr_attr_set_string(ctxt, part, "owner", metadata.owner), "set owner")
        try check(exr_attr_set_string(ctxt, part, "comments", metadata.comments), "set comments")
        try check(exr_attr_set_string(ctxt, part, "capDate", metadata.capDate), "set capDate")
        for key in metadata.strings.keys.sorted() {
            try check(exr_attr_set_string(ctxt, part, key, metadata.strings[key] ?? ""), "set \(key)")
        }
    }

    /// Packs and compresses every chunk concurrently, then writes them in order.
    private func writeChunks(
        _ ctxt: exr_context_t, part: Int32, image: RGBAImage, halves: [Float16]?, path: String, capture: ExrErrorCapture
    ) throws(PlateError) {
        var chunkCount: Int32 = 0
        var linesPerChunk: Int32 = 0
        guard exr_get_chunk_count(ctxt, part, &chunkCount) == 0, exr_get_scanlines_per_chunk(ctxt, part, &linesPerChunk) == 0 else {
            throw .exr(path: path, operation: "plan chunks", message: capture.last ?? "cannot read chunk layout")
        }
        let count = Int(chunkCount)
        var infos = [exr_chunk_info_t](repeating: exr_chunk_info_t(), count: count)
        for i in 0..<count {
            let result = exr_write_scanline_chunk_info(ctxt, part, Int32(i) * linesPerChunk, &infos[i])
            guard result == 0 else { throw .exr(path: path, operation: "chunk info", message: capture.message(for: result)) }
        }
        // Pipelines hold pointers into themselves, so each lives at a fixed heap address.
        let pipelines = UnsafeMutablePointer<exr_encode_pipeline_t>.allocate(capacity: count)
        pipelines.initialize(repeating: exr_encode_pipeline_t(), count: count)
        defer {
            for i in 0..<count { exr_encoding_destroy(ctxt, pipelines + i) }
            pipelines.deallocate()
        }
        let errors = FirstMessage()
        let width = image.width
        let bytesPerSample = halves == nil ? 4 : 2
        let channelIndex: [String: Int] = ["R": 0, "G": 1, "B": 2, "A": 3]
        let constContext: exr_const_context_t = ctxt

        func encodeAll(_ base: UnsafeRawPointer) {
            infos.withUnsafeBufferPointer { infoBuffer in
                let infoBase = infoBuffer.baseAddress!
                concurrentForEach(count: count) { i in
                    let pipe = pipelines + i
                    var result = exr_encoding_initialize(constContext, part, infoBase + i, pipe)
                    if result == 0 {
                        let info = infoBase[i]
                        for c in 0..<Int(pipe.pointee.channel_count) {
                            let channel = pipe.pointee.channels + c
                            let name = String(cString: channel.pointee.channel_name)
                            let offset = ((Int(info.start_y) * width) * 4 + (channelIndex[name] ?? 0)) * bytesPerSample
                            channel.pointee.encode_from_ptr = base.advanced(by: offset).assumingMemoryBound(to: UInt8.self)
                            channel.pointee.user_pixel_stride = Int32(4 * bytesPerSample)
                            channel.pointee.user_line_stride = Int32(width * 4 * bytesPerSample)
                            channel.pointee.user_bytes_per_element = Int16(bytesPerSample)
                            channel.pointee.user_data_type = UInt16(bytesPerSample == 2 ? EXR_PIXEL_HALF.rawValue : EXR_PIXEL_FLOAT.rawValue)
                        }
                        result = exr_encoding_choose_default_routines(constContext, part, pipe)
                    }
                    // Pack and compress here, on this core; chunks are written afterwards, in file
                    // order, by the loop below (exr_encoding_run would insist on writing in order).
                    // The packed buffer comes from malloc, the context's default allocator, so
                    // exr_encoding_destroy frees it.
                    // The packed size is the chunk's unpacked size: packing only interleaves lines.
                    if result == 0, pipe.pointee.packed_bytes == 0 { pipe.pointee.packed_bytes = pipe.pointee.chunk.unpacked_size }
                    if result == 0, pipe.pointee.packed_buffer == nil, pipe.pointee.packed_bytes > 0 {
                        pipe.pointee.packed_buffer = malloc(Int(pipe.pointee.packed_bytes))
                        pipe.pointee.packed_alloc_size = pipe.pointee.packed_buffer == nil ? 0 : Int(pipe.pointee.packed_bytes)
                        if pipe.pointee.packed_buffer == nil { result = -1 }
                    }
                    if result == 0, let pack = pipe.pointee.convert_and_pack_fn { result = pack(pipe) }
                    if result == 0, let compress = pipe.pointee.compress_fn { result = compress(pipe) }
                    if result != 0 { errors.record("chunk \(i): \(capture.message(for: result))") }
                }
            }
        }
        if let halves {
            halves.withUnsafeBytes { encodeAll($0.baseAddress!) }
        } else {
            image.pixels.withUnsafeBytes { encodeAll($0.baseAddress!) }
        }
        if let message = errors.value { throw .exr(path: path, operation: "encode", message: message) }

        for i in 0..<count {
            let pipe = pipelines + i
            let compressed = pipe.pointee.compress_fn != nil
            let result = exr_write_scanline_chunk(
                ctxt, part, infos[i].start_y,
                UnsafeRawPointer(compressed ? pipe.pointee.compressed_buffer : pipe.pointee.packed_buffer),
                compressed ? UInt64(pipe.pointee.compressed_bytes) : UInt64(pipe.pointee.packed_bytes)
            )
            guard result == 0 else { throw .exr(path: path, operation: "write chunk \(i)", message: capture.message(for: result)) }
        }
    }

    /// Float32 → half with round-to-nearest-even; values beyond the half range clamp to ±65504, NaN stays NaN.
    public static func quantize(_ values: [Float]) -> [Float16] {
        // Written once, by the bands, without zero-filling first: a 4K frame's zero fill was a
        // single-threaded pass that also took every page fault of the new array.
        let groups = values.count / 4
        return [Float16](unsafeUninitializedCapacity: values.count) { dst, initialized in
            values.withUnsafeBufferPointer { src in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                parallelBands(count: groups, minimumBand: 4096) { range in
                    for i in (range.lowerBound * 4)..<(range.upperBound * 4) {
                        d[i] = Float16(min(max(s[i], -65504), 65504))
                    }
                }
                // RGBA frames have a multiple of 4; anything left over is converted here.
                for i in (groups * 4)..<values.count {
                    d[i] = Float16(min(max(s[i], -65504), 65504))
                }
            }
            initialized = values.count
        }
    }

    /// Whether frames with `code` go through OpenEXR's C++ library instead of Core 3.1 (both
    /// ways): Core has no DWAA/DWAB codec, and its B44/B44A mixes up float channels (a B44 float
    /// file written by the C++ library reads with R holding A's samples, and Core's own B44 float
    /// files read that way in every other tool).
    static func needsCxxCodec(_ code: exr_compression_t, floatChannels: Bool) -> Bool {
        switch code {
        case EXR_COMPRESSION_DWAA, EXR_COMPRESSION_DWAB: return true
        case EXR_COMPRESSION_B44, EXR_COMPRESSION_B44A: return floatChannels
        default: return false
        }
    }

    static func compressionCode(_ c: Compression) -> exr_compression_t {
        switch c {
        case .none: return EXR_COMPRESSION_NONE
        case .rle: return EXR_COMPRESSION_RLE
        case .zips: return EXR_COMPRESSION_ZIPS
        case .zip: return EXR_COMPRESSION_ZIP
        case .piz: return EXR_COMPRESSION_PIZ
        case .pxr24: return EXR_COMPRESSION_PXR24
        case .b44: return EXR_COMPRESSION_B44
        case .dwaa: return EXR_COMPRESSION_DWAA
        case .dwab: return EXR_COMPRESSION_DWAB
        }
    }
}
