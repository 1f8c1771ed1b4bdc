import Foundation

/// One frame's scene flattened into raw buffers for the pixel loop: every lookup per ray is a
/// pointer read, with no reference counting, array copies or nested arrays. It borrows the
/// renderer's storage and owns only the buffers it allocates; `deallocate()` frees those.
///
/// The shading arithmetic is the renderer's, expression for expression, so flattening changes
/// no pixel value.
struct SceneLitFrameKernel {
    /// Camera of one shutter sub-frame and where its primitives start in `primitives`.
    struct SubFrame {
        var origin: SIMD3<Float>
        var forward: SIMD3<Float>
        var right: SIMD3<Float>
        var up: SIMD3<Float>
        var firstPrimitive: Int
        /// Distance to the plane in focus (used only with an aperture).
        var focusDistance: Float
        /// Change of the (unnormalised) ray direction per pixel, across and down: the footprint
        /// a texture is filtered over.
        var stepX: SIMD3<Float>
        var stepY: SIMD3<Float>
    }

    /// A radiosity grid without the artifact's arrays.
    struct Grid {
        var offset: Int
        var nu: Int
        var nv: Int
        var originX: Float
        var originZ: Float
        var size: Float
    }

    let subFrames: UnsafeMutableBufferPointer<SubFrame>
    /// The primitives of every sub-frame, `primitiveCount` each, back to back.
    let primitives: UnsafeMutableBufferPointer<Primitive>
    let primitiveCount: Int
    /// `primitives`' boxes for the lights' shadow rays (`ShadowBlockers.Box`), same layout.
    let boxes: UnsafeMutableBufferPointer<ShadowBlockers.Box>
    let groundEnabled: Bool
    let groundHeight: Float
    let surfaces: UnsafeMutableBufferPointer<SceneSurface>
    /// Per surface, the lean path's terms that do not depend on the hit (same index as `surfaces`).
    let shading: UnsafeMutableBufferPointer<SurfaceShading>
    let grids: UnsafeMutableBufferPointer<Grid>
    /// Grid index per (primitive, face) at `6 * primitive + face`, or −1.
    let gridOf: UnsafeMutableBufferPointer<Int>
    let groundGrid: Int
    let irradiance: UnsafeBufferPointer<Float>
    let sh: SHIrradianceTable
    let reflection: LatLongMap.Sampler
    let background: LatLongMap.Sampler
    let sunDirection: SIMD3<Float>
    let sunIrradiance: SIMD3<Float>
    let hasSun: Bool
    let sunDiscRadiance: SIMD3<Float>
    let sunCosRadius: Float
    /// The scene's lights (`lightCount` of them; the buffer holds at least one slot).
    let lights: UnsafeMutableBufferPointer<SceneLight>
    let lightCount: Int
    /// Lights with something moving in the frame: a static surface's lamp shadows may change
    /// within the shutter, so motion blur cannot reuse one shading for every sub-frame.
    let lightsSeeMotion: Bool
    /// Mirror reflections traced into the scene (`reflections: traced`) instead of read from the
    /// environment map, so a metal ball in a room shows the room, not the sky outside it.
    let tracedReflections: Bool
    /// Box-filter checkerboards over the pixel footprint (`texture_filter: box`).
    let filterTextures: Bool
    /// Some surface has a checkerboard or an image texture.
    let hasTextures: Bool
    /// The scene's image textures (`SceneSurface.textureIndex`), read only on textured hits.
    let textures: [ImageTexture]
    /// Some surface lets light through (glass, water: SceneLitGlass.swift).
    let hasDielectrics: Bool
    /// Whether this frame needs `shadeExtended` (lights, checkerboards, traced reflections or glass);
    /// the pixel loop calls the lean `shade` otherwise.
    let extended: Bool
    /// Camera samples per pixel (`samples`): area-light and glossy rays are shared among them.
    let pixelSamples: Int

    /// Flattens `subFrames`; `irradiance`, `reflection` and `background` point into storage the
    /// caller keeps alive until `deallocate()`.
    init(
        renderer r: SceneLitRenderer, subFrames instants: [SceneLitRenderer.Instant], irradiance: UnsafeBufferPointer<Float>,
        reflection: LatLongMap.Sampler, background: LatLongMap.Sampler
    ) {
        let count = r.scene.geometry.primitives.count
        primitiveCount = count
        subFrames = .allocate(capacity: instants.count)
        primitives = .allocate(capacity: max(1, instants.count * count))
        for (k, instant) in instants.enumerated() {
            subFrames[k] = SubFrame(
                origin: instant.origin, forward: instant.forward, right: instant.right, up: instant.up, firstPrimitive: k * count,
                focusDistance: instant.focusDistance,
                stepX: instant.right * (2 / Float(r.spec.resolution.width)), stepY: instant.up * (2 / Float(r.spec.resolution.height))
            )
            for i in 0..<count { primitives[k * count + i] = instant.geometry.primitives[i] }
        }
        boxes = .allocate(capacity: max(1, instants.count * count))
        for i in 0..<(instants.count * count) { boxes[i] = ShadowBlockers.Box(primitives[i]) }
        groundEnabled = r.scene.geometry.groundEnabled
        groundHeight = r.scene.geometry.groundHeight
        surfaces = .allocate(capacity: r.scene.surfaces.count)
        _ = surfaces.initialize(from: r.scene.surfaces)
        shading = .allocate(capacity: r.scene.surfaces.count)
        _ = shading.initialize(from: r.scene.surfaces.map(SurfaceShading.init))
        grids = .allocate(capacity: max(1, r.lighting.grids.count))
        for (i, g) in r.lighting.grids.enumerated() {
            let ground = g.origin.count >= 2
            grids[i] = Grid(offset: g.offset, nu: g.nu, nv: g.nv, originX: ground ? g.origin[0] : 0, originZ: ground ? g.origin[1] : 0, size: g.size)
        }
        gridOf = .allocate(capacity: max(1, 6 * count))
        for i in 0..<count {
            for face in 0..<6 { gridOf[6 * i + face] = r.gridOf[i][face] }
        }
        groundGrid = r.groundGrid
        self.irradiance = irradiance
        sh = r.sh
        self.reflection = reflection
        self.background = background
        sunDirection = r.sunDirection
        sunIrradiance = r.sunIrradiance
        hasSun = r.sunIrradiance.max() > 0
        sunDiscRadiance = r.sunDiscRadiance
        sunCosRadius = r.sunCosRadius
        lights = .allocate(capacity: max(1, r.scene.lights.count))
        _ = lights.initialize(from: r.scene.lights)
        lightCount = r.scene.lights.count
        tracedReflections = r.params.tracedReflections
        filterTextures = r.params.filterTextures
        hasTextures = r.scene.surfaces.contains { $0.checkerSize > 0 || $0.textureIndex >= 0 }
        textures = r.scene.textures
        hasDielectrics = r.scene.surfaces.contains { $0.transmission > 0 }
        lightsSeeMotion = !r.scene.lights.isEmpty && r.scene.geometry.primitives.contains { !$0.isStatic }
        extended = lightCount > 0 || tracedReflections || hasTextures || hasDielectrics
        pixelSamples = max(1, r.params.samples)
    }

    func deallocate() {
        subFrames.deallocate()
        primitives.deallocate()
        boxes.deallocate()
        surfaces.deallocate()
        shading.deallocate()
        grids.deallocate()
        gridOf.deallocate()
        lights.deallocate()
    }

    /// The primitives of sub-frame `k`.
    @inline(__always)
    func primitives(of k: Int) -> UnsafeBufferPointer<Primitive> {
        UnsafeBufferPointer(rebasing: primitives[subFrames[k].firstPrimitive..<(subFrames[k].firstPrimitive + primitiveCount)])
    }

    /// The boxes of `prims` (the primitives of one of this frame's sub-frames).
    @inline(__always)
    func boxes(of prims: UnsafeBufferPointer<Primitive>) -> UnsafePointer<ShadowBlockers.Box>? {
        guard let base = prims.baseAddress, let first = primitives.baseAddress, let boxBase = boxes.baseAddress else { return nil }
        let offset = base - UnsafePointer(first)
        // Primitives from anywhere else have no boxes here.
        guard offset >= 0, offset + prims.count <= subFrames.count * primitiveCount else { return nil }
        return UnsafePointer(boxBase + offset)
    }

    /// The shift of light `index`'s shadow-ray lattice for `pixel`, from the hash streams
    /// `streams` (directly seen points and reflected ones draw from different ones). Only an area
    /// light's lattice reads it, so the others skip the hashes.
    @inline(__always)
    static func latticeShift(_ light: SceneLight, index: Int, pixel: UInt32, streams: (UInt32, UInt32)) -> SIMD2<Float> {
        guard light.kind == .area else { return .zero }
        return SIMD2(PixelHash.unit(PixelHash.hash(pixel, UInt32(index), streams.0)), PixelHash.unit(PixelHash.hash(pixel, UInt32(index), streams.1)))
    }

    /// What a camera ray sees, coarsely: what it hits and whether the sun reaches that point.
    /// Motion blur shades a pixel once when every sub-frame glimpses the same static thing.
    struct Glimpse: Equatable {
        /// Primitive index, −1 the ground, −2 nothing (sky), −3 a light's visible emitter.
        var hit: Int
        /// Hit: sunlit (not shadowed, facing the sun). Sky: inside the sun disc.
        var lit: Bool
    }

    /// Whether a glimpse is of something that does not move within the shutter.
    @inline(__always)
    func isStill(_ g: Glimpse) -> Bool {
        g.hit >= -2 && (g.hit < 0 || primitives[g.hit].isStatic) && !lightsSeeMotion
    }

    /// Whether one camera ray of sub-frame `k` glimpses `expected`, without shading (the same
    /// tests as `shade`; the shadow ray is cast only when the hit already matches).
    @inline(__always)
    func sees(_ expected: Glimpse, _ o: SIMD3<Float>, _ d: SIMD3<Float>, subFrame k: Int, mask: UInt64, sunMask: UInt64) -> Bool {
        let prims = primitives(of: k)
        guard let hit = cameraHit(prims, mask: mask, o, d) else {
            return expected.hit == -2 && expected.lit == ((d * sunDirection).sum() >= sunCosRadius)
        }
        guard hit.primitive == expected.hit else { return false }
        let p = o + d * hit.t
        var n = hit.normal
        if (n * d).sum() > 0 { n = -n }
        let nl = (n * sunDirection).sum()
        return expected.lit == (nl > 0 && hasSun && !sunBlocked(prims, mask: sunMask, p + n * 1e-3))
    }


    /// The nearest light emitter a camera ray sees before `tMax`, as its radiance. Kept out of
    /// line, like the other light, texture and traced-reflection paths, so `shade` stays small
    /// enough to inline into the pixel loop for scenes without them.
    @inline(never)
    func visibleLight(_ o: SIMD3<Float>, _ d: SIMD3<Float>, before tMax: Float) -> SIMD3<Float>? {
        var best = tMax, radiance: SIMD3<Float>?
        for i in 0..<lightCount {
            let light = lights[i]
            if let t = light.visible(o, d), t < best {
                best = t
                radiance = light.radiance
            }
        }
        return radiance
    }

    /// GGX microfacet highlight (Trowbridge–Reitz distribution, Schlick–Smith visibility, Schlick
    /// Fresnel) per unit of irradiance arriving from unit direction `l`.
    @inline(__always)
    static func highlight(
        normal n: SIMD3<Float>, view v: SIMD3<Float>, light l: SIMD3<Float>, nl: Float, nv: Float, f0: SIMD3<Float>, glossy: Float
    ) -> SIMD3<Float> {
        GGXLobe(glossy: glossy).highlight(normal: n, view: v, light: l, nl: nl, nv: nv, f0: f0, oneLessF0: SIMD3(repeating: 1) - f0)
    }

    /// Nearest hit of a camera ray of the lean path among the primitives `mask` leaves (its
    /// block's `CameraBlockCulling` mask); a scene too big for a mask tests them all.
    @inline(__always)
    func cameraHit(_ prims: UnsafeBufferPointer<Primitive>, mask: UInt64, _ o: SIMD3<Float>, _ d: SIMD3<Float>) -> RayHit? {
        guard primitiveCount <= CameraBlockCulling.maxPrimitives else {
            return SceneGeometry.nearest(prims, groundEnabled: groundEnabled, groundHeight: groundHeight, o, d)
        }
        return SceneGeometry.nearest(prims, mask: mask, groundEnabled: groundEnabled, groundHeight: groundHeight, o, d)
    }

    /// Whether anything stops a shadow ray towards the sun from `o`, testing only what `mask`
    /// leaves (a block's `CameraBlockCulling.sunMask`, or every primitive).
    @inline(__always)
    func sunBlocked(_ prims: UnsafeBufferPointer<Primitive>, mask: UInt64, _ o: SIMD3<Float>) -> Bool {
        guard primitiveCount <= CameraBlockCulling.maxPrimitives else { return SceneGeometry.anyHit(prims, o, sunDirection) }
        return SceneGeometry.anyHit(prims, mask: mask & CameraBlockCulling.all(primitiveCount), o, sunDirection)
    }

    /// What a camera ray that meets nothing sees: the background, and the sun's disc.
    @inline(__always)
    func sky(_ d: SIMD3<Float>, glimpse seen: inout Glimpse) -> SIMD3<Float> {
        var l = background.lookup(d)
        let inDisc = (d * sunDirection).sum() >= sunCosRadius
        if inDisc { l += sunDiscRadiance }
        seen = Glimpse(hit: -2, lit: inDisc)
        return l
    }

    /// The hit point, its normal facing the ray, the view vector, n·v, n·sun, the sun's light
    /// there (shadowed by everything in the frame, dynamic objects included) and the surface.
    @inline(__always)
    func meet(
        _ hit: RayHit, _ o: SIMD3<Float>, _ d: SIMD3<Float>, prims: UnsafeBufferPointer<Primitive>, sunMask: UInt64 = .max,
        glimpse seen: inout Glimpse
    ) -> (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>, Float, Float, SIMD3<Float>, SceneSurface) {
        let p = o + d * hit.t
        var n = hit.normal
        if (n * d).sum() > 0 { n = -n }
        let surface = surfaces[hit.primitive < 0 ? 0 : prims[hit.primitive].surface]
        let v = -d
        let nv = max((n * v).sum(), 1e-4)
        var sunLight = SIMD3<Float>.zero
        let nl = (n * sunDirection).sum()
        var lit = false
        if nl > 0, hasSun {
            if !sunBlocked(prims, mask: sunMask, p + n * 1e-3) {
                sunLight = sunIrradiance * nl
                lit = true
            } else if hasDielectrics {
                // Through glass the sun arrives tinted and dimmed (`glassPass`); the glimpse still
                // counts the point as shadowed, as `sees` does.
                sunLight = sunIrradiance * nl * glassPass(prims, p + n * 1e-3, sunDirection)
            }
        }
        seen = Glimpse(hit: hit.primitive, lit: lit)
        return (p, n, v, nv, nl, sunLight, surface)
    }

    /// Radiance along one camera ray of sub-frame `k`, also reporting its glimpse, for scenes
    /// without lights, checkerboards or traced reflections: the pixel loop's hot path, kept to
    /// what those scenes need so it inlines into the loop (with the extended shading folded in,
    /// it did not, and open-air frames took 10–15 % longer). `shadeExtended` is the full model;
    /// both give the same value for such a scene.
    @inline(__always)
    func shade(_ o: SIMD3<Float>, _ d: SIMD3<Float>, subFrame k: Int, mask: UInt64, sunMask: UInt64, glimpse seen: inout Glimpse) -> SIMD3<Float> {
        let prims = primitives(of: k)
        guard let hit = cameraHit(prims, mask: mask, o, d) else {
            return sky(d, glimpse: &seen)
        }
        let (p, n, v, nv, nl, sunLight, _) = meet(hit, o, d, prims: prims, sunMask: sunMask, glimpse: &seen)
        let indirect = indirectIrradiance(hit, point: p, normal: n, prims: prims)

        // The surface's own terms come from the per-frame table: the same values, taken once.
        let s = shading[hit.primitive < 0 ? 0 : prims[hit.primitive].surface]
        let grazing = powf(1 - nv, 5)
        let fresnel = s.f0 + s.fresnelRise * grazing
        let diffuse = s.diffuseAlbedo * (SIMD3(repeating: 1) - fresnel) / Float.pi * (sunLight + indirect)

        let r = d - n * (2 * (d * n).sum())
        let environment = reflection.lookup(r) * s.mirrorWeight + sh.irradiance(r) * s.lobeWeight
        var specular = fresnel * environment
        if sunLight.max() > 0 {
            specular += s.lobe.highlight(normal: n, view: v, light: sunDirection, nl: nl, nv: nv, f0: s.f0, oneLessF0: s.oneLessF0) * sunLight
        }
        return diffuse + specular + s.emission
    }

    /// Radiance along one camera ray of sub-frame `k`, also reporting its glimpse: the full model
    /// (lights, visible emitters, checkerboards, traced reflections, glass). The camera ray tests
    /// only the primitives `mask` leaves (its block's `CameraBlockCulling` mask, widened for the
    /// lens), in index order: the same nearest hit as testing all of them. `lattice` is the
    /// calling thread's `GlossyLattice`, if any.
    @inline(never)
    func shadeExtended(
        _ o: SIMD3<Float>, _ d: SIMD3<Float>, subFrame k: Int, glimpse seen: inout Glimpse, pixel: UInt32, sample: Int? = nil,
        mask: UInt64 = .max, lattice: UnsafeMutablePointer<GlossyLattice>? = nil
    ) -> SIMD3<Float> {
        // Camera sample j of the pixel's `pixelSamples` takes its share of the area lights' and
        // the glossy lobe's rays (`sample` nil: every ray, as with one sample per pixel).
        let slot = sample.map { Slot(index: $0, count: pixelSamples) } ?? Slot(index: 0, count: 1)
        let prims = primitives(of: k)
        let nearest = cameraHit(prims, mask: mask & CameraBlockCulling.all(min(primitiveCount, CameraBlockCulling.maxPrimitives)), o, d)
        if lightCount > 0, let emitted = visibleLight(o, d, before: nearest?.t ?? .infinity) {
            seen = Glimpse(hit: -3, lit: false)
            return emitted
        }
        guard let hit = nearest else {
            return sky(d, glimpse: &seen)
        }
        let (p, n, v, nv, nl, sunLight, surface) = meet(hit, o, d, prims: prims, glimpse: &seen)
        var glass = SIMD3<Float>.zero
        if surface.transmission > 0 {
            // What glass shows can move behind it while the glass stands still: never reuse it
            // across the shutter (the glimpse of a light's emitter is never still).
            seen = Glimpse(hit: -3, lit: false)
            glass = dielectric(hit, point: p, direction: d, surface: surface, prims: prims, pixel: pixel) * surface.transmission
            if surface.transmission >= 1 { return glass + surface.emission }
        }
        let indirect = indirectIrradiance(hit, point: p, normal: n, prims: prims)

        var albedo = surface.albedo
        let metallic = surface.metallic, rough = surface.roughness
        if surface.checkerSize > 0 { albedo = checkerAlbedo(surface, point: p, normal: n, direction: d, distance: hit.t, subFrame: k) }
        if surface.textureIndex >= 0 { albedo = textureAlbedo(surface, point: p, normal: n, direction: d, distance: hit.t, subFrame: k) }
        let f0 = SIMD3<Float>(repeating: 0.04) * (1 - metallic) + albedo * metallic
        let grazing = powf(1 - nv, 5)
        let fresnel = f0 + (pointwiseMax(SIMD3(repeating: 1 - rough), f0) - f0) * grazing
        var received = sunLight + indirect
        var lampHighlights = SIMD3<Float>.zero
        if lightCount > 0 {
            let lamps = lampLight(point: p, normal: n, view: v, nv: nv, f0: f0, glossy: rough * rough, prims: prims, pixel: pixel, slot: slot)
            received += lamps.irradiance
            lampHighlights = lamps.highlights
        }
        let diffuse = albedo * (1 - metallic) * (SIMD3(repeating: 1) - fresnel) / Float.pi * received

        let r = d - n * (2 * (d * n).sum())
        let glossy = rough * rough
        let environment: SIMD3<Float>
        if tracedReflections {
            // A mirror ray, a GGX lobe of rays, or the point's own gathered light by roughness
            // (SceneLitGlossy.swift).
            environment = tracedEnvironment(
                point: p, normal: n, direction: d, roughness: rough, indirect: indirect, prims: prims, pixel: pixel, slot: slot, lattice: lattice
            )
        } else {
            environment = reflection.lookup(r) * (1 - glossy) + sh.irradiance(r) * (glossy / Float.pi)
        }
        var specular = fresnel * environment
        if sunLight.max() > 0 {
            specular += Self.highlight(normal: n, view: v, light: sunDirection, nl: nl, nv: nv, f0: f0, glossy: glossy) * sunLight
        }
        if lightCount > 0 { specular += lampHighlights }
        // A partly transmissive surface is that share glass, the rest opaque (glass is 0 otherwise).
        return (diffuse + specular) * (1 - surface.transmission) + glass + surface.emission
    }

    /// Irradiance from every light at a camera hit, and their GGX highlights towards `view`.
    @inline(never)
    func lampLight(
        point p: SIMD3<Float>, normal n: SIMD3<Float>, view v: SIMD3<Float>, nv: Float, f0: SIMD3<Float>, glossy: Float,
        prims: UnsafeBufferPointer<Primitive>, pixel: UInt32, slot: Slot
    ) -> (irradiance: SIMD3<Float>, highlights: SIMD3<Float>) {
        var received = SIMD3<Float>.zero, highlights = SIMD3<Float>.zero
        for index in 0..<lightCount {
            let light = lights[index]
            let shift = Self.latticeShift(light, index: index, pixel: pixel, streams: (1, 2))
            var l = SIMD3<Float>.zero
            let e = light.irradiance(
                at: p, normal: n, prims: prims, staticOnly: false, samples: light.samples, shift: shift, toward: &l, stratum: slot.index, strata: slot.count,
                through: hasDielectrics ? GlassShadow(prims: prims, surfaces: UnsafeBufferPointer(surfaces)) : nil, boxes: boxes(of: prims)
            )
            guard e.max() > 0 else { continue }
            received += e
            let nl = max((n * l).sum(), 1e-4)
            highlights += Self.highlight(normal: n, view: v, light: l, nl: nl, nv: nv, f0: f0, glossy: glossy) * e
        }
        return (received, highlights)
    }

    /// A checkerboard surface's albedo at a camera hit, filtered over the pixel's footprint.
    @inline(never)
    func checkerAlbedo(
        _ surface: SceneSurface, point p: SIMD3<Float>, normal n: SIMD3<Float>, direction d: SIMD3<Float>, distance t: Float, subFrame k: Int
    ) -> SIMD3<Float> {
        let sub = subFrames[k]
        let w = CheckerTexture.weight(
            point: p, normal: n, direction: d, distance: t, stepX: sub.stepX, stepY: sub.stepY, size: surface.checkerSize, grout: surface.tileGrout, noise: surface.noise, filter: filterTextures
        )
        return surface.albedo + (surface.albedo2 - surface.albedo) * w
    }

    /// Lattice of area-light points a reflected ray's shading picks its one shadow ray from.
    static let reflectedLightSamples = 4

    /// Which of a pixel's camera samples a shading call serves: `index` of `count`.
    struct Slot {
        var index: Int
        var count: Int
    }

    /// Radiance arriving along a mirror ray from `o`: a light's emitter, or the diffuse radiance of
    /// the surface it meets (its stored indirect light, the sun and the lights, with shadows), or
    /// the environment when it meets nothing. One bounce: the surface met shows no reflections.
    /// Without `emitters` a light's emitter is looked through: a glossy lobe leaves the lamps to
    /// their analytic GGX highlights, which would otherwise be counted twice.
    @inline(never)
    func reflected(_ o: SIMD3<Float>, _ r: SIMD3<Float>, prims: UnsafeBufferPointer<Primitive>, pixel: UInt32, emitters: Bool = true) -> SIMD3<Float> {
        let nearest = SceneGeometry.nearest(prims, groundEnabled: groundEnabled, groundHeight: groundHeight, o, r)
        if emitters, lightCount > 0, let emitted = visibleLight(o, r, before: nearest?.t ?? .infinity) { return emitted }
        guard let hit = nearest else { return reflection.lookup(r) }
        let p = o + r * hit.t
        var n = hit.normal
        if (n * r).sum() > 0 { n = -n }
        let surface = surfaces[hit.primitive < 0 ? 0 : prims[hit.primitive].surface]
        var received = indirectIrradiance(hit, point: p, normal: n, prims: prims)
        let nl = (n * sunDirection).sum()
        if nl > 0, hasSun {
            if !SceneGeometry.anyHit(prims, p + n * 1e-3, sunDirection) {
                received += sunIrradiance * nl
            } else if hasDielectrics {
                received += sunIrradiance * nl * glassPass(prims, p + n * 1e-3, sunDirection)
            }
        }
        // One shadow ray per area light: the lattice point is picked by a hash of the ray, so the
        // many reflected rays of a pixel (lobe rays, lens samples, glass paths) spread over the
        // lattice, each point uniform over the light (unbiased), the pattern fixed to the ray.
        let pick = Int(PixelHash.hash(r.x.bitPattern, r.y.bitPattern, r.z.bitPattern ^ pixel) >> 8)
        for index in 0..<lightCount {
            let light = lights[index]
            let shift = Self.latticeShift(light, index: index, pixel: pixel, streams: (3, 4))
            var l = SIMD3<Float>.zero
            let count = min(light.samples, Self.reflectedLightSamples)
            received += light.irradiance(
                at: p, normal: n, prims: prims, staticOnly: false, samples: count, shift: shift, toward: &l, stratum: pick % count, strata: count,
                through: hasDielectrics ? GlassShadow(prims: prims, surfaces: UnsafeBufferPointer(surfaces)) : nil, boxes: boxes(of: prims)
            )
        }
        return surface.meanAlbedo * (1 - surface.metallic) / Float.pi * received + surface.emission
    }

    /// Diffuse light other than the sun: the radiosity patches for static surfaces, SH for the rest.
    @inline(__always)
    func indirectIrradiance(_ hit: RayHit, point: SIMD3<Float>, normal: SIMD3<Float>, prims: UnsafeBufferPointer<Primitive>) -> SIMD3<Float> {
        if hit.primitive < 0 {
            guard groundGrid >= 0, normal.y > 0 else { return sh.irradiance(normal) }
            let g = grids[groundGrid]
            let u = (point.x - g.originX) / g.size, v = (point.z - g.originZ) / g.size
            return PatchMapping.sample(irradiance, offset: g.offset, nu: g.nu, nv: g.nv, u: u, v: v, wrapU: false)
        }
        let prim = prims[hit.primitive]
        guard prim.isStatic else { return sh.irradiance(normal) }
        let (face, u, v) = PatchMapping.locate(prim, point: point, normal: hit.normal)
        let index = gridOf[6 * hit.primitive + face]
        guard index >= 0 else { return sh.irradiance(normal) }
        let wrap = prim.kind == .sphere || (prim.kind == .cylinder && face == 0)
        let g = grids[index]
        return PatchMapping.sample(irradiance, offset: g.offset, nu: g.nu, nv: g.nv, u: u, v: v, wrapU: wrap)
    }
}
