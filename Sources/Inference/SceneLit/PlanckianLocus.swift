import Foundation

/// Black-body colour: CIE 1931 xy chromaticity of a Planckian radiator by the cubic-spline fit of
/// Kim, Kim, Lee, Lee & Lee, "Design of advanced color temperature control system for HDTV
/// applications", Journal of the Korean Physical Society 41(6), 865–871 (2002), valid 1667–25000 K
/// (within about 0.0005 in x and y of the locus computed from Planck's law with the CIE 1931 CMFs).
enum PlanckianLocus {
    /// Chromaticity (x, y) at `kelvin`, clamped to the fit's range.
    static func chromaticity(kelvin: Double) -> SIMD2<Double> {
        let t = min(max(kelvin, 1667), 25000)
        let t1 = 1e3 / t, t2 = t1 * t1, t3 = t2 * t1
        let x = t <= 4000
            ? -0.2661239 * t3 - 0.2343589 * t2 + 0.8776956 * t1 + 0.179910
            : -3.0258469 * t3 + 2.1070379 * t2 + 0.2226347 * t1 + 0.240390
        let x2 = x * x, x3 = x2 * x
        let y: Double
        if t <= 2222 {
            y = -1.1063814 * x3 - 1.34811020 * x2 + 2.18555832 * x - 0.20219683
        } else if t <= 4000 {
            y = -0.9549476 * x3 - 1.37418593 * x2 + 2.09137015 * x - 0.16748867
        } else {
            y = 3.0817580 * x3 - 5.87338670 * x2 + 3.75112997 * x - 0.37001483
        }
        return SIMD2(x, y)
    }

    /// ACEScg (AP1) colour of a black body at `kelvin`, scaled to luminance 1. XYZ goes to AP1 by
    /// the XYZ→AP1 matrix of ACES TB-2014-004 without chromatic adaptation (the sky uses the same),
    /// so a 6500 K light reads slightly blue and a tungsten one orange, as on a camera balanced to
    /// the ACES white (about 6000 K).
    static func acescg(kelvin: Double) -> SIMD3<Double> {
        let xy = chromaticity(kelvin: kelvin)
        let xyz = SIMD3(xy.x / xy.y, 1, (1 - xy.x - xy.y) / xy.y)
        let rgb = PreethamSky.xyzToACEScg(xyz)
        return rgb / luminance(rgb)
    }

    /// Luminance Y of an ACEScg colour: the middle row of the AP1→XYZ matrix (ACES TB-2014-004).
    static func luminance(_ rgb: SIMD3<Double>) -> Double {
        0.2722287168 * rgb.x + 0.6740817658 * rgb.y + 0.0536895174 * rgb.z
    }
}
