/// Integer texel coordinates for the pixel loop's bilinear lookups (lat-long maps, radiosity
/// patch grids), computed without a libm call or an integer division in the common case. Each
/// function returns exactly what the expression it replaces returned, for every input, so
/// lookups keep their bits (`TexelIndexTests`): `floorf` was a call per coordinate and `%` an
/// integer division, together a measurable share of a shaded pixel.
enum TexelIndex {
    /// `x.rounded(.down)`, bit for bit (−0 stays −0; NaN and ±∞ go to the library).
    @inline(__always)
    static func floor(_ x: Float) -> Float {
        // From 2²³ up every Float is an integer; below it the truncation is exact.
        guard x.magnitude < 8_388_608 else { return x.rounded(.down) }
        let t = Float(Int32(x))
        if t == x { return x }
        return t > x ? t - 1 : t
    }

    /// `((i % n) + n) % n`: `i` wrapped into 0..<n (n > 0), dividing only when it is outside.
    @inline(__always)
    static func wrap(_ i: Int, _ n: Int) -> Int {
        if i >= 0, i < n { return i }
        let r = i % n
        return r < 0 ? r + n : r
    }

    /// `(i + 1) % n` for `i` in 0..<n: the next column, wrapping to 0.
    @inline(__always)
    static func next(_ i: Int, _ n: Int) -> Int {
        i + 1 == n ? 0 : i + 1
    }
}
