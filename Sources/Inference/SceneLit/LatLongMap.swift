import Foundation
import ImageCore

/// An equirectangular RGB radiance map. u = 0.5 looks along −z (south... the default camera's
/// view), u grows towards +x; v = 0 is straight up.
struct LatLongMap: Sendable {
    let width: Int
    let height: Int
    /// Packed RGB, `width * height * 3`, top row first.
    let rgb: [Float]
    /// Rotation about the vertical axis, radians (HDRI `rotation`).
    var rotation: Float = 0

    /// Samples `radiance(direction)` at each texel centre, rows spread over the cores
    /// (`radiance` must be a pure function: a background map is millions of sky evaluations).
    init(width: Int, height: Int, _ radiance: (SIMD3<Double>) -> SIMD3<Double>) {
        self.width = width
        self.height = height
        // Same expressions as `direction(u:v:)`, with each row's and column's sines taken once.
        let phis = (0..<width).map { x in ((Double(x) + 0.5) / Double(width) - 0.5) * 2 * Double.pi }
        let sinPhi = phis.map { sin($0) }, cosPhi = phis.map { cos($0) }
        var rgb = [Float](repeating: 0, count: width * height * 3)
        rgb.withUnsafeMutableBufferPointer { out in
            guard let base = out.baseAddress else { return }
            parallelBands(count: height) { rows in
                for y in rows {
                    let theta = (Double(y) + 0.5) / Double(height) * Double.pi
                    let sinTheta = sin(theta), cosTheta = cos(theta)
                    for x in 0..<width {
                        let l = radiance(SIMD3(sinTheta * sinPhi[x], cosTheta, -sinTheta * cosPhi[x]))
                        let i = (y * width + x) * 3
                        base[i] = Float(l.x); base[i + 1] = Float(l.y); base[i + 2] = Float(l.z)
                    }
                }
            }
        }
        self.rgb = rgb
    }

    init(width: Int, height: Int, rgb: [Float], rotation: Float = 0) {
        precondition(rgb.count == width * height * 3, "lat-long map size mismatch")
        self.width = width
        self.height = height
        self.rgb = rgb
        self.rotation = rotation
    }

    static func direction(u: Double, v: Double) -> SIMD3<Double> {
        let phi = (u - 0.5) * 2 * Double.pi, theta = v * Double.pi
        return SIMD3(sin(theta) * sin(phi), cos(theta), -sin(theta) * cos(phi))
    }

    /// Bilinear lookup towards unit direction `d`.
    @inline(__always)
    func lookup(_ d: SIMD3<Float>) -> SIMD3<Float> {
        rgb.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return .zero }
            return Sampler(rgb: base, width: width, height: height, rotation: rotation).lookup(d)
        }
    }

    /// A non-owning view of a map's texels for the pixel loop, where the caller keeps the
    /// storage alive: lookups then cost no reference counting.
    struct Sampler {
        let rgb: UnsafePointer<Float>
        let width: Int
        let height: Int
        let rotation: Float

        @inline(__always)
        func lookup(_ d: SIMD3<Float>) -> SIMD3<Float> {
            let u = 0.5 + (atan2f(d.x, -d.z) - rotation) / (2 * Float.pi)
            let v = acosf(min(1, max(-1, d.y))) / Float.pi
            let fx = u * Float(width) - 0.5
            let fy = min(max(v * Float(height) - 0.5, 0), Float(height - 1))
            return bilinear(fx, fy)
        }

        /// The bilinear blend of the texels around texel coordinates (fx, fy), fy within the rows.
        @inline(__always)
        func bilinear(_ fx: Float, _ fy: Float) -> SIMD3<Float> {
            let x0f = TexelIndex.floor(fx), y0f = TexelIndex.floor(fy)
            let tx = fx - x0f, ty = fy - y0f
            let x0 = TexelIndex.wrap(Int(x0f), width)
            let x1 = TexelIndex.next(x0, width)
            let y0 = Int(y0f), y1 = min(y0 + 1, height - 1)
            @inline(__always) func at(_ x: Int, _ y: Int) -> SIMD3<Float> {
                let i = (y * width + x) * 3
                return SIMD3(rgb[i], rgb[i + 1], rgb[i + 2])
            }
            let top = at(x0, y0) * (1 - tx) + at(x1, y0) * tx
            let bottom = at(x0, y1) * (1 - tx) + at(x1, y1) * tx
            return top * (1 - ty) + bottom * ty
        }

        /// `lookup` towards four unit directions (x, y, z lanes), each lane the bits of the
        /// one-direction lookup: the angles come from `LaneMath` (glibc's `atan2f` and `acosf`,
        /// lane by lane) with the same operations around them, the texels are read per lane.
        @inline(__always)
        func lookup(_ dx: SIMD4<Float>, _ dy: SIMD4<Float>, _ dz: SIMD4<Float>) -> (x: SIMD4<Float>, y: SIMD4<Float>, z: SIMD4<Float>) {
            let u = 0.5 + (LaneMath.atan2(dx, -dz) - rotation) / (2 * Float.pi)
            // `min(1, max(-1, y))` as the standard library's min and max decide.
            let low = dy.replacing(with: -1, where: .!(dy .>= -1))
            let clamped = SIMD4<Float>(repeating: 1).replacing(with: low, where: low .< 1)
            let v = LaneMath.acos(clamped) / Float.pi
            let fx = u * Float(width) - 0.5
            let fyRaw = v * Float(height) - 0.5
            let fyLow = fyRaw.replacing(with: 0, where: SIMD4<Float>(repeating: 0) .>= fyRaw)
            let top = Float(height - 1)
            let fy = SIMD4<Float>(repeating: top).replacing(with: fyLow, where: .!(SIMD4<Float>(repeating: top) .< fyLow))
            // Lanes built from values, not stored one by one into a vector in memory (a store
            // per lane then a vector load stalls on store forwarding).
            let a = bilinear(fx[0], fy[0]), b = bilinear(fx[1], fy[1]), c = bilinear(fx[2], fy[2]), d = bilinear(fx[3], fy[3])
            return (SIMD4(a.x, b.x, c.x, d.x), SIMD4(a.y, b.y, c.y, d.y), SIMD4(a.z, b.z, c.z, d.z))
        }
    }

    /// Box-filtered smaller copy (for reflections and SH projection of big HDRIs).
    func downsampled(width w: Int, height h: Int) -> LatLongMap {
        var out = [Float](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            let y0 = y * height / h, y1 = max(y0 + 1, (y + 1) * height / h)
            for x in 0..<w {
                let x0 = x * width / w, x1 = max(x0 + 1, (x + 1) * width / w)
                var sum = SIMD3<Float>.zero
                for sy in y0..<y1 {
                    for sx in x0..<x1 {
                        let i = (sy * width + sx) * 3
                        sum += SIMD3(rgb[i], rgb[i + 1], rgb[i + 2])
                    }
                }
                sum /= Float((y1 - y0) * (x1 - x0))
                let o = (y * w + x) * 3
                out[o] = sum.x; out[o + 1] = sum.y; out[o + 2] = sum.z
            }
        }
        return LatLongMap(width: w, height: h, rgb: out, rotation: rotation)
    }
}
