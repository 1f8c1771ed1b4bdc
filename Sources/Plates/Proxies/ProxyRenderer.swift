import Color
import ImageCore

/// Turns scene-linear plate frames into sRGB display images through the config's ACES output
/// transform. Built once per publish (the display processor is the expensive part), used per frame.
public final class ProxyRenderer: Sendable {
    /// The display and view the bundled ACES 1.3 config offers for sRGB monitors.
    public static let display = "sRGB - Display"
    public static let view = "ACES 1.0 - SDR Video"

    public let processor: ColorProcessor
    public let maxWidth: Int

    /// A renderer from `colorspace` (the plates' colour space) to sRGB, at most `maxWidth` wide.
    public init(config: ColorConfig, colorspace: String, maxWidth: Int = 960,
                display: String = ProxyRenderer.display, view: String = ProxyRenderer.view) throws(PlateError) {
        do {
            processor = try config.displayProcessor(from: colorspace, display: display, view: view)
        } catch {
            throw .unsupported(path: config.source, reason: "cannot build the proxy display transform: \(error.description)")
        }
        self.maxWidth = maxWidth
    }

    /// Downscales in scene-linear (so the ~80 ns/pixel display transform runs on the small image),
    /// applies the display transform, clamps to [0, 1] (OCIO's SDR output does not) and quantises.
    public func render(_ image: RGBAImage, maxWidth: Int? = nil) throws(PlateError) -> DisplayImage {
        try display(Self.downscale(image, maxWidth: maxWidth ?? self.maxWidth))
    }

    /// Box-filters scene-linear `image` to at most `maxWidth` pixels wide.
    public static func downscale(_ image: RGBAImage, maxWidth: Int) -> RGBAImage {
        BoxDownscale.apply(image, factor: BoxDownscale.factor(width: image.width, maxWidth: maxWidth))
    }

    /// Applies the display transform to scene-linear `image` and quantises to 8-bit sRGB.
    public func display(_ image: RGBAImage) throws(PlateError) -> DisplayImage {
        var encoded = image
        do {
            try processor.apply(&encoded)
        } catch {
            throw .unsupported(path: "proxy", reason: error.description)
        }
        return Self.quantize(encoded)
    }

    /// Display-referred Float32 RGBA → 8-bit RGB, clamped, rounded to nearest; NaN becomes 0.
    public static func quantize(_ image: RGBAImage) -> DisplayImage {
        DisplayImage(width: image.width, height: image.height, rgb: quantize(image, as: UInt8.self))
    }

    /// Display-referred Float32 RGBA → packed RGB codes of `Code`'s full range, clamped to [0, 1]
    /// (OCIO's output transforms have no final clamp), rounded to nearest; NaN becomes 0. Proxies
    /// take 8 bits, review movies 16.
    public static func quantize<Code: FixedWidthInteger & UnsignedInteger>(_ image: RGBAImage, as: Code.Type) -> [Code] {
        var codes = [Code](repeating: 0, count: image.pixelCount * 3)
        let scale = Float(Code.max)
        image.pixels.withUnsafeBufferPointer { src in
            codes.withUnsafeMutableBufferPointer { dst in
                let s = src.baseAddress!, d = dst.baseAddress!
                parallelBands(count: image.pixelCount, minimumBand: 4096) { range in
                    for i in range {
                        for c in 0..<3 {
                            let v = s[i * 4 + c]
                            // `!(v > 0)` also catches NaN.
                            let clamped: Float = !(v > 0) ? 0 : (v >= 1 ? 1 : v)
                            d[i * 3 + c] = Code((clamped * scale).rounded())
                        }
                    }
                }
            }
        }
        return codes
    }
}
