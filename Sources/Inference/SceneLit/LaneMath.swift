import Foundation

/// glibc's single-precision `atanf`, `atan2f` and `acosf` for four arguments at once, one SSE
/// lane each, with every lane giving the bits glibc gives: the packets (`GroundPacket`,
/// `SkyPacket`) look up the lat-long maps of four rays together, and these calls were a tenth of
/// an open-air frame one ray at a time.
///
/// glibc 2.36 computes these three in float arithmetic (the fdlibm code: `s_atanf.c`,
/// `e_atan2f.c`, `e_acosf.c`): an argument reduction picked by the argument's magnitude, then
/// a fixed polynomial. Here each lane takes the same reduction (all of them computed, the lane's
/// own picked, so one lane's branch does not cost the others a second pass) and the same
/// operations in the same order; Swift does not fuse multiply-adds, as the baseline x86-64 glibc
/// build does not. Lanes outside the common case (NaN, infinities, zeros, |x| = 1, arguments too
/// small or too large for the reduction) call glibc itself. `LaneMathTests` compares every
/// float argument of `atan` and `acos` with glibc's, and `atan2` on unit-vector components and
/// the special values; the frames' digests pin the rest.
enum LaneMath {
    typealias Lanes = SIMD4<Float>
    typealias Bits = SIMD4<Int32>

    // The constants as glibc's C source writes them: a decimal double literal rounded to float.
    private static let atanhi = Lanes(Float(4.6364760399e-01 as Double), Float(7.8539812565e-01 as Double), Float(9.8279368877e-01 as Double), Float(1.5707962513e+00 as Double))
    private static let atanlo = Lanes(Float(5.0121582440e-09 as Double), Float(3.7748947079e-08 as Double), Float(3.4473217170e-08 as Double), Float(7.5497894159e-08 as Double))
    private static let aT0 = Float(3.3333334327e-01 as Double), aT1 = Float(-2.0000000298e-01 as Double)
    private static let aT2 = Float(1.4285714924e-01 as Double), aT3 = Float(-1.1111110449e-01 as Double)
    private static let aT4 = Float(9.0908870101e-02 as Double), aT5 = Float(-7.6918758452e-02 as Double)
    private static let aT6 = Float(6.6610731184e-02 as Double), aT7 = Float(-5.8335702866e-02 as Double)
    private static let aT8 = Float(4.9768779427e-02 as Double), aT9 = Float(-3.6531571299e-02 as Double)
    private static let aT10 = Float(1.6285819933e-02 as Double)

    /// c + w·acc: one Horner step, the product first.
    @inline(__always)
    private static func horner(_ c: Float, _ w: Lanes, _ acc: Lanes) -> Lanes {
        let product: Lanes = w * acc
        return product + c
    }

    @inline(__always)
    private static func bits(_ x: Lanes) -> Bits { unsafeBitCast(x, to: Bits.self) }

    @inline(__always)
    private static func float(_ b: Bits) -> Lanes { unsafeBitCast(b, to: Lanes.self) }

    /// `atanf` lane by lane (glibc 2.36's `__atanf`).
    @inline(__always)
    static func atan(_ x: Lanes) -> Lanes {
        let hx = bits(x)
        let ix = hx & 0x7fff_ffff
        let ax = float(ix)
        // Reduction: |x| < 7/16 keeps x (id −1); then x' = (2x−1)/(2+x), (x−1)/(x+1),
        // (x−1.5)/(1+1.5x), −1/x for id 0…3 on |x|.
        let small = ix .< 0x3ee0_0000
        let id0 = .!small .& (ix .< 0x3f30_0000)
        let id1 = (ix .>= 0x3f30_0000) .& (ix .< 0x3f98_0000)
        let id2 = (ix .>= 0x3f98_0000) .& (ix .< 0x401c_0000)
        let id3 = ix .>= 0x401c_0000
        var num = x, den = Lanes(repeating: 1)
        num.replace(with: 2 * ax - 1, where: id0)
        den.replace(with: 2 + ax, where: id0)
        num.replace(with: ax - 1, where: id1)
        den.replace(with: ax + 1, where: id1)
        num.replace(with: ax - 1.5, where: id2)
        den.replace(with: 1 + 1.5 * ax, where: id2)
        num.replace(with: Lanes(repeating: -1), where: id3)
        den.replace(with: ax, where: id3)
        let r = num / den
        let z = r * r
        let w = z * z
        // z·(aT0 + w·(aT2 + w·(aT4 + w·(aT6 + w·(aT8 + w·aT10))))) and
        // w·(aT1 + w·(aT3 + w·(aT5 + w·(aT7 + w·aT9)))), innermost first.
        var even = Lanes(repeating: aT10)
        even = horner(aT8, w, even)
        even = horner(aT6, w, even)
        even = horner(aT4, w, even)
        even = horner(aT2, w, even)
        even = horner(aT0, w, even)
        let s1: Lanes = z * even
        var odd = Lanes(repeating: aT9)
        odd = horner(aT7, w, odd)
        odd = horner(aT5, w, odd)
        odd = horner(aT3, w, odd)
        odd = horner(aT1, w, odd)
        let s2: Lanes = w * odd
        let sum = s1 + s2
        var hi = Lanes(repeating: atanhi[0]), lo = Lanes(repeating: atanlo[0])
        hi.replace(with: atanhi[1], where: id1)
        lo.replace(with: atanlo[1], where: id1)
        hi.replace(with: atanhi[2], where: id2)
        lo.replace(with: atanlo[2], where: id2)
        hi.replace(with: atanhi[3], where: id3)
        lo.replace(with: atanlo[3], where: id3)
        let reduced = hi - ((r * sum - lo) - r)
        // `-z` for a negative argument: the sign bit flipped.
        var result = reduced.replacing(with: float(bits(reduced) ^ Int32(bitPattern: 0x8000_0000)), where: hx .< 0)
        result.replace(with: r - r * sum, where: small)
        // |x| < 2⁻²⁹ returns x itself; |x| ≥ 2²⁵ returns ±(atanhi[3] + atanlo[3]); NaN x + x.
        result.replace(with: x, where: ix .< 0x3100_0000)
        let limit = atanhi[3] + atanlo[3]
        result.replace(with: Lanes(repeating: limit), where: (ix .>= 0x4c00_0000) .& (hx .> 0))
        result.replace(with: Lanes(repeating: -atanhi[3] - atanlo[3]), where: (ix .>= 0x4c00_0000) .& (hx .< 0))
        result.replace(with: x + x, where: ix .> 0x7f80_0000)
        return result
    }

    private static let pi = Float(3.1415927410e+00 as Double)
    private static let piLo = Float(-8.7422776573e-08 as Double)

    /// `atan2f(y, x)` lane by lane (glibc 2.36's `__ieee754_atan2f`).
    @inline(__always)
    static func atan2(_ y: Lanes, _ x: Lanes) -> Lanes {
        let hx = bits(x), hy = bits(y)
        let ix = hx & 0x7fff_ffff, iy = hy & 0x7fff_ffff
        let k = (iy &- ix) &>> 23
        // glibc's early returns (NaN, x = 1, zeros, infinities) and its |y/x| beyond 2⁶⁰ and
        // below 2⁻⁶⁰ go to glibc; the rest is atanf(|y/x|) placed in the argument's quadrant.
        let common = (ix .> 0) .& (iy .> 0) .& (ix .< 0x7f80_0000) .& (iy .< 0x7f80_0000) .& (hx .!= 0x3f80_0000)
            .& (k .<= 60) .& .!((hx .< 0) .& (k .< -60))
        let q = y / x
        let z = atan(float(bits(q) & 0x7fff_ffff))
        let negativeY = hy .< 0, negativeX = hx .< 0
        var result = z
        result.replace(with: float(bits(z) ^ Int32(bitPattern: 0x8000_0000)), where: negativeY .& .!negativeX)
        result.replace(with: pi - (z - piLo), where: .!negativeY .& negativeX)
        result.replace(with: (z - piLo) - pi, where: negativeY .& negativeX)
        if !all(common) {
            for i in 0..<4 where !common[i] { result[i] = atan2f(y[i], x[i]) }
        }
        return result
    }

    private static let pio2Hi = Float(1.5707962513e+00 as Double)
    private static let pio2Lo = Float(7.5497894159e-08 as Double)
    private static let piAcos = Float(3.1415925026e+00 as Double)
    private static let pS0 = Float(1.6666667163e-01 as Double), pS1 = Float(-3.2556581497e-01 as Double)
    private static let pS2 = Float(2.0121252537e-01 as Double), pS3 = Float(-4.0055535734e-02 as Double)
    private static let pS4 = Float(7.9153501429e-04 as Double), pS5 = Float(3.4793309169e-05 as Double)
    private static let qS1 = Float(-2.4033949375e+00 as Double), qS2 = Float(2.0209457874e+00 as Double)
    private static let qS3 = Float(-6.8828397989e-01 as Double), qS4 = Float(7.7038154006e-02 as Double)

    /// `acosf` lane by lane (glibc 2.36's `__ieee754_acosf`).
    @inline(__always)
    static func acos(_ x: Lanes) -> Lanes {
        let hx = bits(x)
        let ix = hx & 0x7fff_ffff
        // |x| ≥ 1, NaN and |x| ≤ 2⁻²⁶ go to glibc.
        let common = (ix .< 0x3f80_0000) .& (ix .> 0x3280_0000)
        let small = ix .< 0x3f00_0000
        let negative = .!small .& (hx .< 0)
        var z = ((1 - x) * 0.5)
        z.replace(with: (1 + x) * 0.5, where: negative)
        z.replace(with: x * x, where: small)
        // p = z·(pS0 + z·(pS1 + … + z·pS5)), q = 1 + z·(qS1 + … + z·qS4), innermost first.
        var pp = Lanes(repeating: pS5)
        pp = horner(pS4, z, pp)
        pp = horner(pS3, z, pp)
        pp = horner(pS2, z, pp)
        pp = horner(pS1, z, pp)
        pp = horner(pS0, z, pp)
        let p: Lanes = z * pp
        var qq = Lanes(repeating: qS4)
        qq = horner(qS3, z, qq)
        qq = horner(qS2, z, qq)
        qq = horner(qS1, z, qq)
        let q: Lanes = horner(1, z, qq)
        let r = p / q
        let s = z.squareRoot()
        // x > 0.5: s split into df (its top 12 mantissa bits) and the correction c.
        let df = float(bits(s) & Int32(bitPattern: 0xffff_f000))
        let c = (z - df * df) / (s + df)
        let rs: Lanes = r * s
        let wPositive: Lanes = rs + c
        var result: Lanes = 2 * (df + wPositive)
        let wNegative: Lanes = rs - pio2Lo
        let sw: Lanes = s + wNegative
        result.replace(with: piAcos - 2 * sw, where: negative)
        let xr: Lanes = pio2Lo - x * r
        result.replace(with: pio2Hi - (x - xr), where: small)
        if !all(common) {
            for i in 0..<4 where !common[i] { result[i] = acosf(x[i]) }
        }
        return result
    }
}
