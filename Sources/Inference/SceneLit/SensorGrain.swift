import Foundation
import ImageCore

/// Sensor noise added to a rendered frame in scene-linear, before any output transform.
///
/// The Poisson–Gaussian model of raw sensor noise (Foi, Trimeche, Katkovnik & Egiazarian,
/// "Practical Poissonian-Gaussian noise modeling and fitting for single-image raw-data", IEEE TIP
/// 17(10), 2008): variance a·v + b, photon shot noise growing with the signal v plus a read-noise
/// floor. With grain g: σ²(v) = g²·(0.18·v + 0.018²), so σ is about g × 0.18 at mid grey.
/// The noise has zero mean and is not clipped, so it leaves a region's average where it was.
/// Each sample is a hash of (frame, pixel, channel): the same frame gets the same grain on any
/// node, chunk or thread count, and neighbouring frames get different grain.
enum SensorGrain {
    /// Adds grain of strength `amount` to the RGB of `image`, for shot frame `frame`.
    static func apply(_ image: inout RGBAImage, frame: Int, amount: Float, limit: Float) {
        let width = image.width, height = image.height
        let frameWord = UInt32(truncatingIfNeeded: frame)
        let shot = amount * amount * 0.18, read = amount * amount * 0.018 * 0.018
        image.pixels.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            concurrentForEach(count: height) { y in
                for x in 0..<width {
                    let index = UInt32(truncatingIfNeeded: y &* width &+ x)
                    let g = gaussians(frameWord, index)
                    let i = (y * width + x) * 4
                    for c in 0..<3 {
                        let v = base[i + c]
                        let sigma = (shot * max(v, 0) + read).squareRoot()
                        base[i + c] = min(max(v + sigma * g[c], -limit), limit)
                    }
                }
            }
        }
    }

    /// Three independent standard normal numbers for one pixel (Box–Muller on hashed uniforms).
    @inline(__always)
    static func gaussians(_ frame: UInt32, _ pixel: UInt32) -> SIMD3<Float> {
        @inline(__always) func uniform(_ k: UInt32) -> Float {
            // In (0, 1]: the logarithm below needs a value above zero.
            (Float(PixelHash.hash(frame, pixel, k) >> 8) + 1) * (1 / 16_777_216)
        }
        let r1 = (-2 * logf(uniform(0))).squareRoot(), r2 = (-2 * logf(uniform(2))).squareRoot()
        let a1 = 2 * Float.pi * uniform(1), a2 = 2 * Float.pi * uniform(3)
        return SIMD3(r1 * cosf(a1), r1 * sinf(a1), r2 * cosf(a2))
    }
}
