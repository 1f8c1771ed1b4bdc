import COCIO
import Foundation
import ImageCore

/// An optimised OCIO CPU processor, built once per task and applied to every frame.
public final class ColorProcessor: @unchecked Sendable {
    // OCIO's CPUProcessor::apply is const and thread-safe, so bands run concurrently.
    let handle: OpaquePointer
    public let source: String
    public let destination: String
    /// True when the conversion changes nothing (e.g. ACEScg plates from the ACEScg working space).
    public let isNoOp: Bool

    init(handle: OpaquePointer, source: String, destination: String) {
        self.handle = handle
        self.source = source
        self.destination = destination
        self.isNoOp = sf_ocio_processor_is_noop(handle) != 0
    }

    deinit { sf_ocio_processor_free(handle) }

    /// Converts the image in place, splitting rows across cores.
    public func apply(_ image: inout RGBAImage) throws(ColorError) {
        let (width, height) = (image.width, image.height)
        let failure = image.pixels.withUnsafeMutableBufferPointer { buffer -> String? in
            apply(buffer, width: width, height: height)
        }
        if let failure { throw .apply(failure) }
    }

    /// A converted copy of `image`, which is left as it was. Each band of rows is copied and
    /// converted on its own core; `var copy = image; try apply(&copy)` while the caller still holds
    /// `image` would first copy the whole frame on one thread (133 MB at 4K, with its page faults).
    public func applied(to image: RGBAImage) throws(ColorError) -> RGBAImage {
        guard !isNoOp else { return image }
        let (width, height) = (image.width, image.height), count = image.pixels.count
        guard count == width * height * 4 else { throw .apply("image holds \(count) floats, not the \(width * height * 4) of \(width)x\(height) RGBA") }
        let errors = FirstMessage()
        let pixels = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            image.pixels.withUnsafeBufferPointer { source in
                guard let from = source.baseAddress, let to = out.baseAddress else { return }
                parallelBands(count: height, minimumBand: 16) { rows in
                    let start = rows.lowerBound * width * 4
                    (to + start).initialize(from: from + start, count: rows.count * width * 4)
                    if let message = ocioCall({ err, len in
                        sf_ocio_processor_apply_rgba(handle, to + start, width, rows.count, err, len)
                    }) {
                        errors.record(message)
                    }
                }
            }
            initialized = count
        }
        if let failure = errors.value { throw .apply(failure) }
        return RGBAImage(width: width, height: height, pixels: pixels)
    }

    /// Converts packed RGBA rows in place; returns an error message on failure.
    public func apply(_ buffer: UnsafeMutableBufferPointer<Float>, width: Int, height: Int) -> String? {
        // A no-op processor would still walk every pixel; skipping it saves a full frame pass.
        guard !isNoOp, let base = buffer.baseAddress, width > 0, height > 0 else { return nil }
        guard buffer.count >= width * height * 4 else {
            return "buffer holds \(buffer.count) floats, fewer than \(width)x\(height) RGBA needs (\(width * height * 4))"
        }
        let errors = FirstMessage()
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

