import Foundation

/// A GGX microfacet highlight (Trowbridge–Reitz distribution, Schlick–Smith visibility, Schlick
/// Fresnel) for one roughness, with the terms that depend only on the roughness taken once: the
/// lean path keeps one per surface for the sun. The arithmetic is the per-ray formula's,
/// operation for operation, so a highlight keeps its bits.
struct GGXLobe {
    /// α² with α = max(roughness², 0.01), and α² − 1.
    let alphaSquared: Float
    let alphaSquaredLessOne: Float
    /// Schlick–Smith's k = α / 2, and 1 − k.
    let k: Float
    let oneLessK: Float

    init(glossy: Float) {
        let alpha = max(glossy, 1e-2)
        alphaSquared = alpha * alpha
        alphaSquaredLessOne = alpha * alpha - 1
        k = alpha / 2
        oneLessK = 1 - k
    }

    /// The highlight per unit of irradiance arriving from unit direction `l`; `oneLessF0` is 1 − f0.
    @inline(__always)
    func highlight(
        normal n: SIMD3<Float>, view v: SIMD3<Float>, light l: SIMD3<Float>, nl: Float, nv: Float, f0: SIMD3<Float>, oneLessF0: SIMD3<Float>
    ) -> SIMD3<Float> {
        var h = l + v
        h /= (h * h).sum().squareRoot()
        let nh = max((n * h).sum(), 0)
        let denom = nh * nh * alphaSquaredLessOne + 1
        let distribution = alphaSquared / (Float.pi * denom * denom)
        let visibility = 1 / (4 * (nl * oneLessK + k) * (nv * oneLessK + k))
        let vh = max((v * h).sum(), 0)
        let fs = f0 + oneLessF0 * powf(1 - vh, 5)
        return fs * (distribution * visibility)
    }
}
