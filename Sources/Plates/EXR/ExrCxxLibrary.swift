import COpenEXRCxx
import Foundation
import ShotSpec

/// DWAA/DWAB through OpenEXR's C++ library, which the 3.1 Core C API lacks.
enum ExrTranscoder {
    /// Rewrites `source` as `destination` with another compression, keeping every attribute.
    static func transcode(_ source: String, to destination: String, compression: Compression, dwaLevel: Double = 45) throws(PlateError) {
        configureThreads
        var buffer = [CChar](repeating: 0, count: 1024)
        let status = buffer.withUnsafeMutableBufferPointer {
            sf_exr_transcode(source, destination, Int32(PlateWriter.compressionCode(compression).rawValue), Float(dwaLevel), $0.baseAddress, $0.count)
        }
        guard status == 0 else {
            unlink(destination)
            let message = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw .exr(path: destination, operation: "\(compression.rawValue) encode (C++ library)", message: message)
        }
    }

    /// Writes the EXR file held in `memory` as `destination` with another compression.
    static func transcode(memory: [UInt8], to destination: String, compression: Compression, dwaLevel: Double = 45) throws(PlateError) {
        configureThreads
        var buffer = [CChar](repeating: 0, count: 1024)
        let status = memory.withUnsafeBytes { bytes in
            buffer.withUnsafeMutableBufferPointer {
                sf_exr_transcode_memory(bytes.baseAddress, bytes.count, destination, Int32(PlateWriter.compressionCode(compression).rawValue), Float(dwaLevel), $0.baseAddress, $0.count)
            }
        }
        guard status == 0 else {
            unlink(destination)
            let message = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw .exr(path: destination, operation: "\(compression.rawValue) encode (C++ library)", message: message)
        }
    }

    /// The C++ library compresses chunks on this many threads.
    private static let configureThreads: Void = sf_exr_set_thread_count(Int32(ProcessInfo.processInfo.activeProcessorCount))
}
