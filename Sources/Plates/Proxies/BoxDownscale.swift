import ImageCore

/// Integer-factor box filtering of scene-linear RGBA, the cheap, energy-preserving way to make
/// proxies: averaging linear light keeps highlights' contribution right, which averaging
/// display-encoded values would not.
public enum BoxDownscale {
    /// The smallest integer factor that brings `width` down to at most `maxWidth`.
    public static func factor(width: Int, maxWidth: Int) -> Int {
        max(1, (width + maxWidth - 1) / max(1, maxWidth))
    }

    /// Averages `factor`×`factor` blocks; edge blocks average the pixels they have.
    public static func apply(_ image: RGBAImage, factor: Int) -> RGBAImage {
        guard factor > 1 else { return image }
        let width = (image.width + factor - 1) / factor, height = (image.height + factor - 1) / factor
        var out = [Float](repeating: 0, count: width * height * 4)
        let sourceWidth = image.width, sourceHeight = image.height
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let s = src.baseAddress!, d = dst.baseAddress!
                parallelBands(count: height, minimumBand: 8) { rows in
                    for y in rows {
                        let y0 = y * factor, y1 = min(y0 + factor, sourceHeight)
                        for x in 0..<width {
                            let x0 = x * factor, x1 = min(x0 + factor, sourceWidth)
                            var sum = SIMD4<Float>(repeating: 0)
                            for sy in y0..<y1 {
                                var p = s + (sy * sourceWidth + x0) * 4
                                for _ in x0..<x1 {
                                    sum += SIMD4(p[0], p[1], p[2], p[3])
                                    p += 4
                                }
                            }
                            let mean = sum / Float((y1 - y0) * (x1 - x0))
                            let o = d + (y * width + x) * 4
                            o[0] = mean.x; o[1] = mean.y; o[2] = mean.z; o[3] = mean.w
                        }
                    }
                }
            }
        }
        return RGBAImage(width: width, height: height, pixels: out)
    }
}
