/// A display-referred 8-bit RGB image (proxies, contact sheets), rows top first.
public struct DisplayImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Packed R, G, B bytes, `width * height * 3` of them.
    public var rgb: [UInt8]

    public init(width: Int, height: Int, rgb: [UInt8]) {
        precondition(rgb.count == width * height * 3, "byte count does not match \(width)x\(height) RGB")
        self.width = width
        self.height = height
        self.rgb = rgb
    }

    /// A blank image of one colour.
    public init(width: Int, height: Int, fill: SIMD3<UInt8>) {
        self.width = width
        self.height = height
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            rgb[i * 3] = fill.x
            rgb[i * 3 + 1] = fill.y
            rgb[i * 3 + 2] = fill.z
        }
        self.rgb = rgb
    }

    /// The RGB value at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> SIMD3<UInt8> {
        let i = (y * width + x) * 3
        return SIMD3(rgb[i], rgb[i + 1], rgb[i + 2])
    }
}
