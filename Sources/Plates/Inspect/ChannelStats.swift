import Foundation
import ImageCore

/// Minimum, maximum and mean of one channel's finite samples, with NaN and ±Inf counted apart.
public struct ChannelStats: Sendable, Equatable {
    public let name: String
    public var min: Float
    public var max: Float
    public var mean: Double
    public var nanCount: Int
    public var infCount: Int
    /// Finite samples the min/max/mean cover.
    public var finiteCount: Int

    /// Statistics of interleaved RGBA channel `slot` (0 R … 3 A) of `image`.
    public static func of(_ image: RGBAImage, slot: Int, name: String) -> ChannelStats {
        let lock = NSLockBox()
        var total = ChannelStats(name: name, min: .infinity, max: -.infinity, mean: 0, nanCount: 0, infCount: 0, finiteCount: 0)
        var sum = 0.0
        image.pixels.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            parallelBands(count: image.pixelCount, minimumBand: 16384) { range in
                var lo = Float.infinity, hi = -Float.infinity, partial = 0.0, nan = 0, inf = 0, finite = 0
                for i in range {
                    let v = base[i * 4 + slot]
                    if v.isNaN { nan += 1 } else if v.isInfinite { inf += 1 } else {
                        lo = Swift.min(lo, v)
                        hi = Swift.max(hi, v)
                        partial += Double(v)
                        finite += 1
                    }
                }
                lock.run {
                    total.min = Swift.min(total.min, lo)
                    total.max = Swift.max(total.max, hi)
                    total.nanCount += nan
                    total.infCount += inf
                    total.finiteCount += finite
                    sum += partial
                }
            }
        }
        total.mean = total.finiteCount > 0 ? sum / Double(total.finiteCount) : .nan
        if total.finiteCount == 0 { total.min = .nan; total.max = .nan }
        return total
    }
}

/// A lock around a closure, for folding per-band partial results.
final class NSLockBox: @unchecked Sendable {
    private let lock = NSLock()
    func run(_ body: () -> Void) {
        lock.lock()
        body()
        lock.unlock()
    }
}
