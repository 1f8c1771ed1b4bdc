/// `sampling: adaptive`: a pixel shades its camera samples in nested tiers (2, 4, 8, … of the
/// `samples`, spread over the pixel, the aperture and the lights' lattices) and stops after a
/// tier whose samples meet the same primitive and agree in value, so flat, evenly lit pixels
/// take 2 samples; edges, penumbrae, glass and glossy highlights take them all, pixels near a
/// light's visible emitter take them all from the start, and pixels still disagreeing after
/// them all (the view through the window, a bulb's blur) take the pattern once more, redrawn.
///
/// Deterministic: the decision reads only the pixel's own samples, which depend only on the shot,
/// the frame and the pixel, so any chunk on any node makes the same decision. A pixel that takes
/// `samples` samples sums them in index order with the fixed pattern's weight: the same bits as
/// `sampling: fixed`.
struct AdaptivePixelSampling {
    /// Camera samples per pixel (`samples`).
    let count: Int
    /// Stop when the standard error of a channel's mean, after the lens gain, is below
    /// `tolerance` × (`floor` + the pixel's luminance after gain): a relative test (noise is seen
    /// against the brightness around it) with a floor so black pixels do not refine forever.
    let tolerance: Float
    let floor: Float

    /// Tolerance of the standard error per unit of displayed brightness; tuned on interior_room
    /// against a 64-sample frame (Docs/performance.md "Issue 16 item 7: Interior, second pass").
    static let defaultTolerance: Float = 0.03
    static let defaultFloor: Float = 0.05

    /// Per visible light emitter, the box of pixels (min x, min y, max x, max y) whose lens rays
    /// may meet it: a bulb a few pixels wide, blurred by the aperture, can be missed by every
    /// sample of a first tier while it covers part of the pixel, at a hundred times the room's
    /// radiance. Pixels in these boxes take every sample.
    let emitterBoxes: [SIMD4<Float>]
    /// Times a pixel may take its `count` samples (redrawn, see `replicaHash`) when they still
    /// disagree: the noisiest pixels get the samples the flat ones save, so the frame's error
    /// against a converged one drops below the fixed pattern's at half the cost.
    let replicas = 2
    /// Samples of the first tier.
    let firstTier = 2
    /// Per hit (primitive index + 1; 0 the ground): whether its reflection is a traced GGX lobe
    /// (SceneLitGlossy.swift). Two samples there are four lobe rays, which agree often enough
    /// while missing a bright direction that the stopped pixels read as speckle beside refined
    /// ones; such pixels are judged from 4 samples on.
    let sampledLobe: [Bool]

    /// Sampling for the frame seen from `sub` at `width` × `height` pixels, with `lights` (their
    /// emitters) and a lens of aperture radius `aperture` metres (0: pinhole).
    init(
        count: Int, sub: SceneLitFrameKernel.SubFrame, width: Int, height: Int, aperture: Float, lights: UnsafeBufferPointer<SceneLight>,
        kernel: SceneLitFrameKernel, subFrame k: Int
    ) {
        @inline(__always) func lobe(_ surface: SceneSurface) -> Bool {
            kernel.tracedReflections && surface.roughness >= SceneLitFrameKernel.mirrorRoughness && surface.roughness < SceneLitFrameKernel.glossyFadeEnd
        }
        let prims = kernel.primitives(of: k)
        let sampledLobe = [lobe(kernel.surfaces[0])] + prims.map { lobe(kernel.surfaces[$0.surface]) }
        let rightLength = (sub.right * sub.right).sum().squareRoot()
        let right = sub.right / rightLength
        let up = sub.up / (sub.up * sub.up).sum().squareRoot()
        // Pixels per unit of tan(angle) off the axis, the same across and down.
        let scale = Float(width) / (2 * rightLength)
        // Where a point at depth z seen through the lens lands, in pixels, and how far the
        // aperture spreads it: the lens ray from aperture point a through P crosses the focus
        // plane at P·F/z + a·(1 − F/z), an offset of up to A · |1/F − 1/z| in tan(angle).
        @inline(__always) func project(_ point: SIMD3<Float>) -> (SIMD2<Float>, Float)? {
            let v = point - sub.origin
            let z = (v * sub.forward).sum()
            guard z > 1e-3 else { return nil }
            let at = SIMD2(Float(width) / 2 + (v * right).sum() / z * scale, Float(height) / 2 - (v * up).sum() / z * scale)
            return (at, aperture * abs(1 / sub.focusDistance - 1 / z) * scale)
        }
        let everywhere = SIMD4<Float>(-.infinity, -.infinity, .infinity, .infinity)
        var boxes: [SIMD4<Float>] = []
        for light in lights {
            // The emitter's outline: a bulb's bounding points, or the panel's four corners (the
            // box around a convex outline's projected corners holds its projection).
            var outline: [SIMD3<Float>]
            switch light.kind {
            case .spot: continue
            case .point:
                guard light.radius > 0 else { continue }
                let r = light.radius
                outline = [SIMD3(-r, -r, -r), SIMD3(r, -r, -r), SIMD3(-r, r, -r), SIMD3(r, r, -r), SIMD3(-r, -r, r), SIMD3(r, -r, r), SIMD3(-r, r, r), SIMD3(r, r, r)]
            case .area:
                outline = [light.halfU + light.halfV, light.halfU - light.halfV, -light.halfU + light.halfV, -light.halfU - light.halfV]
            }
            outline = outline.map { light.position + $0 }
            let depths = outline.map { ($0 - sub.origin) * sub.forward }.map { $0.sum() }
            // Wholly behind the lens: no camera ray meets it.
            if depths.allSatisfy({ $0 <= 0 }) { continue }
            var box = SIMD4<Float>(.infinity, .infinity, -.infinity, -.infinity)
            for point in outline {
                guard let (at, blur) = project(point) else {
                    // Across the lens plane: every pixel takes every sample.
                    box = everywhere
                    break
                }
                box = SIMD4(min(box.x, at.x - blur), min(box.y, at.y - blur), max(box.z, at.x + blur), max(box.w, at.y + blur))
            }
            // A pixel's half-diagonal and one more, for the pixel's footprint and rounding.
            boxes.append(box + SIMD4(-1.71, -1.71, 1.71, 1.71))
        }
        self.init(count: count, emitterBoxes: boxes, sampledLobe: sampledLobe)
    }

    /// Sampling with the emitter boxes and lobe flags given.
    init(count: Int, emitterBoxes: [SIMD4<Float>], sampledLobe: [Bool], tolerance: Float = Self.defaultTolerance, floor: Float = Self.defaultFloor) {
        self.count = count
        self.emitterBoxes = emitterBoxes
        self.sampledLobe = sampledLobe
        self.tolerance = tolerance
        self.floor = floor
    }

    /// Sample `i` of a tier of `size` samples: ⌊i · count / size⌋. Tier `size` holds tier
    /// `size / 2` (its even entries), so the tiers nest and no sample is shaded twice.
    @inline(__always)
    func index(_ i: Int, ofTier size: Int) -> Int { i * count / size }

    /// The pixel's mean radiance, shading sample `j` with `shade(j)` into `shaded[j]` (and its
    /// glimpse into `seen[j]`) as the tiers need them; `gain` is the lens's exposure and
    /// vignetting at the pixel.
    @inline(__always)
    func mean(
        x: Int, y: Int, into shaded: UnsafeMutableBufferPointer<SIMD3<Float>>, seen: UnsafeMutableBufferPointer<SceneLitFrameKernel.Glimpse>,
        gain: Float, shade: (Int) -> SIMD3<Float>
    ) -> SIMD3<Float> {
        // Near an emitter: every sample, in the first tier already.
        var size = nearEmitter(x, y) ? count : min(firstTier, count)
        for i in 0..<size { shaded[index(i, ofTier: size)] = shade(index(i, ofTier: size)) }
        while size < count {
            if size >= 4 || seen[0].hit < -1 || !sampledLobe[seen[0].hit + 1], sameSurface(seen, tier: size), agrees(shaded, tier: size, gain: gain) {
                var sum = SIMD3<Float>.zero
                for i in 0..<size { sum += shaded[index(i, ofTier: size)] }
                return sum * (1 / Float(size))
            }
            let next = min(2 * size, count)
            if next == count {
                // The last tier: every sample not shaded yet.
                for j in 0..<count where !isShaded(j, tier: size) { shaded[j] = shade(j) }
            } else {
                for i in stride(from: 1, to: next, by: 2) { shaded[index(i, ofTier: next)] = shade(index(i, ofTier: next)) }
            }
            size = next
        }
        // Still disagreeing after every sample (the view through the window, the glossy floor, a
        // bulb's blur): the pattern again, redrawn (`replica`), up to `replicas` times as many.
        let taken = replicas > 1 && count > 1 && !agrees(shaded, tier: count, gain: gain) ? count * replicas : count
        for j in count..<taken { shaded[j] = shade(j) }
        // Summed in index order: with `count` samples, the fixed pattern's weight and bits.
        var sum = SIMD3<Float>.zero
        for j in 0..<taken { sum += shaded[j] }
        return sum * (1 / Float(taken))
    }

    /// The pixel hash of the pixel's `replica`-th redraw of the sample pattern (0: the pattern
    /// itself): it rotates the aperture lattice, the area lights' and the glossy lobe's lattices.
    @inline(__always)
    static func replicaHash(_ x: Int, _ y: Int, _ replica: Int) -> UInt32 {
        PixelHash.hash(UInt32(truncatingIfNeeded: x), UInt32(truncatingIfNeeded: y), UInt32(truncatingIfNeeded: replica))
    }

    /// Whether pixel (x, y) lies in an emitter's box.
    @inline(__always)
    func nearEmitter(_ x: Int, _ y: Int) -> Bool {
        let px = Float(x) + 0.5, py = Float(y) + 0.5
        for box in emitterBoxes where px >= box.x && py >= box.y && px <= box.z && py <= box.w { return true }
        return false
    }

    /// Whether sample `j` belongs to the tier of `size` samples.
    @inline(__always)
    func isShaded(_ j: Int, tier size: Int) -> Bool {
        // j is ⌊i · count / size⌋ for some i: the smallest candidate i is ⌈j · size / count⌉.
        let i = (j * size + count - 1) / count
        return i < size && index(i, ofTier: size) == j
    }

    /// Whether the tier's samples all meet the same primitive (or all the sky), none a light's
    /// emitter or glass: two samples that agree can still straddle an edge (both on a lamp's bulb
    /// whose rim covers half the pixel), and only a sample across the edge would show it.
    @inline(__always)
    func sameSurface(_ seen: UnsafeMutableBufferPointer<SceneLitFrameKernel.Glimpse>, tier size: Int) -> Bool {
        let first = seen[index(0, ofTier: size)].hit
        guard first != -3 else { return false }
        for i in 1..<size where seen[index(i, ofTier: size)].hit != first { return false }
        return true
    }

    /// Whether the tier's samples agree: every channel's standard error of the mean, after the
    /// gain, within the tolerance.
    @inline(__always)
    func agrees(_ shaded: UnsafeMutableBufferPointer<SIMD3<Float>>, tier size: Int, gain: Float) -> Bool {
        var sum = SIMD3<Float>.zero, squares = SIMD3<Float>.zero
        for i in 0..<size {
            let s = shaded[index(i, ofTier: size)] * gain
            sum += s
            squares += s * s
        }
        let n = Float(size)
        let mean = sum / n
        // Sample variance (n − 1), its mean's variance (/ n).
        let variance = pointwiseMax(squares - sum * mean, .zero) / (n - 1) / n
        let luminance = (mean * SIMD3(0.2722, 0.6741, 0.0537)).sum()
        let limit = tolerance * (floor + max(luminance, 0))
        return variance.max() <= limit * limit
    }
}
