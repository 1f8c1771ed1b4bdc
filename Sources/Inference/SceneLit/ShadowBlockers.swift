import Foundation

/// The primitives that can stop the shadow rays from one shaded point towards one light, tested
/// so that each ray's answer is exactly `SceneGeometry.anyHit`'s, only sooner.
///
/// Every shadow ray of a light starts at `origin` and stops short of a point of the light's
/// extent (its rectangle or its centre) moved by the same offset `origin − p` as the ray's
/// start, so the whole segment lies in the box around `origin` and that moved extent. The
/// primitives are axis-aligned, so one whose box (grown by `margin`) does not overlap that box
/// cannot be met by any of the rays: indoors, the walls, ceiling and most furniture drop out and
/// a ray tests the one or two things between the point and the lamp. The margin is far wider
/// than the rounding of the exact tests (about 1e-6 of the scene's size), so a dropped primitive
/// is one `SceneGeometry.hit` would reject for every ray, and the answer does not change.
///
/// Within a point's rays the primitive that stopped the previous ray is tried first: neighbouring
/// samples of a light are mostly stopped by the same thing, and "is anything in the way" has the
/// same answer in any order.
struct ShadowBlockers {
    /// Absolute part of the box margin, metres; `relativeMargin` of the box's largest coordinate is added.
    static let margin: Float = 1e-3
    static let relativeMargin: Float = 1e-5

    let prims: UnsafeBufferPointer<Primitive>
    /// Bit i: primitive i may stop a ray (scenes of at most `CameraBlockCulling.maxPrimitives`).
    let mask: UInt64
    /// Whether `mask` applies; larger scenes test every primitive, as `anyHit` does.
    let culled: Bool
    let staticOnly: Bool
    /// The primitive that stopped the previous ray, or −1.
    private(set) var last = -1

    /// A primitive's box, `center ∓ half` as the test below computes it, taken once per frame:
    /// four lanes each, the fourth (−∞, +∞) so it never fails the overlap test.
    struct Box {
        var low: SIMD4<Float>
        var high: SIMD4<Float>

        init(_ prim: Primitive) {
            let low = prim.center - prim.half, high = prim.center + prim.half
            self.low = SIMD4(low, -.infinity)
            self.high = SIMD4(high, .infinity)
        }
    }

    /// Blockers of the rays from `origin` (the shaded point `p` moved off its surface) towards
    /// points of the box `reachLo`…`reachHi` around the light. `boxes` (one per primitive, in
    /// `prims`' order) saves computing them per point: the same numbers, so the same mask.
    @inline(__always)
    init(
        _ prims: UnsafeBufferPointer<Primitive>, staticOnly: Bool, point p: SIMD3<Float>, origin: SIMD3<Float>,
        reachLo: SIMD3<Float>, reachHi: SIMD3<Float>, boxes: UnsafePointer<Box>? = nil
    ) {
        self.prims = prims
        self.staticOnly = staticOnly
        guard prims.count <= CameraBlockCulling.maxPrimitives else {
            mask = 0
            culled = false
            return
        }
        culled = true
        let offset = origin - p
        var lo = Self.lanesMin(origin, reachLo + offset), hi = Self.lanesMax(origin, reachHi + offset)
        let size = max(Self.lanesMax(Self.lanesMax(lo, -lo), Self.lanesMax(hi, -hi)).max(), 1)
        let m = SIMD3<Float>(repeating: Self.margin + Self.relativeMargin * size)
        lo -= m
        hi += m
        var bits: UInt64 = 0
        let lo4 = SIMD4(lo, 0), hi4 = SIMD4(hi, 0)
        for i in 0..<prims.count {
            guard !staticOnly || prims[i].isStatic else { continue }
            let box = boxes?[i] ?? Box(prims[i])
            if all((box.low .<= hi4) .& (box.high .>= lo4)) { bits |= UInt64(1) << UInt64(i) }
        }
        mask = bits
    }

    /// `pointwiseMin` / `pointwiseMax` lane by lane, inline: the standard library's generic
    /// versions (`Float.minimum` / `Float.maximum` per lane, the same calls as here) were out-of-line
    /// calls on every shaded point and light.
    @inline(__always)
    static func lanesMin(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3(Float.minimum(a.x, b.x), Float.minimum(a.y, b.y), Float.minimum(a.z, b.z))
    }

    @inline(__always)
    static func lanesMax(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3(Float.maximum(a.x, b.x), Float.maximum(a.y, b.y), Float.maximum(a.z, b.z))
    }

    /// The primitives `GlassShadow.pass` needs to test for these rays (it tests dynamic ones
    /// too): the mask where it applies, every primitive otherwise.
    var glassMask: UInt64 { culled && !staticOnly ? mask : .max }

    /// Whether anything stops `o + t d` for t in (epsilon, tMax): `SceneGeometry.anyHit`'s answer.
    @inline(__always)
    mutating func blocks(_ o: SIMD3<Float>, _ d: SIMD3<Float>, tMax: Float) -> Bool {
        guard culled else { return SceneGeometry.anyHit(prims, o, d, tMax: tMax, staticOnly: staticOnly) }
        var rest = mask
        if last >= 0 {
            if SceneGeometry.mayHit(prims[last], o, d, tMax), SceneGeometry.hit(prims[last], o, d, tMax) != nil { return true }
            rest &= ~(UInt64(1) << UInt64(last))
        }
        while rest != 0 {
            let i = rest.trailingZeroBitCount
            rest &= rest &- 1
            if SceneGeometry.mayHit(prims[i], o, d, tMax), SceneGeometry.hit(prims[i], o, d, tMax) != nil {
                last = i
                return true
            }
        }
        return false
    }
}

