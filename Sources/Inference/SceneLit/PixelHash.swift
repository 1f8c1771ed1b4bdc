/// Integer hashing for deterministic per-pixel patterns (area-light shadow jitter, lens samples,
/// grain). A value depends only on its inputs (pixel, frame, light), never on a thread, chunk or
/// node, so every renderer of a frame draws the same pattern.
enum PixelHash {
    /// A well-mixed 32-bit hash of three words (the "lowbias32" finaliser of Chris Wellons'
    /// hash-prospector, applied after folding in each word).
    @inline(__always)
    static func hash(_ a: UInt32, _ b: UInt32, _ c: UInt32) -> UInt32 {
        var h = mix(a &* 0x9E37_79B9 ^ 0x85EB_CA6B)
        h = mix(h ^ (b &* 0x27D4_EB2F))
        h = mix(h ^ (c &* 0x1656_67B1))
        return h
    }

    @inline(__always)
    static func mix(_ x: UInt32) -> UInt32 {
        var x = x
        x ^= x >> 16
        x = x &* 0x7FEB_352D
        x ^= x >> 15
        x = x &* 0x846C_A68B
        x ^= x >> 16
        return x
    }

    /// A float in [0, 1) from the top 24 bits.
    @inline(__always)
    static func unit(_ h: UInt32) -> Float { Float(h >> 8) * (1 / 16_777_216) }
}
