import Foundation

/// The per-pixel half-vector terms of the glossy lobe's shared lattice (`SceneLitFrameKernel.glossy`
/// with a pixel's camera samples sharing the lobe), kept for the pixel's next sample.
///
/// With shared lobe rays every camera sample of a pixel lays out the same lattice: its points
/// and rotation depend on the pixel's hash alone, and each point's microfacet angle on the
/// surface's roughness. Each sample still weighs all of the lattice's directions (its own view
/// and normal), so computing each point's sin θ cos φ, sin θ sin φ and cos θ (two libm calls,
/// two square roots) once per pixel and surface instead of once per sample takes most of the
/// lobe's own arithmetic out of the sample loop. The terms are the same expressions on the
/// same inputs, so every ray, and every pixel, keeps its bits.
///
/// One per thread's tile of pixels (it is rewritten in place); `deallocate()` frees it.
struct GlossyLattice {
    /// Per lattice point: (sin θ cos φ, sin θ sin φ, cos θ) of the microfacet normal in the
    /// surface's tangent frame.
    private let terms: UnsafeMutablePointer<SIMD3<Float>>
    private let capacity: Int
    /// What `terms` holds: the pixel's lattice seed, its point count and the lobe's α² (as bits),
    /// or nothing yet (`points` 0).
    private var seed: UInt32 = 0
    private var points = 0
    private var a2Bits: UInt32 = 0

    /// Room for lattices of up to `capacity` points.
    init(capacity: Int) {
        self.capacity = max(1, capacity)
        terms = .allocate(capacity: self.capacity)
    }

    func deallocate() { terms.deallocate() }

    /// The microfacet normal's terms for lattice point `i` of `points`, rotated by `shift`, for a
    /// GGX lobe of α² `a2` (Walter et al. 2007, eq. 35–36; see `SceneLitFrameKernel.glossy`).
    @inline(__always)
    static func term(_ i: Int, points: Int, shift: SIMD2<Float>, a2: Float) -> SIMD3<Float> {
        let u = SceneLight.lattice(i, points, shift: shift)
        let phi = 2 * Float.pi * u.x
        let cos2 = (1 - u.y) / (1 + (a2 - 1) * u.y)
        let cosH = cos2.squareRoot(), sinH = max(0, 1 - cos2).squareRoot()
        return SIMD3(sinH * cosf(phi), sinH * sinf(phi), cosH)
    }

    /// The terms of the lattice with `seed` (from which `shift` is drawn), `points` and `a2`,
    /// computed unless they are the ones held; nil when the lattice does not fit.
    @inline(__always)
    mutating func terms(seed: UInt32, points: Int, shift: SIMD2<Float>, a2: Float) -> UnsafePointer<SIMD3<Float>>? {
        guard points <= capacity else { return nil }
        if points != self.points || seed != self.seed || a2.bitPattern != a2Bits {
            for i in 0..<points { terms[i] = Self.term(i, points: points, shift: shift, a2: a2) }
            self.seed = seed
            self.points = points
            a2Bits = a2.bitPattern
        }
        return UnsafePointer(terms)
    }
}
