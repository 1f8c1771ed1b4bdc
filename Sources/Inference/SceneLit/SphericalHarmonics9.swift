import Foundation

/// Order-2 real spherical harmonics (9 coefficients per RGB channel) of a radiance environment.
public struct SphericalHarmonics9: Sendable, Equatable {
    /// Coefficient k for channel c lives at `3 * k + c`.
    public var coefficients: [Double]

    public init(coefficients: [Double]) {
        precondition(coefficients.count == 27, "order-2 SH needs 27 RGB coefficients")
        self.coefficients = coefficients
    }

    /// The 9 basis functions at unit direction `d`.
    @inline(__always)
    public static func basis(_ d: SIMD3<Double>) -> [Double] {
        let x = d.x, y = d.y, z = d.z
        return [
            0.282095,
            0.488603 * y, 0.488603 * z, 0.488603 * x,
            1.092548 * x * y, 1.092548 * y * z, 0.315392 * (3 * z * z - 1), 1.092548 * x * z, 0.546274 * (x * x - y * y),
        ]
    }

    /// Projects `radiance(direction)` onto the basis.
    ///
    /// The quadrature (two-point Gauss–Legendre bands in the vertical, uniform in azimuth) is exact
    /// for every product of a constant with the basis, so a constant environment comes back exactly.
    public static func project(bands: Int = 48, azimuthSteps: Int = 96, _ radiance: (SIMD3<Double>) -> SIMD3<Double>) -> SphericalHarmonics9 {
        var sums = [Double](repeating: 0, count: 27)
        let h = 2.0 / Double(bands)
        let gauss = 1.0 / 3.0.squareRoot()
        for band in 0..<bands {
            let mid = -1 + (Double(band) + 0.5) * h
            for node in [-gauss, gauss] {
                let y = mid + node * h / 2
                let s = max(0, 1 - y * y).squareRoot()
                let weight = (h / 2) * (2 * Double.pi / Double(azimuthSteps))
                for step in 0..<azimuthSteps {
                    let phi = (Double(step) + 0.5) * 2 * Double.pi / Double(azimuthSteps)
                    let d = SIMD3(s * sin(phi), y, s * cos(phi))
                    let l = radiance(d) * weight
                    let b = basis(d)
                    for k in 0..<9 {
                        sums[3 * k] += l.x * b[k]
                        sums[3 * k + 1] += l.y * b[k]
                        sums[3 * k + 2] += l.z * b[k]
                    }
                }
            }
        }
        return SphericalHarmonics9(coefficients: sums)
    }

    /// Reconstructed radiance towards `d`.
    public func radiance(_ d: SIMD3<Double>) -> SIMD3<Double> {
        evaluate(d, weights: [1, 1, 1])
    }

    /// Irradiance on a surface with normal `n` (Ramamoorthi & Hanrahan 2001 cosine-lobe weights).
    public func irradiance(_ n: SIMD3<Double>) -> SIMD3<Double> {
        evaluate(n, weights: [Double.pi, 2 * Double.pi / 3, Double.pi / 4])
    }

    private func evaluate(_ d: SIMD3<Double>, weights: [Double]) -> SIMD3<Double> {
        let b = Self.basis(d)
        var out = SIMD3<Double>.zero
        for k in 0..<9 {
            let w = weights[k == 0 ? 0 : (k < 4 ? 1 : 2)] * b[k]
            out += SIMD3(coefficients[3 * k], coefficients[3 * k + 1], coefficients[3 * k + 2]) * w
        }
        return out
    }
}

/// SH irradiance in Float for the pixel loop: the 27 coefficients pre-multiplied by the lobe weights.
struct SHIrradianceTable: Sendable {
    // Nine stored values rather than an array: the pixel loop reads them with no reference counting.
    let c0, c1, c2, c3, c4, c5, c6, c7, c8: SIMD3<Float>

    init(_ sh: SphericalHarmonics9) {
        let w: [Double] = [Double.pi] + Array(repeating: 2 * Double.pi / 3, count: 3) + Array(repeating: Double.pi / 4, count: 5)
        let k: [Double] = [0.282095, 0.488603, 0.488603, 0.488603, 1.092548, 1.092548, 0.315392, 1.092548, 0.546274]
        var c: [SIMD3<Float>] = []
        for i in 0..<9 {
            let scale: Double = w[i] * k[i]
            let r = Float(sh.coefficients[3 * i] * scale)
            let g = Float(sh.coefficients[3 * i + 1] * scale)
            let b = Float(sh.coefficients[3 * i + 2] * scale)
            c.append(SIMD3<Float>(r, g, b))
        }
        (c0, c1, c2, c3, c4, c5, c6, c7, c8) = (c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8])
    }

    @inline(__always)
    func irradiance(_ n: SIMD3<Float>) -> SIMD3<Float> {
        let x = n.x, y = n.y, z = n.z
        var e: SIMD3<Float> = c0
        e += c1 * y
        e += c2 * z
        e += c3 * x
        e += c4 * (x * y)
        e += c5 * (y * z)
        e += c6 * (3 * z * z - 1)
        e += c7 * (x * z)
        e += c8 * (x * x - y * y)
        return simdMax(e, .zero)
    }
}

/// `pointwiseMax(a, b)` written out lane by lane: the same `Float.maximum` per lane (so the same
/// bits, −0 and NaN included), but the generic stdlib loop was left as a call in the pixel loop.
@inline(__always) func simdMax(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
    SIMD3(Float.maximum(a.x, b.x), Float.maximum(a.y, b.y), Float.maximum(a.z, b.z))
}
