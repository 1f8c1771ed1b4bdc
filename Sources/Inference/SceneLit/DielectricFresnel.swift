import Foundation

/// Reflection and refraction at a smooth interface between two dielectrics: Snell's law and the
/// exact Fresnel equations for unpolarised light (Born & Wolf, *Principles of Optics*, §1.5.2),
/// not Schlick's approximation, so total internal reflection comes out of the formulas.
enum DielectricFresnel {
    /// What happens to a unit ray `d` meeting a surface with unit normal `n` that faces against
    /// it, going from index n₁ to n₂ with `eta` = n₁ / n₂.
    struct Split {
        /// Reflected share of the power (1 under total internal reflection).
        var reflectance: Float
        var reflected: SIMD3<Float>
        /// The refracted direction; meaningless when `reflectance` is 1.
        var refracted: SIMD3<Float>
    }

    @inline(__always)
    static func split(_ d: SIMD3<Float>, normal n: SIMD3<Float>, eta: Float) -> Split {
        let cosI = min(max(-(d * n).sum(), 0), 1)
        let reflected = d + n * (2 * cosI)
        let sin2T = eta * eta * max(0, 1 - cosI * cosI)
        // Past the critical angle (sin θt ≥ 1) no wave is transmitted.
        guard sin2T < 1 else { return Split(reflectance: 1, reflected: reflected, refracted: reflected) }
        let cosT = (1 - sin2T).squareRoot()
        let refracted = d * eta + n * (eta * cosI - cosT)
        return Split(reflectance: reflectance(cosI: cosI, cosT: cosT, eta: eta), reflected: reflected, refracted: refracted)
    }

    /// Unpolarised reflectance (R_s + R_p) / 2 with r_s = (n₁cosθi − n₂cosθt)/(n₁cosθi + n₂cosθt)
    /// and r_p = (n₁cosθt − n₂cosθi)/(n₁cosθt + n₂cosθi), written with eta = n₁ / n₂.
    @inline(__always)
    static func reflectance(cosI: Float, cosT: Float, eta: Float) -> Float {
        let rs = (eta * cosI - cosT) / (eta * cosI + cosT)
        let rp = (eta * cosT - cosI) / (eta * cosT + cosI)
        return min(1, (rs * rs + rp * rp) / 2)
    }

    /// Reflectance for a ray at angle `theta` (radians) from the normal, going from n₁ to n₂.
    static func reflectance(theta: Float, from n1: Float, to n2: Float) -> Float {
        split(SIMD3(sinf(theta), -cosf(theta), 0), normal: SIMD3(0, 1, 0), eta: n1 / n2).reflectance
    }
}
