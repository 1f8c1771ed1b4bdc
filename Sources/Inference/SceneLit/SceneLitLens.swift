import Foundation
import ShotSpec

/// The camera's thin lens and sensor response: depth of field from the aperture, exposure, and
/// natural vignetting. A pinhole camera at exposure 0 without vignetting leaves every ray and
/// pixel exactly as before.
struct SceneLitLens: Sendable {
    /// Whether rays start across the aperture (an f-stop is set).
    let hasAperture: Bool
    /// Aperture radius in metres: focal length / (2 N).
    let apertureRadius: Float
    /// Whether pixels are scaled (exposure other than 0, or vignetting on).
    let hasGain: Bool
    let exposureGain: Float
    let vignetting: Bool

    init(_ camera: CameraSpec) {
        if let n = camera.fStop {
            hasAperture = true
            apertureRadius = Float(camera.focalLengthMM / 1000 / (2 * n))
        } else {
            hasAperture = false
            apertureRadius = 0
        }
        exposureGain = Float(pow(2, camera.exposure))
        vignetting = camera.vignetting
        hasGain = camera.exposure != 0 || camera.vignetting
    }

    /// A thin-lens ray for anti-aliasing sample `j` of `count`: from a point on the aperture
    /// through the point where the pinhole ray `d` meets the plane in focus. Aperture points are
    /// a stratified lattice on the disc (Shirley & Chiu's concentric map, "A Low Distortion Map
    /// Between Disk and Square", 1997), rotated per pixel by a hash of the pixel alone. Out of
    /// line: pinhole shots should not pay for it in the size of the pixel loop.
    @inline(never)
    func ray(_ sub: SceneLitFrameKernel.SubFrame, pinhole d: SIMD3<Float>, sample j: Int, of count: Int, pixel: UInt32) -> (SIMD3<Float>, SIMD3<Float>) {
        let shift = SIMD2(PixelHash.unit(PixelHash.hash(pixel, 0x1E45, 1)), PixelHash.unit(PixelHash.hash(pixel, 0x1E45, 2)))
        let disc = Self.concentric(SceneLight.lattice(j, count, shift: shift)) * apertureRadius
        let right = sub.right / (sub.right * sub.right).sum().squareRoot()
        let up = sub.up / (sub.up * sub.up).sum().squareRoot()
        let focus = sub.origin + d * (sub.focusDistance / max((d * sub.forward).sum(), 1e-6))
        let o = sub.origin + right * disc.x + up * disc.y
        var nd = focus - o
        nd /= (nd * nd).sum().squareRoot()
        return (o, nd)
    }

    /// Maps the unit square to the unit disc, keeping strata compact.
    @inline(__always)
    static func concentric(_ s: SIMD2<Float>) -> SIMD2<Float> {
        let a = 2 * s.x - 1, b = 2 * s.y - 1
        if a == 0 && b == 0 { return .zero }
        if abs(a) > abs(b) {
            let phi = Float.pi / 4 * (b / a)
            return SIMD2(a * cosf(phi), a * sinf(phi))
        }
        let phi = Float.pi / 2 - Float.pi / 4 * (a / b)
        return SIMD2(b * cosf(phi), b * sinf(phi))
    }

    /// Pixel gain: exposure, times cos⁴ θ of the pixel centre's ray `d` (unit) off the axis.
    @inline(__always)
    func gain(_ sub: SceneLitFrameKernel.SubFrame, pinhole d: SIMD3<Float>) -> Float {
        guard vignetting else { return exposureGain }
        let c = (d * sub.forward).sum()
        return exposureGain * (c * c) * (c * c)
    }
}
