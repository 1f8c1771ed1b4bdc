import Foundation

/// Which primitives the pinhole camera rays through a block of pixels can possibly hit, as a bit
/// mask (bit i: primitive i). Primary rays then test only those: in an open-air shot most blocks
/// see sky or ground alone, and testing every primitive per ray was a large share of a frame.
///
/// The test is conservative, so it never changes a pixel: the rays of a block lie inside the cone
/// around the block's corner directions (a cone meets the image plane in a convex region, so the
/// widest angle over the rectangle is at a corner), and a ray can only hit a primitive whose
/// bounding sphere — inflated past rounding error, as `SceneGeometry.mayHit` does — it enters.
/// Culled primitives are ones `SceneGeometry.hit` would reject for every ray of the block, so the
/// nearest hit over the rest, taken in the same index order, is the same hit.
enum CameraBlockCulling {
    /// Primitives a mask can name; scenes with more are not culled.
    static let maxPrimitives = 64

    /// Extra angle (radians) on both cones: float direction errors are about 1e-6.
    static let angleMargin = 1e-3

    /// Every primitive of a scene with `count` of them (count ≤ `maxPrimitives`).
    @inline(__always)
    static func all(_ count: Int) -> UInt64 {
        count >= 64 ? ~0 : (UInt64(1) << UInt64(count)) &- 1
    }

    /// The mask for sub-frame `sub`'s rays through pixels `columns` × `rows` (any sample offset
    /// inside each pixel), where the renderer maps pixel (x, y) to forward + right·sx + up·sy with
    /// sx = x·invW − 1 and sy = 1 − y·invH.
    ///
    /// With `aperture` > 0 the rays are the thin lens's (`SceneLitLens.ray`): from a point of the
    /// aperture disc of that radius through the point where the pinhole ray meets the plane in
    /// focus. Each primitive is then widened by how far such a ray can stray from the pinhole
    /// ray through the same pixel point (`LensReach`), so the pinhole pyramid's test still
    /// covers every lens ray.
    static func mask(
        _ sub: SceneLitFrameKernel.SubFrame, prims: UnsafeBufferPointer<Primitive>,
        columns: Range<Int>, rows: Range<Int>, invW: Float, invH: Float, aperture: Float = 0
    ) -> UInt64 {
        let count = prims.count
        guard count > 0 else { return 0 }
        precondition(count <= maxPrimitives, "block culling names at most \(maxPrimitives) primitives")
        let corners = self.corners(sub, columns: columns, rows: rows, invW: invW, invH: invH)
        let (axis, cone) = self.cone(corners)
        guard cone.isFinite, cone < Double.pi / 2 else { return all(count) }
        let origin = SIMD3<Double>(sub.origin)
        let sides = self.sides(corners, axis: axis)
        let lens = aperture > 0 ? LensReach(sub, corners: corners, aperture: aperture) : nil
        if aperture > 0, lens == nil { return all(count) }
        var mask: UInt64 = 0
        for i in 0..<count {
            let p = prims[i]
            let v = SIMD3<Double>(p.center) - origin
            let distance = (v * v).sum().squareRoot()
            // Widening by 0 adds nothing: the pinhole mask's numbers are unchanged.
            let ball = bound(p)
            let widen = lens?.spread(distance: distance, radius: ball) ?? 0
            let radius = ball + widen
            guard distance > radius * 1.01 + 1e-3 else {
                mask |= UInt64(1) << UInt64(i)
                continue
            }
            let off = acos(max(-1, min(1, (v * axis).sum() / distance)))
            let spread = asin(min(1, radius / distance))
            guard off <= cone + spread + angleMargin else { continue }
            // The ball around a column or a flat box is far wider than the primitive: its box
            // must also reach inside every side of the block's pyramid, with the same angular
            // margin (times the farthest distance a hit on it can lie at).
            let e = extent(p) + SIMD3(repeating: widen)
            let slack = angleMargin * (distance + (e * e).sum().squareRoot()) + 1e-3
            if sides.allSatisfy({ n in (n * v).sum() + (magnitude(n) * e).sum() >= -slack }) { mask |= UInt64(1) << UInt64(i) }
        }
        return mask
    }

    /// Inward unit normals of the four side planes of the pyramid the block's rays fill (apex at
    /// the camera, edges along the corner rays, in `corners`' order: (x0, y0), (x0, y1), (x1, y0),
    /// (x1, y1)). Every ray of the block, a positive mix of the corner rays, lies on the inner side
    /// of all four.
    static func sides(_ corners: [SIMD3<Double>], axis: SIMD3<Double>) -> [SIMD3<Double>] {
        let ring = [corners[0], corners[1], corners[3], corners[2]]
        return (0..<4).map { i in
            var n = normalize(cross(ring[i], ring[(i + 1) % 4]))
            if (n * axis).sum() < 0 { n = -n }
            return n
        }
    }

    /// Each component's absolute value.
    static func magnitude(_ v: SIMD3<Double>) -> SIMD3<Double> { SIMD3(abs(v.x), abs(v.y), abs(v.z)) }

    /// Half extents of a box around the primitive, inflated as `bound` inflates its ball.
    static func extent(_ p: Primitive) -> SIMD3<Double> {
        let h = SIMD3<Double>(p.half)
        let box = p.kind == .cylinder ? SIMD3(h.x, h.y, h.x) : (p.kind == .sphere ? SIMD3(repeating: h.x) : h)
        return box * 1.01 + SIMD3(repeating: 1e-3)
    }

    /// Which primitives can shadow the sun (unit direction `sun`) at the points where sub-frame
    /// `sub`'s camera rays through the block meet the ground or a primitive of `primary` (the
    /// block's `mask`). Those points lie in a box: the ground quadrilateral under the block's
    /// corner rays, and the bounding balls of the primitives the rays may hit. A shadow ray from
    /// the box towards the sun can only enter a ball that overlaps the box seen along the sun
    /// and does not lie wholly behind it. A block whose rays reach the horizon cannot be
    /// bounded that way, and keeps every primitive.
    static func sunMask(
        _ sub: SceneLitFrameKernel.SubFrame, prims: UnsafeBufferPointer<Primitive>, primary: UInt64,
        groundEnabled: Bool, groundHeight: Float, sun: SIMD3<Float>,
        columns: Range<Int>, rows: Range<Int>, invW: Float, invH: Float
    ) -> UInt64 {
        let count = prims.count
        guard count > 0 else { return 0 }
        precondition(count <= maxPrimitives, "block culling names at most \(maxPrimitives) primitives")
        var lo = SIMD3<Double>(repeating: .infinity), hi = SIMD3<Double>(repeating: -.infinity)
        if groundEnabled {
            let origin = SIMD3<Double>(sub.origin)
            let height = Double(groundHeight)
            // Rays close to level meet the ground far away and with a large rounding error.
            guard origin.y > height else { return all(count) }
            var farthest = 0.0
            for c in corners(sub, columns: columns, rows: rows, invW: invW, invH: invH) {
                guard c.y < -0.01 else { return all(count) }
                let t = (height - origin.y) / c.y
                farthest = max(farthest, t)
                lo = pointwiseMin(lo, origin + c * t)
                hi = pointwiseMax(hi, origin + c * t)
            }
            // The shadow ray starts 1e-3 off the surface; float hit points stray by about t·1e-6.
            let margin = 0.02 + 1e-3 * farthest
            lo -= SIMD3(repeating: margin)
            hi += SIMD3(repeating: margin)
        }
        var rest = primary
        while rest != 0 {
            let i = rest.trailingZeroBitCount
            rest &= rest &- 1
            // A hit on the primitive lies in its (inflated) box, which the ball contains.
            let c = SIMD3<Double>(prims[i].center), r = extent(prims[i]) + 0.02
            lo = pointwiseMin(lo, c - r)
            hi = pointwiseMax(hi, c + r)
        }
        guard lo.x <= hi.x else { return 0 }
        let s = normalize(SIMD3<Double>(sun))
        // Two unit axes across the sun's direction.
        var e1 = cross(s, abs(s.y) < 0.9 ? SIMD3(0, 1, 0) : SIMD3(1, 0, 0))
        e1 = normalize(e1)
        let e2 = cross(s, e1)
        var min1 = Double.infinity, max1 = -Double.infinity, min2 = Double.infinity, max2 = -Double.infinity
        var minS = Double.infinity
        for corner in 0..<8 {
            let p = SIMD3(corner & 1 == 0 ? lo.x : hi.x, corner & 2 == 0 ? lo.y : hi.y, corner & 4 == 0 ? lo.z : hi.z)
            let a = (p * e1).sum(), b = (p * e2).sum()
            min1 = min(min1, a); max1 = max(max1, a)
            min2 = min(min2, b); max2 = max(max2, b)
            minS = min(minS, (p * s).sum())
        }
        let m = 1e-3
        var mask: UInt64 = 0
        for i in 0..<count {
            // Half the primitive's width along each axis: its ball's radius, or its box's
            // projection where that is narrower (a column seen along a low sun).
            let c = SIMD3<Double>(prims[i].center), r = bound(prims[i]), e = extent(prims[i])
            let r1 = min(r, (magnitude(e1) * e).sum()), r2 = min(r, (magnitude(e2) * e).sum()), rS = min(r, (magnitude(s) * e).sum())
            let a = (c * e1).sum(), b = (c * e2).sum()
            let apart = a + r1 < min1 - m || a - r1 > max1 + m || b + r2 < min2 - m || b - r2 > max2 + m
            let behind = (c * s).sum() + rS < minS - m
            if !(apart || behind) { mask |= UInt64(1) << UInt64(i) }
        }
        return mask
    }

    /// A ball around the primitive: a sphere's own radius, a box's half diagonal, a cylinder's
    /// corner distance, inflated as `SceneGeometry.mayHit` inflates it.
    static func bound(_ p: Primitive) -> Double {
        let h = SIMD3<Double>(p.half)
        let extent: Double
        switch p.kind {
        case .sphere: extent = h.x
        case .box: extent = (h * h).sum().squareRoot()
        case .cylinder: extent = (h.x * h.x + h.y * h.y).squareRoot()
        }
        return extent * 1.01 + 1e-3
    }

    /// The axis of the block's rays (unit) and the widest angle between it and any of them, with
    /// `angleMargin` added: every ray through the block lies within that angle of the axis.
    static func cone(_ corners: [SIMD3<Double>]) -> (axis: SIMD3<Double>, angle: Double) {
        let axis = normalize(corners.reduce(SIMD3<Double>.zero, +))
        var coneCos = 1.0
        for c in corners { coneCos = min(coneCos, (c * axis).sum()) }
        return (axis, acos(max(-1, min(1, coneCos))) + angleMargin)
    }

    /// Unit directions of the block's four corner rays.
    static func corners(
        _ sub: SceneLitFrameKernel.SubFrame, columns: Range<Int>, rows: Range<Int>, invW: Float, invH: Float
    ) -> [SIMD3<Double>] {
        let forward = SIMD3<Double>(sub.forward), right = SIMD3<Double>(sub.right), up = SIMD3<Double>(sub.up)
        let xs = [Double(columns.lowerBound) * Double(invW) - 1, Double(columns.upperBound) * Double(invW) - 1]
        let ys = [1 - Double(rows.lowerBound) * Double(invH), 1 - Double(rows.upperBound) * Double(invH)]
        return xs.flatMap { sx in ys.map { sy in normalize(forward + right * sx + up * sy) } }
    }

    /// How far the thin lens's rays through a block stray from its pinhole rays. A lens ray
    /// leaves aperture point a (|a| ≤ R from the pinhole) towards f, where the pinhole ray
    /// through the same pixel point meets the plane in focus, so its point a + s (f − a) lies
    /// |1 − s| |a| ≤ |1 − s| R from the pinhole ray's point s f. Inside a ball of radius r at
    /// distance D from the pinhole, |s f| = s L (L = |f|, between `nearFocus` and `farFocus`
    /// over the block) is within D ± (r + |1 − s| R), which bounds s; the widest stray over that
    /// range of s is what the ball (and box) is widened by.
    struct LensReach {
        /// Aperture radius, grown past the rounding of the disc's float lattice.
        let radius: Double
        /// Least and largest distance from the pinhole to the plane in focus along the block's rays.
        let nearFocus: Double
        let farFocus: Double

        /// nil when the bounds do not hold (a plane in focus inside the aperture's reach, or
        /// rays near 90° off the axis): the caller keeps every primitive.
        init?(_ sub: SceneLitFrameKernel.SubFrame, corners: [SIMD3<Double>], aperture: Float) {
            // `SceneLitLens.ray`: f = origin + d · focusDistance / max(d · forward, 1e-6), d unit.
            let forward = SIMD3<Double>(sub.forward)
            let length = (forward * forward).sum().squareRoot()
            // d · forward over the block is least at a corner (the image plane's farthest point
            // from the axis); the margins cover float directions (about 1e-6).
            var least = Double.infinity
            for c in corners { least = min(least, (c * forward).sum()) }
            least -= 1e-4
            let focus = Double(sub.focusDistance)
            radius = Double(aperture) * 1.001 + 1e-6
            nearFocus = focus / (length + 1e-4)
            guard least > 0.01, focus.isFinite, nearFocus > 2 * radius else { return nil }
            farFocus = focus / least
        }

        /// The widening for a ball of `radius` r whose centre is `distance` from the pinhole.
        @inline(__always)
        func spread(distance: Double, radius r: Double) -> Double {
            // s ≥ 1: s L ≤ D + r + (s − 1) R, so s ≤ (D + r − R) / (L − R) ≤ (D + r) / (L_near − R).
            let far = max(1, (distance + r) / (nearFocus - radius))
            // s ≤ 1: s L ≥ D − r − (1 − s) R, so s ≥ (D − r − R) / (L − R) ≥ that over L_far.
            let near = min(1, max(0, (distance - r - radius) / (farFocus - radius)))
            return radius * max(far - 1, 1 - near) * 1.001 + 1e-3
        }
    }
}
