import Foundation

/// Image textures at camera hits: the image tiled over the surface's dominant-axis plane and
/// averaged over the pixel's footprint through its mip pyramid (`ImageTexture`).
extension SceneLitFrameKernel {
    /// A textured surface's albedo at a camera hit. The footprint is the larger of its two
    /// widths (isotropic filtering: a floor at grazing view blurs a little more along the view
    /// than a perfect anisotropic filter would, but never aliases).
    @inline(never)
    func textureAlbedo(
        _ surface: SceneSurface, point p: SIMD3<Float>, normal n: SIMD3<Float>, direction d: SIMD3<Float>, distance t: Float, subFrame k: Int
    ) -> SIMD3<Float> {
        let sub = subFrames[k]
        let (position, footprint) = CheckerTexture.planar(
            point: p, normal: n, direction: d, distance: t, stepX: sub.stepX, stepY: sub.stepY, filter: filterTextures
        )
        let q = position / surface.textureScale
        return textures[surface.textureIndex].sample(u: q.x, v: q.y, width: footprint.max() / surface.textureScale)
    }
}
