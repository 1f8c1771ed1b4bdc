import Foundation

/// Light through glass for shadow rays: what a shadow ray stopped by something still carries
/// when all that stops it is dielectric. A plain value (two buffer views) so the light loop can
/// take it without allocating; `SceneLitFrameKernel` makes one per frame's sub-frame primitives.
struct GlassShadow {
    let prims: UnsafeBufferPointer<Primitive>
    let surfaces: UnsafeBufferPointer<SceneSurface>

    /// Share of light, per channel, that a shadow ray from `o` along unit `d` carries past what it
    /// meets before `tMax` (ground excluded, as for every shadow ray): nothing once it meets an
    /// opaque primitive; through a dielectric, its transmission, its tint once and the Fresnel
    /// transmittance 1 − R where the ray enters and where it leaves. The shadow ray stays straight
    /// (no refraction, so no caustics), R at each interface is that of light arriving from outside
    /// at the ray's angle to it (Stokes: the same both ways), and light reflected back and forth
    /// inside the object is not counted: a slab of n = 1.5 at normal incidence passes (1 − 0.04)²
    /// = 92.16 % where the series of internal reflections would give (1 − R)/(1 + R) = 92.31 %.
    /// Called only for a shadow ray something stopped, in a scene with a dielectric. Bit i of
    /// `only` clear (i < 64): primitive i cannot meet the ray before `tMax` (a light's
    /// `ShadowBlockers` mask), so it is skipped; the product keeps its order, so its bits.
    @inline(never)
    func pass(_ o: SIMD3<Float>, _ d: SIMD3<Float>, tMax: Float = .infinity, only: UInt64 = .max) -> SIMD3<Float> {
        var pass = SIMD3<Float>(repeating: 1)
        for i in 0..<prims.count {
            guard i >= 64 || only & (UInt64(1) << UInt64(i)) != 0 else { continue }
            let prim = prims[i]
            guard SceneGeometry.mayHit(prim, o, d, tMax), let (t, normal) = SceneGeometry.hit(prim, o, d, tMax) else { continue }
            let surface = surfaces[prim.surface]
            guard surface.transmission > 0 else { return .zero }
            var share = surface.tint * surface.transmission
            var cosLeave = (normal * d).sum()
            if cosLeave < 0 {
                // Entering here; the object is convex, so the ray leaves at its next hit.
                share *= Self.fresnelPass(cos: -cosLeave, ior: surface.ior)
                let inside = o + d * (t + 1e-3)
                cosLeave = SceneGeometry.hit(prim, inside, d, .infinity).map { ($0.1 * d).sum() } ?? 1
            }
            pass *= share * Self.fresnelPass(cos: cosLeave, ior: surface.ior)
        }
        return pass
    }

    /// 1 − R for light meeting a smooth dielectric of index `ior` from air at angle acos(`cos`).
    @inline(__always)
    static func fresnelPass(cos: Float, ior: Float) -> Float {
        let cosI = min(max(cos, 0), 1), eta = 1 / ior
        let cosT = (1 - eta * eta * (1 - cosI * cosI)).squareRoot()
        return 1 - DielectricFresnel.reflectance(cosI: cosI, cosT: cosT, eta: eta)
    }
}
