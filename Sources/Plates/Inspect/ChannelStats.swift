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

    /// Statistics of interleaved RGBA channel `slot` (0 R … 3 A) of `image`. The partial sums of
    /// the bands are added in band order, so the mean is the same bits on any number of cores.
    public static func of(_ image: RGBAImage, slot: Int, name: String) -> ChannelStats {
        let count = image.pixelCount, minimumBand = 16384
        let bands = bandCount(count: count, minimumBand: minimumBand)
        var partials = [Partial](repeating: Partial(), count: bands)
        image.pixels.withUnsafeBufferPointer { buffer in
            partials.withUnsafeMutableBufferPointer { out in
                guard let base = buffer.baseAddress, let slots = out.baseAddress else { return }
                concurrentForEach(count: bands) { band in
                    var p = Partial()
                    for i in bandRange(band, of: bands, count: count) {
                        let v = base[i * 4 + slot]
                        if v.isNaN { p.nan += 1 } else if v.isInfinite { p.inf += 1 } else {
                            p.lo = Swift.min(p.lo, v)
                            p.hi = Swift.max(p.hi, v)
                            p.sum += Double(v)
                            p.finite += 1
                        }
                    }
                    slots[band] = p
                }
            }
        }
        var total = ChannelStats(name: name, min: .infinity, max: -.infinity, mean: 0, nanCount: 0, infCount: 0, finiteCount: 0)
        var sum = 0.0
        for p in partials {
            total.min = Swift.min(total.min, p.lo)
            total.max = Swift.max(total.max, p.hi)
            total.nanCount += p.nan
            total.infCount += p.inf
            total.finiteCount += p.finite
            sum += p.sum
        }
        total.mean = total.finiteCount > 0 ? sum / Double(total.finiteCount) : .nan
        if total.finiteCount == 0 { total.min = .nan; total.max = .nan }
        return total
    }

    /// One band's share of the statistics.
    private struct Partial {
        var lo = Float.infinity, hi = -Float.infinity, sum = 0.0, nan = 0, inf = 0, finite = 0
    }
}
