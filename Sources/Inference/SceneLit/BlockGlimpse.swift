import Foundation

/// The one glimpse every pinhole camera ray of a block shares in a shutter sub-frame, when the
/// block's bounds prove it without tracing: open ground that nothing can shade, or sky away from
/// the sun's disc. Motion blur compares each pixel's mid-shutter glimpses with the other
/// sub-frames' (`SceneLitFrameKernel.sees`); where a block has a uniform glimpse that comparison
/// needs no ray, and a sky block's rays go straight to the sky lookup.
///
/// Like `CameraBlockCulling`, the test is conservative, so it never changes a pixel: it answers
/// only when every ray `sees` would cast (any sample offset inside the block's pixels) meets the
/// same thing with the same sun test, and nil otherwise.
enum BlockGlimpse {
    /// Directions within this of level (as the y of a unit vector) are left to the per-ray test:
    /// near the horizon the ground is met far away with a large rounding error.
    static let levelMargin = 0.01

    /// Height (m) the camera must stand above the ground: below it the ground's t could fall
    /// under `SceneGeometry.epsilon`.
    static let heightMargin = 1e-3

    /// The glimpse of every camera ray of sub-frame `sub` through pixels `columns` × `rows`, given
    /// the block's `CameraBlockCulling.mask` (`primary`) and `sunMask`, or nil when rays of the
    /// block may glimpse different things. `sunCosRadius` is the cosine of the sun disc's angular
    /// radius, as `SceneLitFrameKernel.sky` tests it.
    static func uniform(
        _ sub: SceneLitFrameKernel.SubFrame, primary: UInt64, sunMask: UInt64,
        groundEnabled: Bool, groundHeight: Float, sun: SIMD3<Float>, hasSun: Bool, sunCosRadius: Float,
        columns: Range<Int>, rows: Range<Int>, invW: Float, invH: Float
    ) -> SceneLitFrameKernel.Glimpse? {
        // A primitive some ray may hit, or a block with no rays.
        guard primary == 0, !columns.isEmpty, !rows.isEmpty else { return nil }
        let corners = CameraBlockCulling.corners(sub, columns: columns, rows: rows, invW: invW, invH: invH)
        if groundEnabled {
            // Below (or almost at) the ground level rays up may meet it too.
            guard Double(sub.origin.y) - Double(groundHeight) > heightMargin else { return nil }
            // A ray's y is linear over the image rectangle, so its extremes are at the corners.
            if corners.allSatisfy({ $0.y < -levelMargin }) {
                // Every ray meets the ground (t ≥ the camera's height > epsilon) and nothing else;
                // the normal faces up and n·sun is what `sees` computes from the same numbers.
                let nl = (SIMD3<Float>(0, 1, 0) * sun).sum()
                guard nl > 0, hasSun else { return .init(hit: -1, lit: false) }
                // Something may shade part of the block.
                guard sunMask == 0 else { return nil }
                return .init(hit: -1, lit: true)
            }
            // Rays that straddle the horizon meet ground or sky.
            guard corners.allSatisfy({ $0.y > levelMargin }) else { return nil }
        }
        // Sky: uniform when no ray of the block passes the disc test d·sun ≥ cos(radius). A ray
        // lies within `cone` of the axis (float errors in its direction are about 1e-6 rad, well
        // inside the cone's margin), so its angle to the sun is at least `closest`; the test's
        // own rounding (a few 1e-8) and a sun vector a little off unit length are covered by
        // asking d·sun to stay 1e-5 below the threshold.
        let (axis, cone) = CameraBlockCulling.cone(corners)
        let s = SIMD3<Double>(sun)
        let length = (s * s).sum().squareRoot()
        guard cone.isFinite, length > 0 else { return nil }
        let closest = acos(max(-1, min(1, (axis * s).sum() / length))) - cone
        guard closest > 0, length * cos(min(closest, Double.pi)) < Double(sunCosRadius) - 1e-5 else { return nil }
        return .init(hit: -2, lit: false)
    }
}
