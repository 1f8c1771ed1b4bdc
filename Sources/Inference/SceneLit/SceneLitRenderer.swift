import Foundation
import ImageCore
import ShotSpec

/// Ray casts frames of one shot against a stored lighting solve. Each pixel is a pure function of
/// the shot, the lighting artifact and the frame number, so any chunk on any node gets the same bits.
struct SceneLitRenderer: Sendable {
    /// Everything that varies within a frame's shutter: camera and object positions.
    struct Instant: Sendable {
        var origin: SIMD3<Float>
        var forward: SIMD3<Float>
        var right: SIMD3<Float>
        var up: SIMD3<Float>
        var geometry: SceneGeometry
        /// Metres to the plane in focus (the spec's focus distance, or the target's distance).
        var focusDistance: Float
    }

    let spec: ShotSpec
    let params: SceneLitParams
    let scene: SceneLitScene
    let lighting: SceneLitLighting
    let sh: SHIrradianceTable
    let reflection: LatLongMap
    let background: LatLongMap
    let sunDirection: SIMD3<Float>
    let sunIrradiance: SIMD3<Float>
    /// Radiance drawn for the visible sun disc (capped so half-float plates stay finite).
    let sunDiscRadiance: SIMD3<Float>
    let sunCosRadius: Float
    /// Per primitive: grid index for each face value, or −1 (dynamic objects have no patches).
    let gridOf: [[Int]]
    let groundGrid: Int
    let physics: RigidBodySimulation

    /// Largest value written: half float tops out at 65504.
    static let maxRadiance: Float = 60000

    init(spec: ShotSpec, params: SceneLitParams, scene: SceneLitScene, lighting: SceneLitLighting, environment: SceneLitEnvironment) {
        self.spec = spec
        self.params = params
        self.scene = scene
        self.lighting = lighting
        sh = SHIrradianceTable(SphericalHarmonics9(coefficients: lighting.sphericalHarmonics))
        reflection = LatLongMap(width: lighting.reflectionWidth, height: lighting.reflectionHeight, rgb: lighting.reflection)
        let width = min(2048, max(256, spec.resolution.width * 2))
        background = environment.map(width: width, height: width / 2)
        sunDirection = SIMD3(lighting.sunDirection[0], lighting.sunDirection[1], lighting.sunDirection[2])
        sunIrradiance = SIMD3(lighting.sunIrradiance[0], lighting.sunIrradiance[1], lighting.sunIrradiance[2])
        let radius = Float(PreethamSky.sunAngularRadius)
        let disc = sunIrradiance / (Float.pi * radius * radius)
        sunDiscRadiance = disc.max() > 20000 ? disc * (20000 / disc.max()) : disc
        sunCosRadius = cosf(radius)
        var gridOf = [[Int]](repeating: [-1, -1, -1, -1, -1, -1], count: scene.geometry.primitives.count)
        var ground = -1
        for (index, g) in lighting.grids.enumerated() {
            if g.owner < 0 { ground = index } else if g.owner < gridOf.count { gridOf[g.owner][g.face] = index }
        }
        self.gridOf = gridOf
        groundGrid = ground
        physics = RigidBodySimulation(spec: spec)
    }

    /// Shot frame numbers (fractional) sampled within the shutter of `frame`.
    func shutterFrames(_ frame: Int) -> [Double] {
        let n = spec.camera.shutterAngle > 0 ? params.motionBlurSamples : 1
        guard n > 1 else { return [Double(frame)] }
        let open = spec.camera.shutterAngle / 360
        return (0..<n).map { Double(frame) + (Double($0) / Double(n - 1) - 0.5) * open }
    }

    /// Seconds from the shot's first frame.
    func seconds(_ frame: Double) -> Double {
        (frame - Double(spec.frames.first)) * Double(spec.fps.denominator) / Double(spec.fps.numerator)
    }

    /// Camera and object state at each sub-frame of each frame, physics run once for all of them.
    func instants(frames: [Int]) -> [[Instant]] {
        let subframes = frames.map(shutterFrames)
        let positions = physics.positions(atSeconds: subframes.flatMap { $0.map(seconds) })
        var cursor = 0
        return subframes.map { subs in
            subs.map { f in
                let camera = SceneLitCamera.at(spec.camera, frame: f)
                let (forward, right, up) = camera.basis
                let aspect = Double(spec.resolution.height) / Double(spec.resolution.width)
                var geometry = scene.geometry
                for (i, p) in positions[cursor].enumerated() where !geometry.primitives[i].isStatic {
                    geometry.primitives[i].center = SIMD3<Float>(p)
                }
                cursor += 1
                return Instant(
                    origin: SIMD3<Float>(camera.position), forward: SIMD3<Float>(forward),
                    right: SIMD3<Float>(right * camera.tanHalfWidth), up: SIMD3<Float>(up * camera.tanHalfWidth * aspect),
                    geometry: geometry,
                    focusDistance: Float(spec.camera.focusDistance ?? length(camera.target - camera.position))
                )
            }
        }
    }

    /// Rows per work item: small enough that two cores finish together even though sky rows are
    /// far cheaper than ground rows; which thread renders a row never changes its pixels.
    static let rowsPerTile = 8
    /// Columns per block within a tile: each block's primary rays test only the primitives
    /// `CameraBlockCulling` leaves for it (blocks change the visiting order, never a pixel).
    static let columnsPerBlock = 32
    /// Columns per block where a 32-column block's rays do not all share one glimpse.
    static let columnsPerNarrowBlock = 8

    /// Shot frame `frame` from its precomputed instants, with the sensor's grain if the camera has any.
    func frame(_ frame: Int, _ instants: [Instant]) -> RGBAImage {
        var image = render(instants)
        if spec.camera.grain > 0 {
            SensorGrain.apply(&image, frame: frame, amount: Float(spec.camera.grain), limit: Self.maxRadiance)
        }
        return image
    }

    /// Renders one frame from its precomputed instants.
    func render(_ instants: [Instant]) -> RGBAImage {
        let width = spec.resolution.width, height = spec.resolution.height
        // The pixel loop writes all four channels of every pixel, so the frame starts
        // uninitialised: `RGBAImage(width:height:)` zero-filled and then filled it on one thread
        // (a 4K frame is 133 MB), and the pages' first touch now happens in the parallel tiles.
        let pixels = [Float](unsafeUninitializedCapacity: width * height * 4) { buffer, initialized in
            render(instants, into: buffer, width: width, height: height)
            initialized = width * height * 4
        }
        return RGBAImage(width: width, height: height, pixels: pixels)
    }

    /// Renders one frame into `buffer` (RGBA, `width * height * 4` floats), writing every value.
    private func render(_ instants: [Instant], into buffer: UnsafeMutableBufferPointer<Float>, width: Int, height: Int) {
        let n = params.samples
        let offsets: [SIMD2<Float>] = (0..<n).map { i in
            n == 1 ? SIMD2(0.5, 0.5) : SIMD2((Float(i) + 0.5) / Float(n), (0.5 + Float(i) * 0.618034).truncatingRemainder(dividingBy: 1))
        }
        let weight = 1 / Float(n * instants.count)
        let invW = 2 / Float(width), invH = 2 / Float(height)
        let tiles = (height + Self.rowsPerTile - 1) / Self.rowsPerTile
        let lens = SceneLitLens(spec.camera)
        lighting.irradiance.withUnsafeBufferPointer { irradiance in
        reflection.rgb.withUnsafeBufferPointer { reflectionTexels in
        background.rgb.withUnsafeBufferPointer { backgroundTexels in
        offsets.withUnsafeBufferPointer { offsets in
        do {
            guard let base = buffer.baseAddress, let reflectionBase = reflectionTexels.baseAddress, let backgroundBase = backgroundTexels.baseAddress else {
                // No maps to shade with (never for a loaded artifact): black, opaque, as the
                // filled frame this replaced was; nothing is left uninitialised.
                for i in 0..<buffer.count { buffer[i] = i % 4 == 3 ? 1 : 0 }
                return
            }
            let kernel = SceneLitFrameKernel(
                renderer: self, subFrames: instants, irradiance: irradiance,
                reflection: LatLongMap.Sampler(rgb: reflectionBase, width: reflection.width, height: reflection.height, rotation: reflection.rotation),
                background: LatLongMap.Sampler(rgb: backgroundBase, width: background.width, height: background.height, rotation: background.rotation)
            )
            defer { kernel.deallocate() }
            let subFrames = kernel.subFrames.count, samples = offsets.count
            // With motion blur the mid-shutter sub-frame is shaded first; the others are shaded
            // only where a glimpse shows the pixel changes within the shutter (see Docs/scenelit.md).
            let mid = subFrames / 2
            let hashesPixels = kernel.lightCount > 0 || lens.hasAperture
            let extended = kernel.extended
            // Lean pinhole frames cull primitives per block; lens rays leave the pinhole cone.
            let culls = !extended && !lens.hasAperture && kernel.primitiveCount <= CameraBlockCulling.maxPrimitives
            let everything = CameraBlockCulling.all(min(kernel.primitiveCount, CameraBlockCulling.maxPrimitives))
            // Extended frames cull only their camera rays' primitives, through the lens when there
            // is one (the glimpse and sun-mask shortcuts assume pinhole rays of the lean path).
            let lensCulls = extended && kernel.primitiveCount <= CameraBlockCulling.maxPrimitives
            // `sampling: adaptive` shades a pixel's samples in tiers until they agree; only for one
            // instant (no motion blur) with the extended shading, which is where samples are dear.
            let adaptive = params.adaptiveSampling && extended && subFrames == 1
            let sampler = AdaptivePixelSampling(
                count: samples, sub: kernel.subFrames[mid], width: width, height: height, aperture: lens.apertureRadius,
                lights: UnsafeBufferPointer(rebasing: kernel.lights[0..<kernel.lightCount]), kernel: kernel, subFrame: mid
            )
            concurrentForEach(count: tiles) { tile in
                let shaded = UnsafeMutableBufferPointer<SIMD3<Float>>.allocate(capacity: max(subFrames, sampler.replicas) * samples)
                let seen = UnsafeMutableBufferPointer<SceneLitFrameKernel.Glimpse>.allocate(capacity: sampler.replicas * samples)
                let masks = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: subFrames)
                let sunMasks = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: subFrames)
                // Per sub-frame: the glimpse all of the block's rays share (BlockGlimpse), if any.
                let uniform = UnsafeMutableBufferPointer<SceneLitFrameKernel.Glimpse?>.allocate(capacity: subFrames)
                // One row of a block's mid-shutter rays shaded by GroundPacket, and their glimpses.
                let packetShaded = UnsafeMutablePointer<SIMD3<Float>>.allocate(capacity: Self.columnsPerBlock * samples)
                let packetSeen = UnsafeMutablePointer<SceneLitFrameKernel.Glimpse>.allocate(capacity: Self.columnsPerBlock * samples)
                // Per sub-frame, one row of the block's glimpses from GlimpsePacket, and whether it has them.
                let rowGlimpses = UnsafeMutablePointer<SceneLitFrameKernel.Glimpse>.allocate(capacity: subFrames * Self.columnsPerBlock * samples)
                let rowGlimpsed = UnsafeMutableBufferPointer<Bool>.allocate(capacity: subFrames)
                // The glossy lobe's per-pixel lattice terms, kept across a pixel's samples.
                let lattice = UnsafeMutablePointer<GlossyLattice>.allocate(capacity: 1)
                lattice.initialize(to: GlossyLattice(capacity: SceneLitFrameKernel.sharedLobeRays + samples))
                defer {
                    lattice.pointee.deallocate()
                    lattice.deallocate()
                    rowGlimpses.deallocate()
                    rowGlimpsed.deallocate()
                    packetShaded.deallocate()
                    packetSeen.deallocate()
                    shaded.deallocate()
                    seen.deallocate()
                    masks.deallocate()
                    sunMasks.deallocate()
                    uniform.deallocate()
                }
                let rows = (tile * Self.rowsPerTile)..<min(height, (tile + 1) * Self.rowsPerTile)
                for wideStart in stride(from: 0, to: width, by: Self.columnsPerBlock) {
                // Masks and shared glimpses of every sub-frame for the block `columns` × `rows`;
                // true when each sub-frame has a glimpse all the block's rays share.
                @inline(__always) func cull(_ columns: Range<Int>) -> Bool {
                var shared = true
                for k in 0..<subFrames {
                    guard culls else {
                        masks[k] = lensCulls ? CameraBlockCulling.mask(
                            kernel.subFrames[k], prims: kernel.primitives(of: k), columns: columns, rows: rows, invW: invW, invH: invH,
                            aperture: lens.hasAperture ? lens.apertureRadius : 0
                        ) : everything
                        sunMasks[k] = everything
                        uniform[k] = nil
                        shared = false
                        continue
                    }
                    let sub = kernel.subFrames[k], prims = kernel.primitives(of: k)
                    masks[k] = CameraBlockCulling.mask(sub, prims: prims, columns: columns, rows: rows, invW: invW, invH: invH)
                    sunMasks[k] = CameraBlockCulling.sunMask(
                        sub, prims: prims, primary: masks[k], groundEnabled: kernel.groundEnabled, groundHeight: kernel.groundHeight,
                        sun: kernel.sunDirection, columns: columns, rows: rows, invW: invW, invH: invH
                    )
                    uniform[k] = BlockGlimpse.uniform(
                        sub, primary: masks[k], sunMask: sunMasks[k], groundEnabled: kernel.groundEnabled, groundHeight: kernel.groundHeight,
                        sun: kernel.sunDirection, hasSun: kernel.hasSun, sunCosRadius: kernel.sunCosRadius,
                        columns: columns, rows: rows, invW: invW, invH: invH
                    )
                    shared = shared && uniform[k] != nil
                }
                return shared
                }
                // A block whose rays do not all share a glimpse (an object, its shadow, the
                // horizon in it) is split into narrower blocks: those clear of the object get a
                // shared glimpse of their own, and the rest tighter masks. The tests are as
                // conservative for any block, so no pixel changes.
                let wide = wideStart..<min(width, wideStart + Self.columnsPerBlock)
                let wideShared = cull(wide)
                let narrow = (culls && !wideShared) || lensCulls ? Self.columnsPerNarrowBlock : Self.columnsPerBlock
                for blockStart in stride(from: wide.lowerBound, to: wide.upperBound, by: narrow) {
                let columns = blockStart..<min(wide.upperBound, blockStart + narrow)
                if narrow != Self.columnsPerBlock { _ = cull(columns) }
                // Every mid-shutter ray of the block meets nothing and misses the sun's disc: the
                // sky lookups go four to a packet.
                let skyPacket = culls && uniform[mid]?.hit == -2
                // No primitive can meet a mid-shutter ray of the block: its rays meet the bare
                // ground (lit, or shadowed as each lane's own sun ray says) or the sky, and are
                // shaded in packets, the rays that miss the ground by the one-ray code.
                let packet = culls && !skyPacket && kernel.groundEnabled && masks[mid] == 0
                let packed = packet || skyPacket
                for y in rows {
                    if packet {
                        GroundPacket.shade(
                            kernel, subFrame: mid, mask: masks[mid], sunMask: sunMasks[mid], columns: columns, row: y,
                            offsets: offsets, invW: invW, invH: invH, into: packetShaded, seen: packetSeen
                        )
                    } else if skyPacket {
                        SkyPacket.shade(kernel, subFrame: mid, columns: columns, row: y, offsets: offsets, invW: invW, invH: invH, into: packetShaded, seen: packetSeen)
                    }
                    // The other sub-frames' glimpses where no primitive can meet their rays either
                    // but they share no glimpse (a shadow, the horizon): taken four rays at a time.
                    for k in 0..<subFrames {
                        rowGlimpsed[k] = packed && k != mid && uniform[k] == nil && masks[k] == 0 && GlimpsePacket.glimpses(
                            kernel, subFrame: k, sunMask: sunMasks[k], columns: columns, row: y, offsets: offsets, invW: invW, invH: invH,
                            into: rowGlimpses + k * Self.columnsPerBlock * samples
                        )
                    }
                    for x in columns {
                        @inline(__always) func direction(_ sub: SceneLitFrameKernel.SubFrame, _ o: SIMD2<Float>) -> SIMD3<Float> {
                            let sx = (Float(x) + o.x) * invW - 1
                            let sy = 1 - (Float(y) + o.y) * invH
                            var d = sub.forward + sub.right * sx + sub.up * sy
                            d /= (d * d).sum().squareRoot()
                            return d
                        }
                        // Only lights and the aperture sample per pixel; other scenes skip the hash.
                        let pixel = hashesPixels ? PixelHash.hash(UInt32(truncatingIfNeeded: x), UInt32(truncatingIfNeeded: y), 0) : 0
                        // Through the lens: a pinhole ray unless the camera has an aperture.
                        @inline(__always) func ray(_ sub: SceneLitFrameKernel.SubFrame, _ j: Int) -> (SIMD3<Float>, SIMD3<Float>) {
                            let d = direction(sub, offsets[j])
                            guard lens.hasAperture else { return (sub.origin, d) }
                            return lens.ray(sub, pinhole: d, sample: j, of: samples, pixel: pixel)
                        }
                        // One camera ray of sub-frame k. A ray of a block that sees only sky meets
                        // nothing, and `shade` returns `sky` for such a ray: it goes there directly.
                        @inline(__always) func shadeRay(_ o: SIMD3<Float>, _ d: SIMD3<Float>, _ k: Int, _ j: Int, _ glimpse: inout SceneLitFrameKernel.Glimpse) -> SIMD3<Float> {
                            if extended { return kernel.shadeExtended(o, d, subFrame: k, glimpse: &glimpse, pixel: pixel, sample: j, mask: masks[k], lattice: lattice) }
                            if uniform[k]?.hit == -2 { return kernel.sky(d, glimpse: &glimpse) }
                            return kernel.shade(o, d, subFrame: k, mask: masks[k], sunMask: sunMasks[k], glimpse: &glimpse)
                        }
                        let center = kernel.subFrames[mid]
                        @inline(__always) func store(_ mean: SIMD3<Float>) {
                            var c = mean
                            if lens.hasGain {
                                // Exposure, and natural vignetting by the pixel centre's angle off the axis.
                                c *= lens.gain(center, pinhole: direction(center, SIMD2(0.5, 0.5)))
                            }
                            c = pointwiseMin(c, SIMD3(repeating: Self.maxRadiance))
                            let i = (y * width + x) * 4
                            base[i] = c.x
                            base[i + 1] = c.y
                            base[i + 2] = c.z
                            base[i + 3] = 1
                        }
                        if adaptive {
                            let gain = lens.hasGain ? lens.gain(center, pinhole: direction(center, SIMD2(0.5, 0.5))) : 1
                            store(sampler.mean(x: x, y: y, into: shaded, seen: seen, gain: gain) { j in
                                guard j >= samples else {
                                    let (o, d) = ray(center, j)
                                    return shadeRay(o, d, mid, j, &seen[j])
                                }
                                // A redraw of sample j % samples: the same offset, new lattices.
                                let again = AdaptivePixelSampling.replicaHash(x, y, j / samples)
                                let pinhole = direction(center, offsets[j % samples])
                                let (o, d) = lens.hasAperture ? lens.ray(center, pinhole: pinhole, sample: j % samples, of: samples, pixel: again) : (center.origin, pinhole)
                                return kernel.shadeExtended(o, d, subFrame: mid, glimpse: &seen[j], pixel: again, sample: j % samples, mask: masks[mid], lattice: lattice)
                            })
                            continue
                        }
                        var still = true
                        for j in 0..<samples {
                            if packed {
                                shaded[mid * samples + j] = packetShaded[(x - blockStart) * samples + j]
                                seen[j] = packetSeen[(x - blockStart) * samples + j]
                            } else {
                                let (o, d) = ray(center, j)
                                shaded[mid * samples + j] = shadeRay(o, d, mid, j, &seen[j])
                            }
                            still = still && kernel.isStill(seen[j])
                        }
                        if still {
                            glimpses: for k in 0..<subFrames where k != mid {
                                // Every ray of sub-frame k glimpses `shared`: `sees` would answer
                                // whether it equals the expected glimpse, without a ray.
                                if let shared = uniform[k] {
                                    for j in 0..<samples where seen[j] != shared {
                                        still = false
                                        break glimpses
                                    }
                                    continue
                                }
                                if rowGlimpsed[k] {
                                    let row = rowGlimpses + k * Self.columnsPerBlock * samples + (x - blockStart) * samples
                                    for j in 0..<samples where seen[j] != row[j] {
                                        still = false
                                        break glimpses
                                    }
                                    continue
                                }
                                let sub = kernel.subFrames[k]
                                for j in 0..<samples {
                                    let (o, d) = ray(sub, j)
                                    guard !kernel.sees(seen[j], o, d, subFrame: k, mask: masks[k], sunMask: sunMasks[k]) else { continue }
                                    still = false
                                    break glimpses
                                }
                            }
                        }
                        for k in 0..<subFrames where k != mid {
                            let sub = kernel.subFrames[k]
                            for j in 0..<samples {
                                if still {
                                    shaded[k * samples + j] = shaded[mid * samples + j]
                                } else {
                                    let (o, d) = ray(sub, j)
                                    var glimpse = SceneLitFrameKernel.Glimpse(hit: -2, lit: false)
                                    shaded[k * samples + j] = shadeRay(o, d, k, j, &glimpse)
                                }
                            }
                        }
                        // Summed in sub-frame then sample order, as when every ray is shaded.
                        var sum = SIMD3<Float>.zero
                        for i in 0..<(subFrames * samples) { sum += shaded[i] }
                        store(sum * weight)
                    }
                }
                }
                }
            }
        }
        }
        }
        }
        }
    }
}
