import Foundation

/// Glimpses of a block's camera rays in one shutter sub-frame, four rays to a packet, for the
/// motion-blur comparison (`SceneLitFrameKernel.sees`) where the block has no shared glimpse but
/// no primitive can meet its rays (`CameraBlockCulling.mask` empty): each ray meets the ground or
/// nothing, so its glimpse is the ground, lit unless its shadow ray is stopped, or the sky with
/// the sun-disc test. The direction, the ground test and the disc test run lane-wise with the
/// one-ray code's operations in its order; the shadow rays are the one-ray code's
/// (`sunBlocked`, same origin and mask), one per lane. A glimpse equals `expected` exactly when
/// `sees(expected, …)` is true for that ray, so comparing with these changes no pixel.
enum GlimpsePacket {
    typealias Lanes = SIMD4<Float>

    /// Writes the glimpse of every camera ray through pixels `columns` of row `y` of sub-frame `k`
    /// to `out[(x − columns.lowerBound) * offsets.count + j]`, and returns true; returns false
    /// (leaving `out` partly written) if a ray meets the ground from below, whose normal `sees`
    /// turns round: the caller then asks `sees` ray by ray.
    static func glimpses(
        _ kernel: SceneLitFrameKernel, subFrame k: Int, sunMask: UInt64, columns: Range<Int>, row y: Int,
        offsets: UnsafeBufferPointer<SIMD2<Float>>, invW: Float, invH: Float,
        into out: UnsafeMutablePointer<SceneLitFrameKernel.Glimpse>
    ) -> Bool {
        let sub = kernel.subFrames[k], prims = kernel.primitives(of: k)
        let samples = offsets.count, count = columns.count * samples
        let o = sub.origin, sun = kernel.sunDirection
        // `sees` on a ground hit: n = (0, 1, 0) facing the ray, n·sun, then the shadow ray.
        let normal = SIMD3<Float>(0, 1, 0)
        let nl = (normal * sun).sum()
        let canLight = nl > 0 && kernel.hasSun
        let shadows = canLight && sunMask & CameraBlockCulling.all(kernel.primitiveCount) != 0
        let groundHeightLessOrigin = kernel.groundHeight - o.y
        let nx = Lanes(repeating: normal.x), ny = Lanes(repeating: normal.y), nz = Lanes(repeating: normal.z)
        var start = 0
        while start < count {
            let (dx, dy, dz) = GroundPacket.directionLanes(sub, start: start, count: count, firstColumn: columns.lowerBound, row: y, offsets: offsets, invW: invW, invH: invH)
            // `SceneGeometry.nearest` with an empty mask: the ground plane, t in (epsilon, ∞).
            let t = groundHeightLessOrigin / dy
            let meets = kernel.groundEnabled ? (dy .!= 0) .& (t .> SceneGeometry.epsilon) .& (t .< .infinity) : SIMDMask(repeating: false)
            let nd = dx * nx + dy * ny + dz * nz
            if any(meets .& (nd .> 0)) { return false }
            let inDisc = (dx * sun.x + dy * sun.y + dz * sun.z) .>= kernel.sunCosRadius
            for i in 0..<min(4, count - start) {
                guard meets[i] else {
                    out[start + i] = SceneLitFrameKernel.Glimpse(hit: -2, lit: inDisc[i])
                    continue
                }
                var lit = canLight
                if shadows {
                    let p = o + SIMD3(dx[i], dy[i], dz[i]) * t[i]
                    lit = !kernel.sunBlocked(prims, mask: sunMask, p + normal * 1e-3)
                }
                out[start + i] = SceneLitFrameKernel.Glimpse(hit: -1, lit: lit)
            }
            start += 4
        }
        return true
    }
}
