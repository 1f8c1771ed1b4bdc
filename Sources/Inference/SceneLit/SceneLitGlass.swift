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

    /// What a shadow ray from `o` along unit `d` carries past the dielectrics that stop it
    /// (`GlassShadow.pass`), for the sun's shadow rays.
    @inline(never)
    func glassPass(_ prims: UnsafeBufferPointer<Primitive>, _ o: SIMD3<Float>, _ d: SIMD3<Float>) -> SIMD3<Float> {
        GlassShadow(prims: prims, surfaces: UnsafeBufferPointer(surfaces)).pass(o, d)
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
