import Foundation

/// Glossy reflections of the scene (`reflections: traced`): a semi-polished surface reflects
/// what `glossyRays` directions drawn from its GGX lobe meet, so a waxed floor shows a blurred
/// window and lamp instead of only its own gathered light.
extension SceneLitFrameKernel {
    /// GGX rays per camera hit on a glossy surface. Each costs a ray and its shadow rays; the
    /// residual noise is fixed to the ray (hash-rotated lattice), so a still shot does not crawl.
    static let glossyRays = 4
    /// Lobe rays per pixel when its camera samples share them (`glossy`): 16, half the 32 that
    /// four per sample cast at 8 samples per pixel, with the same error against a converged
    /// frame (Docs/performance.md, "Interior"); 8 showed as speckle where the lobe straddles
    /// the horizon of what it reflects (the ground outside the interior's window).
    static let sharedLobeRays = 16
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
        indirect: SIMD3<Float>, prims: UnsafeBufferPointer<Primitive>, pixel: UInt32, slot: Slot = Slot(index: 0, count: 1),
        lattice: UnsafeMutablePointer<GlossyLattice>? = nil
    ) -> SIMD3<Float> {
        if rough >= Self.glossyFadeEnd { return indirect / Float.pi }
        if rough < Self.mirrorRoughness {
            return reflected(p + n * 1e-3, d - n * (2 * (d * n).sum()), prims: prims, pixel: pixel)
        }
        let lobe = glossy(point: p, normal: n, view: -d, alpha: rough * rough, prims: prims, pixel: pixel, slot: slot, lattice: lattice)
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
    ///
    /// With several camera samples per pixel (`slot.count` > 1) the lattice is rotated by the
    /// pixel instead, and sample `slot.index` traces only its share of the lattice's rays (rays
    /// index, index + count, …), weighing them against the n·l of the whole lattice, which costs
    /// no ray: averaged over the pixel's samples that is the whole lattice's weighted mean again,
    /// over `sharedLobeRays` directions for the pixel (2 rays per sample at 8 samples, half the
    /// rays of four each). Its bias shrinks with the lattice, not with the rays per sample: on the
    /// interior it is 0.2 % in the frame's mean where four rays per sample were 1.4 % bright.
    /// That lattice's per-point terms are the same for each sample of the pixel on one surface:
    /// `lattice` (a thread's `GlossyLattice`) keeps them from one sample to the next.
    @inline(never)
    func glossy(
        point p: SIMD3<Float>, normal n: SIMD3<Float>, view v: SIMD3<Float>, alpha: Float,
        prims: UnsafeBufferPointer<Primitive>, pixel: UInt32, slot: Slot = Slot(index: 0, count: 1),
        lattice: UnsafeMutablePointer<GlossyLattice>? = nil
    ) -> SIMD3<Float> {
        let a2 = alpha * alpha
        // The radiosity solve's tangent frame, both tangents reversed (the lobe's lattice was
        // laid out in that orientation; reversing is exact, so the rays are unchanged).
        let (tangent, bitangent) = RadiositySolve.frame(n)
        let t = -tangent, b = -bitangent
        let shared = slot.count > 1
        let seed = shared ? PixelHash.hash(pixel, 0x6105, 0) : PixelHash.hash(v.x.bitPattern, v.y.bitPattern, v.z.bitPattern ^ pixel)
        let shift = SIMD2(PixelHash.unit(PixelHash.hash(seed, 5, 7)), PixelHash.unit(PixelHash.hash(seed, 6, 11)))
        // Shared: the pixel's lattice has `sharedLobeRays` points (at least one per sample).
        let taken = shared ? max(1, (Self.sharedLobeRays + slot.count - 1) / slot.count) : Self.glossyRays
        let points = shared ? taken * slot.count : Self.glossyRays
        // The pixel's lattice terms, held from its previous sample when it had the same one.
        let terms = shared ? lattice?.pointee.terms(seed: seed, points: points, shift: shift, a2: a2) : nil
        /// Lobe ray `i`, and its weight n·l (0: below the surface, not traced).
        @inline(__always) func ray(_ i: Int) -> (SIMD3<Float>, Float) {
            let c = terms?[i] ?? GlossyLattice.term(i, points: points, shift: shift, a2: a2)
            let h = t * c.x + b * c.y + n * c.z
            let vh = (v * h).sum()
            guard vh > 0 else { return (.zero, 0) }
            let l = h * (2 * vh) - v
            let nl = (n * l).sum()
            return nl > 0 ? (l, nl) : (.zero, 0)
        }
        var sum = SIMD3<Float>.zero, weights: Float = 0
        if shared {
            for i in 0..<points { weights += ray(i).1 }
            for m in 0..<taken {
                let (l, nl) = ray(slot.index + m * slot.count)
                guard nl > 0 else { continue }
                sum += reflected(p + n * 1e-3, l, prims: prims, pixel: pixel, emitters: false) * nl
            }
        } else {
            for i in 0..<Self.glossyRays {
                let (l, nl) = ray(i)
                guard nl > 0 else { continue }
                sum += reflected(p + n * 1e-3, l, prims: prims, pixel: pixel, emitters: false) * nl
                weights += nl
            }
        }
        // Every lobe direction below the surface (a grazing view): the mirror ray's side of it.
        guard weights > 0 else { return reflected(p + n * 1e-3, n * (2 * (v * n).sum()) - v, prims: prims, pixel: pixel, emitters: false) }
        guard shared else { return sum / weights }
        return sum * (Float(points) / Float(taken)) / weights
    }
}
