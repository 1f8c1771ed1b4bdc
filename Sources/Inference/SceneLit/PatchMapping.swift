import Foundation

/// Maps between radiosity patch grids and surface points, for the solve (patch centres) and the
/// renderer (which grid and where a hit lands), so both agree by construction.
enum PatchMapping {
    typealias Grid = SceneLitLighting.PatchGrid

    /// Patch grids for the ground and every static object, in a fixed order.
    static func layout(geometry: SceneGeometry, groundPatches: Int, objectPatches p: Int, groundSize: Float? = nil) -> [Grid] {
        var grids: [Grid] = []
        var offset = 0
        func add(_ owner: Int, _ face: Int, _ nu: Int, _ nv: Int, origin: [Float] = [], size: Float = 0) {
            grids.append(Grid(owner: owner, face: face, offset: offset, nu: nu, nv: nv, origin: origin, size: size))
            offset += nu * nv
        }
        if geometry.groundEnabled {
            var lo = SIMD2<Float>(repeating: .infinity), hi = SIMD2<Float>(repeating: -.infinity)
            for prim in geometry.primitives where prim.isStatic {
                lo = pointwiseMin(lo, SIMD2(prim.center.x - prim.half.x, prim.center.z - prim.half.z))
                hi = pointwiseMax(hi, SIMD2(prim.center.x + prim.half.x, prim.center.z + prim.half.z))
            }
            if lo.x > hi.x { lo = SIMD2(-1, -1); hi = SIMD2(1, 1) }
            let center = (lo + hi) / 2
            // Bounce light and contact occlusion fade within a few object sizes; beyond the grid
            // the ground reads the grid's edge, which is open sky.
            let size = groundSize ?? (max((hi - lo).max() * 3, 6) + 4)
            add(-1, 0, groundPatches, groundPatches, origin: [center.x - size / 2, center.y - size / 2], size: size)
        }
        for (i, prim) in geometry.primitives.enumerated() where prim.isStatic {
            switch prim.kind {
            case .sphere: add(i, 0, p, max(2, p / 2))
            case .box:
                let k = max(1, p / 4)
                for face in 0..<6 { add(i, face, k, k) }
            case .cylinder:
                add(i, 0, p, max(1, p / 4))
                let k = max(1, p / 6)
                add(i, 1, k, k)
                add(i, 2, k, k)
            }
        }
        return grids
    }

    /// Axes (a: normal axis, b: u axis, c: v axis) of a box face.
    @inline(__always)
    static func boxAxes(_ face: Int) -> (Int, Int, Int) {
        switch face / 2 {
        case 0: return (0, 1, 2)
        case 1: return (1, 0, 2)
        default: return (2, 0, 1)
        }
    }

    /// Centre, normal and area of patch (iu, iv) of a grid.
    static func patch(_ g: Grid, _ iu: Int, _ iv: Int, geometry: SceneGeometry) -> (SIMD3<Float>, SIMD3<Float>, Float) {
        let (p, n) = point(g, u: (Float(iu) + 0.5) / Float(g.nu), v: (Float(iv) + 0.5) / Float(g.nv), geometry: geometry)
        let cells = Float(g.nu * g.nv)
        if g.owner < 0 {
            let cell = g.size / Float(g.nu)
            return (p, n, cell * cell)
        }
        let prim = geometry.primitives[g.owner]
        let h = prim.half
        switch prim.kind {
        case .sphere: return (p, n, 4 * Float.pi * h.x * h.x / cells)
        case .box:
            let (_, b, c) = boxAxes(g.face)
            return (p, n, 4 * h[b] * h[c] / cells)
        case .cylinder:
            return (p, n, g.face == 0 ? 2 * Float.pi * h.x * 2 * h.y / cells : Float.pi * h.x * h.x / cells)
        }
    }

    /// Point and normal at continuous (u, v) ∈ [0, 1]² of a grid: `patch` away from the centres,
    /// for integrating form factors over a patch instead of taking its centre alone.
    static func point(_ g: Grid, u: Float, v: Float, geometry: SceneGeometry) -> (SIMD3<Float>, SIMD3<Float>) {
        if g.owner < 0 {
            return (SIMD3(g.origin[0] + u * g.size, geometry.groundHeight, g.origin[1] + v * g.size), SIMD3(0, 1, 0))
        }
        let prim = geometry.primitives[g.owner]
        let c = prim.center, h = prim.half
        switch prim.kind {
        case .sphere:
            let y = 2 * v - 1, phi = (u - 0.5) * 2 * Float.pi, s = max(0, 1 - y * y).squareRoot()
            let n = SIMD3(s * sinf(phi), y, s * cosf(phi))
            return (c + n * h.x, n)
        case .box:
            let (a, b, cAxis) = boxAxes(g.face)
            let sign: Float = g.face % 2 == 0 ? 1 : -1
            var n = SIMD3<Float>.zero
            n[a] = sign
            var p = c
            p[a] += sign * h[a]
            p[b] += (2 * u - 1) * h[b]
            p[cAxis] += (2 * v - 1) * h[cAxis]
            return (p, n)
        case .cylinder:
            if g.face == 0 {
                let phi = (u - 0.5) * 2 * Float.pi
                let n = SIMD3(sinf(phi), 0, cosf(phi))
                return (c + SIMD3(h.x * n.x, (2 * v - 1) * h.y, h.x * n.z), n)
            }
            let sign: Float = g.face == 1 ? 1 : -1
            return (c + SIMD3((2 * u - 1) * h.x, sign * h.y, (2 * v - 1) * h.x), SIMD3(0, sign, 0))
        }
    }

    /// Which face (grid `face` value) and (u, v) in [0, 1]² a point with normal `n` on a primitive maps to.
    @inline(__always)
    static func locate(_ prim: Primitive, point: SIMD3<Float>, normal n: SIMD3<Float>) -> (face: Int, u: Float, v: Float) {
        let local = point - prim.center
        switch prim.kind {
        case .sphere:
            return (0, atan2f(n.x, n.z) / (2 * Float.pi) + 0.5, (n.y + 1) / 2)
        case .box:
            let a = n.x != 0 ? 0 : (n.y != 0 ? 1 : 2)
            let face = a * 2 + (n[a] > 0 ? 0 : 1)
            let (_, b, c) = boxAxes(face)
            return (face, (local[b] / prim.half[b] + 1) / 2, (local[c] / prim.half[c] + 1) / 2)
        case .cylinder:
            if n.y > 0.5 || n.y < -0.5 {
                return (n.y > 0 ? 1 : 2, (local.x / prim.half.x + 1) / 2, (local.z / prim.half.x + 1) / 2)
            }
            return (0, atan2f(n.x, n.z) / (2 * Float.pi) + 0.5, (local.y / prim.half.y + 1) / 2)
        }
    }

    /// Bilinear interpolation between patch centres (wrapping around in u for closed surfaces).
    @inline(__always)
    static func sample(_ values: UnsafeBufferPointer<Float>, _ g: Grid, u: Float, v: Float, wrapU: Bool) -> SIMD3<Float> {
        sample(values, offset: g.offset, nu: g.nu, nv: g.nv, u: u, v: v, wrapU: wrapU)
    }

    /// `sample` for a grid given by its first patch and size (the pixel loop keeps grids flat).
    @inline(__always)
    static func sample(_ values: UnsafeBufferPointer<Float>, offset: Int, nu: Int, nv: Int, u: Float, v: Float, wrapU: Bool) -> SIMD3<Float> {
        var fu = u * Float(nu) - 0.5
        let fv = min(max(v * Float(nv) - 0.5, 0), Float(nv - 1))
        if !wrapU { fu = min(max(fu, 0), Float(nu - 1)) }
        let u0f = TexelIndex.floor(fu), v0f = TexelIndex.floor(fv)
        let tu = fu - u0f, tv = fv - v0f
        var u0 = Int(u0f), u1 = u0 + 1
        if wrapU {
            u0 = TexelIndex.wrap(u0, nu)
            u1 = TexelIndex.next(u0, nu)
        } else {
            u1 = min(u1, nu - 1)
        }
        let v0 = Int(v0f), v1 = min(v0 + 1, nv - 1)
        @inline(__always) func at(_ iu: Int, _ iv: Int) -> SIMD3<Float> {
            let i = 3 * (offset + iv * nu + iu)
            return SIMD3(values[i], values[i + 1], values[i + 2])
        }
        let a = at(u0, v0) * (1 - tu) + at(u1, v0) * tu
        let b = at(u0, v1) * (1 - tu) + at(u1, v1) * tu
        return a * (1 - tv) + b * tv
    }
}
