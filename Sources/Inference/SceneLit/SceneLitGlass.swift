import Foundation

/// Glass and water: smooth dielectrics traced through the object. At every interface the ray
/// splits by the exact Fresnel equations; the branch leaving the object is looked up once (what
/// it meets: sky, a light, a surface's diffuse light, or another dielectric), and the branch
/// staying inside is followed, so a path through a sphere or box is a chain of at most
/// `maxInterfaces` interfaces, with no random choice: the same ray gives the same bits anywhere.
extension SceneLitFrameKernel {
    /// Interfaces followed per dielectric object; what is still inside after that is dropped.
    /// Through a clear sphere of n = 1.5 the power left after 8 is 0.04⁷ of the entry; boxes can
    /// trap rays by total internal reflection, and 8 keeps their cost bounded.
    static let maxInterfaces = 8
    /// Dielectrics seen through dielectrics (a glass behind a glass) before the next one is
    /// shaded as diffuse: bounds the work per pixel.
    static let maxDielectricDepth = 2

    /// Radiance along `d` from a dielectric surface hit at `p` (`hit.normal` outward). `depth`
    /// counts the dielectrics already passed through on the way here.
    @inline(never)
    func dielectric(
        _ hit: RayHit, point p: SIMD3<Float>, direction d: SIMD3<Float>, surface: SceneSurface,
        prims: UnsafeBufferPointer<Primitive>, pixel: UInt32, depth: Int = 0
    ) -> SIMD3<Float> {
        let prim = prims[hit.primitive]
        var inside = (hit.normal * d).sum() > 0
        var outward = hit.normal
        var point = p, dir = d
        var throughput = SIMD3<Float>(repeating: 1)
        var radiance = SIMD3<Float>.zero
        for _ in 0..<Self.maxInterfaces {
            // The normal facing the ray, and n₁ / n₂ across this interface.
            let n = inside ? -outward : outward
            let split = DielectricFresnel.split(dir, normal: n, eta: inside ? surface.ior : 1 / surface.ior)
            let transmitted = 1 - split.reflectance
            if inside {
                if transmitted > 0 {
                    radiance += throughput * transmitted * look(point - n * 1e-3, split.refracted, prims: prims, pixel: pixel, depth: depth)
                }
                throughput *= split.reflectance
                dir = split.reflected
                point += n * 1e-3
            } else {
                radiance += throughput * split.reflectance * look(point + n * 1e-3, split.reflected, prims: prims, pixel: pixel, depth: depth)
                throughput *= transmitted
                dir = split.refracted
                point -= n * 1e-3
                inside = true
            }
            guard throughput.max() > 1e-5 else { break }
            // The object is convex, so the next interface is where the ray leaves it.
            guard let (t, normal) = SceneGeometry.hit(prim, point, dir, .infinity) else { break }
            point += dir * t
            outward = normal
            throughput *= surface.tint
        }
        return radiance
    }

    /// Share of light, per channel, that a shadow ray from `o` along unit `d` carries past what it
    /// meets before `tMax` (ground excluded, as for every shadow ray): nothing once it meets an
    /// opaque primitive; through a dielectric, its transmission, its tint once and the Fresnel
    /// transmittance 1 − R where the ray enters and where it leaves. The shadow ray stays straight
    /// (no refraction, so no caustics), R at each interface is that of light arriving from outside
    /// at the ray's angle to it (Stokes: the same both ways), and light reflected back and forth
    /// inside the object is not counted: a slab of n = 1.5 at normal incidence passes (1 − 0.04)²
    /// = 92.16 % where the series of internal reflections would give (1 − R)/(1 + R) = 92.31 %.
    /// Called only for a shadow ray something stopped, in a scene with a dielectric.
    @inline(never)
    func glassPass(
        _ prims: UnsafeBufferPointer<Primitive>, _ o: SIMD3<Float>, _ d: SIMD3<Float>, tMax: Float = .infinity, staticOnly: Bool = false
    ) -> SIMD3<Float> {
        var pass = SIMD3<Float>(repeating: 1)
        for i in 0..<prims.count where !staticOnly || prims[i].isStatic {
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

    /// What a ray leaving a dielectric sees: a light's emitter, the sky and sun disc, another
    /// dielectric (traced in turn, up to `maxDielectricDepth`), or a surface's diffuse light.
    @inline(__always)
    func look(_ o: SIMD3<Float>, _ d: SIMD3<Float>, prims: UnsafeBufferPointer<Primitive>, pixel: UInt32, depth: Int) -> SIMD3<Float> {
        let nearest = SceneGeometry.nearest(prims, groundEnabled: groundEnabled, groundHeight: groundHeight, o, d)
        if lightCount > 0, let emitted = visibleLight(o, d, before: nearest?.t ?? .infinity) { return emitted }
        guard let hit = nearest else {
            var seen = Glimpse(hit: -2, lit: false)
            return sky(d, glimpse: &seen)
        }
        if hit.primitive >= 0, depth + 1 < Self.maxDielectricDepth {
            let surface = surfaces[prims[hit.primitive].surface]
            if surface.transmission > 0 {
                let glass = dielectric(hit, point: o + d * hit.t, direction: d, surface: surface, prims: prims, pixel: pixel, depth: depth + 1)
                guard surface.transmission < 1 else { return glass }
                // `reflected` already weighs the diffuse part by 1 − transmission (meanAlbedo).
                return glass * surface.transmission + reflected(o, d, prims: prims, pixel: pixel)
            }
        }
        return reflected(o, d, prims: prims, pixel: pixel)
    }
}
