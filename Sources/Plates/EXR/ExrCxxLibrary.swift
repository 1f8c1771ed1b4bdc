import COpenEXRCxx
import Foundation
import ImageCore
import ShotSpec

/// OpenEXR's C++ library: DWAA/DWAB, which the 3.1 Core C API lacks, and a second decoder,
/// independent of ours, that `inspect` holds our reader to.
enum ExrCxxLibrary {
    /// Writes the EXR file held in `memory` as `destination` with another compression.
    static func transcode(memory: [UInt8], to destination: String, compression: Compression, dwaLevel: Double = 45) throws(PlateError) {
        configureThreads
        try call(path: destination, operation: "\(compression.rawValue) encode (C++ library)", cleanUp: destination) { err, errlen in
            memory.withUnsafeBytes { bytes in
                sf_exr_transcode_memory(bytes.baseAddress, bytes.count, destination, Int32(PlateWriter.compressionCode(compression).rawValue), Float(dwaLevel), err, errlen)
            }
        }
    }

    /// Decodes the R, G, B and A channels of `path` into `image`, which must be the size of its
    /// data window and is filled where the file lacks a channel (0, alpha 1). Errors name `path`
    /// and call the step `operation` ("DWAA decode").
    static func readRGBA(_ path: String, into image: inout RGBAImage, operation: String) throws(PlateError) {
        configureThreads
        let width = image.width, height = image.height
        try image.pixels.withUnsafeMutableBufferPointer { (pixels) throws(PlateError) in
            try call(path: path, operation: "\(operation) (C++ library)", cleanUp: nil) { err, errlen in
                sf_exr_read_rgba(path, pixels.baseAddress, width, height, err, errlen)
            }
        }
    }

    /// Runs one shim function with a message buffer; a failure becomes a `PlateError` naming `path`.
    private static func call(
        path: String, operation: String, cleanUp: String?, _ body: (UnsafeMutablePointer<CChar>?, Int) -> Int32
    ) throws(PlateError) {
        var buffer = [CChar](repeating: 0, count: 1024)
        let status = buffer.withUnsafeMutableBufferPointer { body($0.baseAddress, $0.count) }
        guard status == 0 else {
            if let cleanUp { unlink(cleanUp) }
            let message = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw .exr(path: path, operation: operation, message: message)
        }
    }

    /// The C++ library compresses and decompresses chunks on this many threads.
    private static let configureThreads: Void = sf_exr_set_thread_count(Int32(ProcessInfo.processInfo.activeProcessorCount))
}
