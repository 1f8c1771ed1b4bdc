/// A packed, row-major RGBA Float32 image: the currency between generators, colour and plates.
public struct RGBAImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Interleaved R, G, B, A samples, `width * height * 4` of them, top row first.
    public var pixels: [Float]

    /// Creates an image filled with one RGBA value.
    public init(width: Int, height: Int, fill: SIMD4<Float> = SIMD4(0, 0, 0, 1)) {
        precondition(width > 0 && height > 0, "image dimensions must be positive")
        self.width = width
        self.height = height
        var pixels = [Float](repeating: 0, count: width * height * 4)
        for i in 0..<(width * height) {
            pixels[i * 4] = fill.x
            pixels[i * 4 + 1] = fill.y
            pixels[i * 4 + 2] = fill.z
            pixels[i * 4 + 3] = fill.w
        }
        self.pixels = pixels
    }

    /// Wraps existing interleaved samples; the count must match the dimensions.
    public init(width: Int, height: Int, pixels: [Float]) {
        precondition(pixels.count == width * height * 4, "pixel count does not match \(width)x\(height) RGBA")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public var pixelCount: Int { width * height }

    /// The RGBA value at column `x`, row `y` (row 0 at the top).
    public subscript(x: Int, y: Int) -> SIMD4<Float> {
        get {
            let i = (y * width + x) * 4
            return SIMD4(pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3])
        }
        set {
            let i = (y * width + x) * 4
            pixels[i] = newValue.x
            pixels[i + 1] = newValue.y
            pixels[i + 2] = newValue.z
            pixels[i + 3] = newValue.w
        }
    }
}
