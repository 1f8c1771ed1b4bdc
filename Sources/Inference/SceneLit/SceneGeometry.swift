import Foundation
import ShotSpec

/// Surface appearance in ACEScg, ready for shading.
struct SceneSurface: Sendable, Equatable {
    var albedo: SIMD3<Float>
    var roughness: Float
    var metallic: Float
    /// Emitted radiance (colour × strength).
    var emission: SIMD3<Float>
    /// Checkerboard square side in metres (0: plain) and its second albedo.
    var checkerSize: Float = 0
    var albedo2 = SIMD3<Float>.zero
    /// Tiles instead of a checkerboard when above 0: grout width in metres, in `albedo2`.
    var tileGrout: Float = 0
    /// Value or Perlin noise instead of a checkerboard (`checkerSize` its largest feature), in `albedo2`.
    var noise = ProceduralNoise.none
    /// Share of light passing through as through a smooth dielectric (SceneLitGlass.swift), the
    /// index of refraction inside, and the colour one passage through keeps.
    var transmission: Float = 0
    var ior: Float = 1.5
    var tint = SIMD3<Float>(repeating: 1)
    /// Image texture (index into the scene's textures, −1: none) and the side of one repeat, m.
    var textureIndex = -1
    var textureScale: Float = 1

    /// The albedo averaged over the surface: what the radiosity solve, whose patches are larger
    /// than the squares, sees. Light a dielectric lets through is not diffusely reflected.
    var meanAlbedo: SIMD3<Float> {
        guard tileGrout == 0 else {
            // Grout covers 1 − (1 − g/s)² of each tile's square.
            let clear = 1 - tileGrout / checkerSize
            return (albedo + (albedo2 - albedo) * (1 - clear * clear)) * (1 - transmission)
        }
        return (checkerSize > 0 ? (albedo + albedo2) / 2 : albedo) * (1 - transmission)
    }
}

/// One analytic primitive, axis-aligned (the spec has no rotations).
struct Primitive: Sendable {
    enum Kind: UInt8, Sendable { case sphere, box, cylinder }
    var kind: Kind
    var center: SIMD3<Float>
    /// Sphere: (r, r, r). Box: half extents. Cylinder: (r, half height, r).
    var half: SIMD3<Float>
    /// Index into the scene's surfaces (0 is the ground).
    var surface: Int
    var isStatic: Bool
}

/// A ray hit: distance, outward normal, and what was hit (−1: the ground).
struct RayHit {
    var t: Float
    var normal: SIMD3<Float>
    var primitive: Int
}

/// Ground plane plus primitives, intersected by the renderer and the lighting solve alike.
struct SceneGeometry: Sendable {
    var groundEnabled: Bool
    var groundHeight: Float
    var primitives: [Primitive]

    static let epsilon: Float = 1e-4

    /// Nearest hit along `o + t d` for t in (epsilon, tMax).
    @inline(__always)
    func intersect(_ o: SIMD3<Float>, _ d: SIMD3<Float>, tMax: Float = .infinity, staticOnly: Bool = false) -> RayHit? {
        primitives.withUnsafeBufferPointer { prims in
            Self.nearest(prims, groundEnabled: groundEnabled, groundHeight: groundHeight, o, d, tMax: tMax, staticOnly: staticOnly)
        }
    }

    /// Whether anything (ground excluded) blocks `o + t d` for t in (epsilon, tMax).
    @inline(__always)
    func occluded(_ o: SIMD3<Float>, _ d: SIMD3<Float>, tMax: Float = .infinity, staticOnly: Bool = false) -> Bool {
        primitives.withUnsafeBufferPointer { prims in Self.anyHit(prims, o, d, tMax: tMax, staticOnly: staticOnly) }
    }

    /// `intersect` over raw primitives, for the pixel loop (no array retain per ray).
    @inline(__always)
    static func nearest(
        _ prims: UnsafeBufferPointer<Primitive>, groundEnabled: Bool, groundHeight: Float,
        _ o: SIMD3<Float>, _ d: SIMD3<Float>, tMax: Float = .infinity, staticOnly: Bool = false
    ) -> RayHit? {
        var best: RayHit?
        var limit = tMax
        if groundEnabled, d.y != 0 {
            let t = (groundHeight - o.y) / d.y
            if t > epsilon, t < limit {
                limit = t
                best = RayHit(t: t, normal: SIMD3(0, 1, 0), primitive: -1)
            }
        }
        for i in 0..<prims.count where !staticOnly || prims[i].isStatic {
            if mayHit(prims[i], o, d, limit), let (t, n) = hit(prims[i], o, d, limit) {
                limit = t
                best = RayHit(t: t, normal: n, primitive: i)
            }
        }
        return best
    }

    /// `nearest` over the primitives whose bit is set in `mask` (bit i: primitive i), in index
    /// order: the camera rays of a block skip those `CameraBlockCulling` shows they cannot hit.
    @inline(__always)
    static func nearest(
        _ prims: UnsafeBufferPointer<Primitive>, mask: UInt64, groundEnabled: Bool, groundHeight: Float,
        _ o: SIMD3<Float>, _ d: SIMD3<Float>
    ) -> RayHit? {
        var best: RayHit?
        var limit = Float.infinity
        if groundEnabled, d.y != 0 {
            let t = (groundHeight - o.y) / d.y
            if t > epsilon, t < limit {
                limit = t
                best = RayHit(t: t, normal: SIMD3(0, 1, 0), primitive: -1)
            }
        }
        var rest = mask
        while rest != 0 {
            let i = rest.trailingZeroBitCount
            rest &= rest &- 1
            if mayHit(prims[i], o, d, limit), let (t, n) = hit(prims[i], o, d, limit) {
                limit = t
                best = RayHit(t: t, normal: n, primitive: i)
            }
        }
        return best
    }

    /// `occluded` over raw primitives.
    @inline(__always)
    static func anyHit(_ prims: UnsafeBufferPointer<Primitive>, _ o: SIMD3<Float>, _ d: SIMD3<Float>, tMax: Float = .infinity, staticOnly: Bool = false) -> Bool {
        for i in 0..<prims.count where !staticOnly || prims[i].isStatic {
            if mayHit(prims[i], o, d, tMax), hit(prims[i], o, d, tMax) != nil { return true }
        }
        return false
    }

    /// `anyHit` over the primitives whose bit is set in `mask`: a shadow ray towards the sun
    /// skips those `CameraBlockCulling.sunMask` shows cannot block it (any order gives the same answer).
    @inline(__always)
    static func anyHit(_ prims: UnsafeBufferPointer<Primitive>, mask: UInt64, _ o: SIMD3<Float>, _ d: SIMD3<Float>) -> Bool {
        var rest = mask
        while rest != 0 {
            let i = rest.trailingZeroBitCount
            rest &= rest &- 1
            if mayHit(prims[i], o, d, .infinity), hit(prims[i], o, d, .infinity) != nil { return true }
        }
        return false
    }

    /// Conservative bounding-sphere test for boxes and cylinders: false only when the ray surely
    /// misses within (0, tMax). The sphere is inflated well past rounding error, so skipping the
    /// exact test never changes a result; it only saves the slab and quadratic work.
    @inline(__always)
    static func mayHit(_ p: Primitive, _ o: SIMD3<Float>, _ d: SIMD3<Float>, _ tMax: Float) -> Bool {
        if p.kind == .sphere { return true }
        let radius = (p.kind == .box ? (p.half * p.half).sum() : p.half.x * p.half.x + p.half.y * p.half.y).squareRoot() * 1.01 + 1e-3
        let oc = o - p.center
        let a = (d * d).sum(), b = (oc * d).sum(), c = (oc * oc).sum() - radius * radius
        guard c > 0 else { return true }
        if b >= 0 { return false }
        let disc = b * b - a * c
        if disc < 0 { return false }
        return (-b - disc.squareRoot()) < tMax * a
    }

    @inline(__always)
    static func hit(_ p: Primitive, _ o: SIMD3<Float>, _ d: SIMD3<Float>, _ tMax: Float) -> (Float, SIMD3<Float>)? {
        switch p.kind {
        case .sphere:
            let oc = o - p.center
            let b = (oc * d).sum()
            let c = (oc * oc).sum() - p.half.x * p.half.x
            let disc = b * b - c
            guard disc >= 0 else { return nil }
            let s = disc.squareRoot()
            var t = -b - s
            if t <= epsilon { t = -b + s }
            guard t > epsilon, t < tMax else { return nil }
            return (t, (o + d * t - p.center) / p.half.x)
        case .box:
            let inv = 1 / d
            let t1 = (p.center - p.half - o) * inv
            let t2 = (p.center + p.half - o) * inv
            let tNear = pointwiseMin(t1, t2), tFar = pointwiseMax(t1, t2)
            let enter = tNear.max(), exit = tFar.min()
            guard enter <= exit, exit > epsilon else { return nil }
            let t = enter > epsilon ? enter : exit
            guard t < tMax else { return nil }
            let local = (o + d * t - p.center) / p.half
            let a = SIMD3<Float>(abs(local.x), abs(local.y), abs(local.z))
            if a.x >= a.y && a.x >= a.z { return (t, SIMD3(local.x > 0 ? 1 : -1, 0, 0)) }
            if a.y >= a.z { return (t, SIMD3(0, local.y > 0 ? 1 : -1, 0)) }
            return (t, SIMD3(0, 0, local.z > 0 ? 1 : -1))
        case .cylinder:
            let r = p.half.x, hh = p.half.y
            let oc = o - p.center
            var best: Float = tMax
            var normal = SIMD3<Float>.zero
            let a = d.x * d.x + d.z * d.z
            if a > 1e-12 {
                let b = oc.x * d.x + oc.z * d.z
                let c = oc.x * oc.x + oc.z * oc.z - r * r
                let disc = b * b - a * c
                if disc >= 0 {
                    let s = disc.squareRoot()
                    // Near root first, then far (written out: an array literal here allocated per ray).
                    let near = (-b - s) / a, far = (-b + s) / a
                    if near > epsilon && near < best && abs(oc.y + d.y * near) <= hh {
                        best = near
                        normal = SIMD3(oc.x + d.x * near, 0, oc.z + d.z * near) / r
                    } else if far > epsilon && far < best && abs(oc.y + d.y * far) <= hh {
                        best = far
                        normal = SIMD3(oc.x + d.x * far, 0, oc.z + d.z * far) / r
                    }
                }
            }
            if d.y != 0 {
                @inline(__always) func cap(_ height: Float) {
                    let t = (height - oc.y) / d.y
                    if t > epsilon && t < best {
                        let x = oc.x + d.x * t, z = oc.z + d.z * t
                        if x * x + z * z <= r * r {
                            best = t
                            normal = SIMD3(0, height > 0 ? 1 : -1, 0)
                        }
                    }
                }
                cap(hh)
                cap(-hh)
            }
            return best < tMax ? (best, normal) : nil
        }
    }
}
