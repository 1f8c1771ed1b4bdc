import Foundation

/// Lean shading (`SceneLitFrameKernel.shade`) of camera rays that all meet the bare ground, four
/// rays to a packet: one SSE lane per ray, so the divisions, square roots, dot products and
/// comparisons that the one-ray code does one scalar at a time run for four rays at once.
///
/// Every lane does the one-ray code's float operations on the same operands in the same order
/// (a dot product `(a * b).sum()` is `(a.x * b.x + a.y * b.y) + a.z * b.z`, as the standard
/// library sums; `max(a, b)` is `b >= a ? b : a`; `simdMax(e, 0)` is `e > 0 ? e : 0`), and what
/// has no lane form (libm's `powf`, `atan2f`, `acosf` and the texel lookups) is called per lane
/// with the one-ray code's arguments, so each ray keeps its bits (`bench generate --digest`).
/// Used only where the block's bounds prove every ray meets the ground and nothing can shadow
/// it (`BlockGlimpse.uniform` with hit −1 and an empty mask); a lane whose ray turns out not to
/// meet the ground from above falls back to the one-ray `shade`.
struct GroundPacket {
    typealias Lanes = SIMD4<Float>

    /// Shades the camera rays through pixels `columns` of row `y` of sub-frame `k` (pinhole,
    /// sample offsets `offsets`, pixel (x, y) at forward + right·sx + up·sy with sx = (x + o.x)·invW − 1,
    /// sy = 1 − (y + o.y)·invH), into `out[(x − columns.lowerBound) * offsets.count + j]` with each
    /// ray's glimpse in `seen` at the same index.
    static func shade(
        _ kernel: SceneLitFrameKernel, subFrame k: Int, mask: UInt64, sunMask: UInt64, columns: Range<Int>, row y: Int,
        offsets: UnsafeBufferPointer<SIMD2<Float>>, invW: Float, invH: Float,
        into out: UnsafeMutablePointer<SIMD3<Float>>, seen: UnsafeMutablePointer<SceneLitFrameKernel.Glimpse>
    ) {
        let sub = kernel.subFrames[k]
        let samples = offsets.count, count = columns.count * samples
        let o = sub.origin
        // The ground's normal as `SceneGeometry.nearest` makes it, and what `meet` derives from it
        // that is the same for every ray: n·sun, whether the sun can light the point, the sun's
        // irradiance there. Where the block's sun mask holds a primitive, each lane casts the
        // one-ray code's shadow ray (`sunBlocked`, same origin and mask).
        let normal = SIMD3<Float>(0, 1, 0)
        let nl = (normal * kernel.sunDirection).sum()
        var sunLight = SIMD3<Float>.zero
        var lit = false
        if nl > 0, kernel.hasSun {
            sunLight = kernel.sunIrradiance * nl
            lit = true
        }
        let prims = kernel.primitives(of: k)
        let shadows = lit && sunMask & CameraBlockCulling.all(kernel.primitiveCount) != 0
        let s = kernel.shading[0]
        let groundHeightLessOrigin = kernel.groundHeight - o.y
        let zero = Lanes(repeating: 0), one = Lanes(repeating: 1)
        let nx = Lanes(repeating: normal.x), ny = Lanes(repeating: normal.y), nz = Lanes(repeating: normal.z)
        let lx = Lanes(repeating: kernel.sunDirection.x), ly = Lanes(repeating: kernel.sunDirection.y), lz = Lanes(repeating: kernel.sunDirection.z)
        var start = 0
        while start < count {
            // Lane i is ray start + i; past the end the last ray is repeated and its result dropped.
            let (dx, dy, dz) = GroundPacket.directionLanes(sub, start: start, count: count, firstColumn: columns.lowerBound, row: y, offsets: offsets, invW: invW, invH: invH)
            // `SceneGeometry.nearest` with no primitive: the ground plane, t in (epsilon, ∞).
            let t = groundHeightLessOrigin / dy
            let meets = (dy .!= 0) .& (t .> SceneGeometry.epsilon) .& (t .< .infinity)
            // `meet`: the normal faces the ray unless n·d > 0; those lanes go to the one-ray code.
            let nd = dx * nx + dy * ny + dz * nz
            let lanes = meets .& .!(nd .> 0)
            let p = (x: o.x + dx * t, z: o.z + dz * t)
            // The lanes the sun reaches: all that meet the ground, or those whose shadow ray is free.
            var litLanes = lit ? lanes : SIMDMask<SIMD4<Int32>>(repeating: false)
            if shadows {
                let py = o.y + dy * t
                for i in 0..<4 where lanes[i] && kernel.sunBlocked(prims, mask: sunMask, SIMD3(p.x[i], py[i], p.z[i]) + normal * 1e-3) {
                    litLanes[i] = false
                }
            }
            let zeroLanes = Lanes(repeating: 0)
            let sunX = zeroLanes.replacing(with: sunLight.x, where: litLanes)
            let sunY = zeroLanes.replacing(with: sunLight.y, where: litLanes)
            let sunZ = zeroLanes.replacing(with: sunLight.z, where: litLanes)
            let vx = -dx, vy = -dy, vz = -dz
            let nvDot = nx * vx + ny * vy + nz * vz
            let nv = nvDot.replacing(with: 1e-4, where: Lanes(repeating: 1e-4) .>= nvDot)
            // `indirectIrradiance` on the ground (n.y = 1 > 0).
            let indirect: (x: Lanes, y: Lanes, z: Lanes)
            if kernel.groundGrid >= 0 {
                let g = kernel.grids[kernel.groundGrid]
                let u = (p.x - g.originX) / g.size, v = (p.z - g.originZ) / g.size
                @inline(__always) func lane(_ i: Int) -> SIMD3<Float> {
                    guard lanes[i] else { return .zero }
                    return PatchMapping.sample(kernel.irradiance, offset: g.offset, nu: g.nu, nv: g.nv, u: u[i], v: v[i], wrapU: false)
                }
                let a = lane(0), b = lane(1), c = lane(2), d = lane(3)
                indirect = (Lanes(a.x, b.x, c.x, d.x), Lanes(a.y, b.y, c.y, d.y), Lanes(a.z, b.z, c.z, d.z))
            } else {
                let e = kernel.sh.irradiance(normal)
                indirect = (Lanes(repeating: e.x), Lanes(repeating: e.y), Lanes(repeating: e.z))
            }
            // `shade`: Fresnel, diffuse, the mirror direction and the environment along it.
            let grazing = Self.fifthPowers(1 - nv, lanes)
            let fx = s.f0.x + s.fresnelRise.x * grazing, fy = s.f0.y + s.fresnelRise.y * grazing, fz = s.f0.z + s.fresnelRise.z * grazing
            let diffuseX = s.diffuseAlbedo.x * (one - fx) / Float.pi * (sunX + indirect.x)
            let diffuseY = s.diffuseAlbedo.y * (one - fy) / Float.pi * (sunY + indirect.y)
            let diffuseZ = s.diffuseAlbedo.z * (one - fz) / Float.pi * (sunZ + indirect.z)
            let twice = 2 * (dx * nx + dy * ny + dz * nz)
            let rx = dx - nx * twice, ry = dy - ny * twice, rz = dz - nz * twice
            // The environment along the mirror direction, four lanes at once (LaneMath's angles).
            let mirror = kernel.reflection.lookup(rx, ry, rz)
            let lobe = Self.shIrradiance(kernel.sh, rx, ry, rz)
            var specularX = fx * (mirror.x * s.mirrorWeight + lobe.x * s.lobeWeight)
            var specularY = fy * (mirror.y * s.mirrorWeight + lobe.y * s.lobeWeight)
            var specularZ = fz * (mirror.z * s.mirrorWeight + lobe.z * s.lobeWeight)
            if sunLight.max() > 0 && any(litLanes) {
                // `GGXLobe.highlight` towards the sun, lane by lane, added where the sun reaches.
                var hx = lx + vx, hy = ly + vy, hz = lz + vz
                let hLength = (hx * hx + hy * hy + hz * hz).squareRoot()
                hx /= hLength
                hy /= hLength
                hz /= hLength
                let nhDot = nx * hx + ny * hy + nz * hz
                let nh = nhDot.replacing(with: 0, where: zero .>= nhDot)
                let denom = nh * nh * s.lobe.alphaSquaredLessOne + 1
                let distribution = s.lobe.alphaSquared / (Float.pi * denom * denom)
                let visibility = 1 / (4 * (nl * s.lobe.oneLessK + s.lobe.k) * (nv * s.lobe.oneLessK + s.lobe.k))
                let vhDot = vx * hx + vy * hy + vz * hz
                let vh = vhDot.replacing(with: 0, where: zero .>= vhDot)
                let rise = Self.fifthPowers(1 - vh, litLanes)
                let weight = distribution * visibility
                specularX.replace(with: specularX + (s.f0.x + s.oneLessF0.x * rise) * weight * sunLight.x, where: litLanes)
                specularY.replace(with: specularY + (s.f0.y + s.oneLessF0.y * rise) * weight * sunLight.y, where: litLanes)
                specularZ.replace(with: specularZ + (s.f0.z + s.oneLessF0.z * rise) * weight * sunLight.z, where: litLanes)
            }
            let cx = diffuseX + specularX + s.emission.x
            let cy = diffuseY + specularY + s.emission.y
            let cz = diffuseZ + specularZ + s.emission.z
            for i in 0..<min(4, count - start) {
                let ray = start + i
                if lanes[i] {
                    out[ray] = SIMD3(cx[i], cy[i], cz[i])
                    seen[ray] = SceneLitFrameKernel.Glimpse(hit: -1, lit: litLanes[i])
                } else {
                    let d = SIMD3(dx[i], dy[i], dz[i])
                    out[ray] = kernel.shade(o, d, subFrame: k, mask: mask, sunMask: sunMask, glimpse: &seen[ray])
                }
            }
            start += 4
        }
    }

    /// The pixel positions (x + offset.x, y + offset.y) of rays `start` … `start + 3` of the row's
    /// `count` (past the end the last ray again), built from values: writing a vector's lanes one
    /// by one into memory and then loading it whole stalls on store forwarding.
    @inline(__always)
    static func pixelLanes(
        start: Int, count: Int, samples: Int, firstColumn: Int, row y: Int, offsets: UnsafeBufferPointer<SIMD2<Float>>
    ) -> (x: Lanes, y: Lanes) {
        @inline(__always) func at(_ i: Int) -> SIMD2<Float> {
            let ray = min(start + i, count - 1)
            let off = offsets[ray % samples]
            return SIMD2(Float(firstColumn + ray / samples) + off.x, Float(y) + off.y)
        }
        let a = at(0), b = at(1), c = at(2), d = at(3)
        return (Lanes(a.x, b.x, c.x, d.x), Lanes(a.y, b.y, c.y, d.y))
    }

    /// Unit directions of the pinhole camera rays `start` … `start + 3` of a row (laid out as
    /// `pixelLanes`): the renderer's `direction` (sx, sy, forward + right·sx + up·sy, divided by its
    /// length) lane by lane, with its operations in its order.
    @inline(__always)
    static func directionLanes(
        _ sub: SceneLitFrameKernel.SubFrame, start: Int, count: Int, firstColumn: Int, row y: Int,
        offsets: UnsafeBufferPointer<SIMD2<Float>>, invW: Float, invH: Float
    ) -> (x: Lanes, y: Lanes, z: Lanes) {
        let (px, py) = pixelLanes(start: start, count: count, samples: offsets.count, firstColumn: firstColumn, row: y, offsets: offsets)
        let sx = px * invW - 1
        let sy = 1 - py * invH
        var dx = Lanes(repeating: sub.forward.x) + Lanes(repeating: sub.right.x) * sx + Lanes(repeating: sub.up.x) * sy
        var dy = Lanes(repeating: sub.forward.y) + Lanes(repeating: sub.right.y) * sx + Lanes(repeating: sub.up.y) * sy
        var dz = Lanes(repeating: sub.forward.z) + Lanes(repeating: sub.right.z) * sx + Lanes(repeating: sub.up.z) * sy
        let length = (dx * dx + dy * dy + dz * dz).squareRoot()
        dx /= length
        dy /= length
        dz /= length
        return (dx, dy, dz)
    }

    /// `powf(x, 5)` for the lanes in `mask` (0 in the others), from glibc one lane at a time.
    @inline(__always)
    static func fifthPowers(_ x: Lanes, _ mask: SIMDMask<SIMD4<Int32>>) -> Lanes {
        Lanes(
            mask[0] ? powf(x[0], 5) : 0, mask[1] ? powf(x[1], 5) : 0,
            mask[2] ? powf(x[2], 5) : 0, mask[3] ? powf(x[3], 5) : 0
        )
    }

    /// `SHIrradianceTable.irradiance` for four unit directions, lane by lane, with the same
    /// products and sums in the same order.
    @inline(__always)
    static func shIrradiance(_ sh: SHIrradianceTable, _ x: Lanes, _ y: Lanes, _ z: Lanes) -> (x: Lanes, y: Lanes, z: Lanes) {
        let b4 = x * y, b5 = y * z, b6 = 3 * z * z - 1, b7 = x * z, b8 = x * x - y * y
        @inline(__always) func channel(_ c: (SIMD3<Float>) -> Float) -> Lanes {
            var e = Lanes(repeating: c(sh.c0))
            e += c(sh.c1) * y
            e += c(sh.c2) * z
            e += c(sh.c3) * x
            e += c(sh.c4) * b4
            e += c(sh.c5) * b5
            e += c(sh.c6) * b6
            e += c(sh.c7) * b7
            e += c(sh.c8) * b8
            // `simdMax(e, 0)`: Float.maximum(e, 0) is e where e > 0, else +0.
            return Lanes(repeating: 0).replacing(with: e, where: e .> 0)
        }
        return (channel { $0.x }, channel { $0.y }, channel { $0.z })
    }
}
