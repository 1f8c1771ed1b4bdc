import CJPEG
import Foundation

/// Encodes 8-bit RGB images as baseline JPEG through libjpeg-turbo.
public enum JPEGEncoder {
    /// The JPEG file bytes of `image` at `quality` (1…100).
    public static func encode(_ image: DisplayImage, quality: Int = 90) throws(PlateError) -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        var length: UInt = 0
        var message = [CChar](repeating: 0, count: 512)
        let status = image.rgb.withUnsafeBufferPointer { rgb in
            message.withUnsafeMutableBufferPointer { err in
                sf_jpeg_encode_rgb(rgb.baseAddress, Int32(image.width), Int32(image.height), Int32(min(max(quality, 1), 100)),
                                   &out, &length, err.baseAddress, err.count)
            }
        }
        defer { sf_jpeg_free(out) }
        guard status == 0, let out else {
            let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw .io(path: "<jpeg>", message: "libjpeg failed: \(text)")
        }
        return Array(UnsafeBufferPointer(start: out, count: Int(length)))
    }

    /// Writes `image` as a JPEG file at `url`.
    public static func write(_ image: DisplayImage, to url: URL, quality: Int = 90) throws(PlateError) {
        try AtomicFile.write(Data(encode(image, quality: quality)), to: url)
    }
}
