import COCIO
import ImageCore

/// An optimised OCIO CPU processor, built once per task and applied to every frame.
public final class ColorProcessor: @unchecked Sendable {
    // OCIO's CPUProcessor::apply is const and thread-safe, so bands run concurrently.
    let handle: OpaquePointer
    public let source: String
    public let destination: String

    init(handle: OpaquePointer, source: String, destination: String) {
        self.handle = handle
        self.source = source
        self.destination = destination
    }

    deinit { sf_ocio_processor_free(handle) }

    public var isNoOp: Bool { sf_ocio_processor_is_noop(handle) != 0 }

    /// Converts the image in place, splitting rows across cores.
    public func apply(_ image: inout RGBAImage) throws(ColorError) {
        let width = image.width
        let failure = image.pixels.withUnsafeMutableBufferPointer { buffer -> String? in
            apply(buffer, width: width, height: image.height)
        }
        if let failure { throw .apply(failure) }
    }

    /// Converts packed RGBA rows in place; returns an error message on failure.
    public func apply(_ buffer: UnsafeMutableBufferPointer<Float>, width: Int, height: Int) -> String? {
        guard let base = buffer.baseAddress, width > 0, height > 0 else { return nil }
        let errors = FirstError()
        parallelBands(count: height, minimumBand: 16) { rows in
            let start = base + rows.lowerBound * width * 4
            if let message = ocioCall({ err, len in
                sf_ocio_processor_apply_rgba(handle, start, width, rows.count, err, len)
            }) {
                errors.record(message)
            }
        }
        return errors.value
    }
}

/// Keeps the first message reported from concurrent bands.
final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var stored: String?

    func record(_ message: String) {
        lock.lock()
        if stored == nil { stored = message }
        lock.unlock()
    }

    var value: String? {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}

import Foundation
