import Foundation

/// Glossy reflections of the scene (`reflections: traced`): a semi-polished surface reflects
/// what `glossyRays` directions drawn from its GGX lobe meet, so a waxed floor shows a blurred
/// window and lamp instead of only its own gathered light.
extension SceneLitFrameKernel {
    /// GGX rays per camera hit on a glossy surface. Each costs a ray and its shadow rays; the
    /// residual noise is fixed to the ray (hash-rotated lattice), so a still shot does not crawl.
    static let glossyRays = 4
    /// Below this roughness the lobe is under about a degree wide: one mirror ray shows it.
    static let mirrorRoughness: Float = 0.1
    /// From `glossyFadeStart` to `glossyFadeEnd` the traced lobe fades into the point's own
    /// gathered light / π (a lobe that wide sees what the surface's hemisphere sees), keeping
    /// rough walls cheap and free of speckle.
    static let glossyFadeStart: Float = 0.3
    static let glossyFadeEnd: Float = 0.5

    /// What the traced-reflection path puts in place of the environment map, per unit of Fresnel
    /// reflectance, at a hit `p` with normal `n` facing the viewer along `v` = −`d`.
    @inline(never)
    func tracedEnvironment(
        point p: SIMD3<Float>, normal n: SIMD3<Float>, direction d: SIMD3<Float>, roughness rough: Float,
        indirect: SIMD3<Float>, prims: UnsafeBufferPointer<Primitive>, pixel: UInt32
    ) -> SIMD3<Float> {
        if rough >= Self.glossyFadeEnd { return indirect / Float.pi }
        if rough < Self.mirrorRoughness {
            return reflected(p + n * 1e-3, d - n * (2 * (d * n).sum()), prims: prims, pixel: pixel)
        }
        let lobe = glossy(point: p, normal: n, view: -d, alpha: rough * rough, prims: prims, pixel: pixel)
        let fade = min(max((rough - Self.glossyFadeStart) / (Self.glossyFadeEnd - Self.glossyFadeStart), 0), 1)
        return lobe * (1 - fade) + indirect * (fade / Float.pi)
    }

    /// The GGX-weighted radiance around the mirror direction, Fresnel aside: microfacet normals h
    /// drawn from the Trowbridge–Reitz distribution D(h)(n·h) (Walter et al., "Microfacet Models
    /// for Refraction through Rough Surfaces", EGSR 2007, eq. 35–36: φ = 2πu₁,
    /// cos²θ = (1 − u₂) / (1 + (α² − 1) u₂)), mirrored to l = 2(v·h)h − v, and averaged with
    /// weights n·l: the prefiltered radiance of the split-sum approximation (Karis, "Real Shading
    /// in Unreal Engine 4", SIGGRAPH 2013 course notes). Being a weighted mean it neither adds
    /// nor loses light: with four rays a plain Monte Carlo estimate loses a quarter of it whenever
    /// one falls below the surface, which reads as speckle; the energy is the Fresnel term's.
    /// Lights' emitters are left to the analytic highlights (`lampLight`), so they are not
    /// counted twice. The 2D points are a golden-ratio lattice rotated by a hash of the ray, so
    /// the pattern depends on the ray alone, never on a thread or chunk.
    @inline(never)
    func glossy(
        point p: SIMD3<Float>, normal n: SIMD3<Float>, view v: SIMD3<Float>, alpha: Float,
        prims: UnsafeBufferPointer<Primitive>, pixel: UInt32
    ) -> SIMD3<Float> {
        let a2 = alpha * alpha
        // The radiosity solve's tangent frame, both tangents reversed (the lobe's lattice was
        // laid out in that orientation; reversing is exact, so the rays are unchanged).
        let (tangent, bitangent) = RadiositySolve.frame(n)
        let t = -tangent, b = -bitangent
        let seed = PixelHash.hash(v.x.bitPattern, v.y.bitPattern, v.z.bitPattern ^ pixel)
        let shift = SIMD2(PixelHash.unit(PixelHash.hash(seed, 5, 7)), PixelHash.unit(PixelHash.hash(seed, 6, 11)))
        var sum = SIMD3<Float>.zero, weights: Float = 0
        for i in 0..<Self.glossyRays {
            let u = SceneLight.lattice(i, Self.glossyRays, shift: shift)
            let phi = 2 * Float.pi * u.x
            let cos2 = (1 - u.y) / (1 + (a2 - 1) * u.y)
            let cosH = cos2.squareRoot(), sinH = max(0, 1 - cos2).squareRoot()
            let h = t * (sinH * cosf(phi)) + b * (sinH * sinf(phi)) + n * cosH
            let vh = (v * h).sum()
            guard vh > 0 else { continue }
            let l = h * (2 * vh) - v
            let nl = (n * l).sum()
            guard nl > 0 else { continue }
            sum += reflected(p + n * 1e-3, l, prims: prims, pixel: pixel, emitters: false) * nl
            weights += nl
        }
        // Every lobe direction below the surface (a grazing view): the mirror ray's side of it.
        guard weights > 0 else { return reflected(p + n * 1e-3, n * (2 * (v * n).sum()) - v, prims: prims, pixel: pixel, emitters: false) }
        return sum / weights
    }
}
