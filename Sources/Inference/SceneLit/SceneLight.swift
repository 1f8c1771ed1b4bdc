import Foundation
import ShotSpec

/// A light ready for shading, in scene units (pixel value per cd/m² is `PreethamSky.unitsPerNit`,
/// so a lux of illuminance is `unitsPerNit` of irradiance, as for the sun).
///
/// Point: intensity I = Φ / 4π candela. Spot: I = Φ / (2π (1 − cos(cone / 2))), the flux spread
/// over its cone. Area: a one-sided Lambertian rectangle of luminance L (given in nits, or
/// L = Φ / (π A) from lumens). Illuminance from a point is I cos θ / d² (inverse-square law).
struct SceneLight: Sendable {
    enum Kind: UInt8, Sendable { case point, spot, area }

    var kind: Kind
    /// Set only here (private(set)): `reachLo`, `reachHi` and `area` are taken from it once.
    private(set) var position: SIMD3<Float>
    /// Point and spot: luminous intensity × colour, scene units at 1 m.
    var intensity: SIMD3<Float>
    /// Spot axis, or the side an area light faces (unit).
    var direction: SIMD3<Float>
    /// Spot cone: cosines of the half angles where the fade ends (outer) and starts (inner).
    var cosOuter: Float
    var cosInner: Float
    /// Area: half-extent vectors along the rectangle's width and height.
    private(set) var halfU: SIMD3<Float>
    private(set) var halfV: SIMD3<Float>
    /// Area: radiance × colour. Point with a bulb: the bulb's radiance × colour.
    var radiance: SIMD3<Float>
    /// Point: radius of the visible bulb (0: invisible).
    var radius: Float
    /// Area: shadow rays per shaded point.
    var samples: Int
    /// `reach`, and an area light's area, computed once here instead of for every shaded point
    /// (the same expressions on the same numbers, so the same bits).
    private(set) var reachLo = SIMD3<Float>.zero
    private(set) var reachHi = SIMD3<Float>.zero
    private(set) var area: Float = 0

    /// Converts a spec light; `rgb` is its colour already in ACEScg (nil: use the temperature).
    init(_ spec: LightSpec, acescg rgb: SIMD3<Double>?) {
        let color: SIMD3<Double>
        switch spec.color {
        case .temperature(let kelvin): color = PlanckianLocus.acescg(kelvin: kelvin)
        case .rgb:
            let c = pointwiseMax(rgb ?? SIMD3(1, 1, 1), .zero)
            let y = PlanckianLocus.luminance(c)
            color = y > 0 ? c / y : SIMD3(1, 1, 1)
        }
        let units = PreethamSky.unitsPerNit
        position = SIMD3<Float>(spec.position)
        intensity = .zero
        direction = SIMD3(0, -1, 0)
        cosOuter = -1
        cosInner = -1
        halfU = .zero
        halfV = .zero
        radiance = .zero
        radius = 0
        samples = 1
        let lumens: Double
        switch spec.power {
        case .lumens(let f): lumens = f
        case .nits: lumens = 0
        }
        switch spec.kind {
        case .point(let r):
            kind = .point
            intensity = SIMD3<Float>(color * (lumens / (4 * Double.pi) * units))
            radius = Float(r)
            // A Lambertian sphere of radius r emitting Φ has radiance Φ / (4π² r²).
            if r > 0 { radiance = SIMD3<Float>(color * (lumens / (4 * Double.pi * Double.pi * r * r) * units)) }
        case .spot(let axis, let cone, let blend):
            kind = .spot
            let half = cone / 2 * Double.pi / 180
            direction = SIMD3<Float>(axis / (axis * axis).sum().squareRoot())
            cosOuter = Float(cos(half))
            cosInner = Float(cos(half * (1 - blend)))
            intensity = SIMD3<Float>(color * (lumens / (2 * Double.pi * (1 - cos(half))) * units))
        case .area(let facing, let width, let height, let count):
            kind = .area
            let n = facing / (facing * facing).sum().squareRoot()
            // Width runs horizontally (perpendicular to the facing and to world up); facing
            // straight up or down, it runs along +x.
            var u = SIMD3<Double>(n.z, 0, -n.x)
            let lu = (u * u).sum().squareRoot()
            u = lu > 1e-6 ? u / lu : SIMD3(1, 0, 0)
            let v = SIMD3(n.y * u.z - n.z * u.y, n.z * u.x - n.x * u.z, n.x * u.y - n.y * u.x)
            direction = SIMD3<Float>(n)
            halfU = SIMD3<Float>(u * (width / 2))
            halfV = SIMD3<Float>(v * (height / 2))
            let nits: Double
            switch spec.power {
            case .nits(let l): nits = l
            case .lumens(let f): nits = f / (Double.pi * width * height)
            }
            radiance = SIMD3<Float>(color * (nits * units))
            samples = count
        }
        (reachLo, reachHi) = reach
        area = 4 * (halfU * halfU).sum().squareRoot() * (halfV * halfV).sum().squareRoot()
    }

    /// Offsets in [0, 1)² of shadow sample `k` of `count`: a rank-1 (golden-ratio) lattice,
    /// stratified for any count, shifted toroidally by `shift` (Cranley–Patterson rotation) so
    /// neighbouring pixels sample different points and the pattern reads as fine noise, not bands.
    @inline(__always)
    static func lattice(_ k: Int, _ count: Int, shift: SIMD2<Float>) -> SIMD2<Float> {
        let a = (Float(k) + 0.5) / Float(count) + shift.x
        // x − trunc(x) is fmod(x, 1) exactly for x ≥ 0 (the fraction is representable), without the libm call.
        let g = Float(k) * 0.618034
        let b = (g - g.rounded(.towardZero)) + shift.y
        return SIMD2(a - a.rounded(.down), b - b.rounded(.down))
    }

    /// The box holding every point of the light a shadow ray aims at: the rectangle of an area
    /// light, the centre of a point or spot.
    @inline(__always)
    var reach: (lo: SIMD3<Float>, hi: SIMD3<Float>) {
        let extent = pointwiseMax(halfU, -halfU) + pointwiseMax(halfV, -halfV)
        return (position - extent, position + extent)
    }

    /// Illuminance (scene units) this light brings to a surface point with unit normal `n`,
    /// shadowed by `prims` (ground excluded, as for the sun). `direction` is set to the unit
    /// vector towards the light (its centre for an area light), for the highlight. Shadow rays
    /// test only the primitives `ShadowBlockers` leaves, with the same answers as testing all.
    /// An area light casts `count` rays, or its share of them when `strata` > 1 (see below).
    /// `through` gives the share of light a stopped shadow ray still carries past glass
    /// (`GlassShadow`); nil: whatever stops it is opaque. `boxes`: `prims`' boxes, if the caller
    /// keeps them (`ShadowBlockers.Box`).
    @inline(__always)
    func irradiance(
        at p: SIMD3<Float>, normal n: SIMD3<Float>, prims: UnsafeBufferPointer<Primitive>, staticOnly: Bool,
        samples count: Int, shift: SIMD2<Float>, toward l: inout SIMD3<Float>, stratum: Int = 0, strata: Int = 1,
        through: GlassShadow? = nil, boxes: UnsafePointer<ShadowBlockers.Box>? = nil
    ) -> SIMD3<Float> {
        let origin = p + n * 1e-3
        if kind != .area {
            let toL = position - p
            let d2 = max((toL * toL).sum(), max(radius * radius, 1e-6))
            let dist = d2.squareRoot()
            l = toL / dist
            let cosP = (n * l).sum()
            guard cosP > 0 else { return .zero }
            var falloff: Float = 1
            if kind == .spot {
                let c = -(l * direction).sum()
                guard c > cosOuter else { return .zero }
                if c < cosInner {
                    let t = (c - cosOuter) / (cosInner - cosOuter)
                    falloff = t * t * (3 - 2 * t)
                }
            }
            var blockers = ShadowBlockers(prims, staticOnly: staticOnly, point: p, origin: origin, reachLo: reachLo, reachHi: reachHi, boxes: boxes)
            if blockers.blocks(origin, l, tMax: dist - radius - 2e-3) {
                guard let through else { return .zero }
                return intensity * (cosP * falloff / d2) * through.pass(origin, l, tMax: dist - radius - 2e-3, only: blockers.glassMask)
            }
            return intensity * (cosP * falloff / d2)
        }
        let toC = position - p
        l = toC / max((toC * toC).sum().squareRoot(), 1e-6)
        // Behind the emitting side (or level with it) the rectangle sends nothing.
        guard (toC * direction).sum() < 0 else { return .zero }
        var blockers = ShadowBlockers(prims, staticOnly: staticOnly, point: p, origin: origin, reachLo: reachLo, reachHi: reachHi, boxes: boxes)
        var sum: Float = 0
        // Rays that reach the light only through glass, weighted by what passes (`through`).
        var tinted = SIMD3<Float>.zero
        // Split over `strata` calls (a pixel's camera samples), this one takes lattice points
        // stratum, stratum + strata, …: each point is uniform over the rectangle (the shift is),
        // so each call's estimate is unbiased and together they cover the whole lattice.
        let taken = strata > 1 ? max(1, (count + strata - 1) / strata) : count
        for i in 0..<taken {
            let k = strata > 1 ? (stratum + i * strata) % count : i
            let s = Self.lattice(k, count, shift: shift)
            let q = position + halfU * (2 * s.x - 1) + halfV * (2 * s.y - 1)
            let toQ = q - p
            let d2 = max((toQ * toQ).sum(), 1e-6)
            let dist = d2.squareRoot()
            let w = toQ / dist
            let cosP = (n * w).sum(), cosL = -(direction * w).sum()
            guard cosP > 0, cosL > 0 else { continue }
            if blockers.blocks(origin, w, tMax: dist - 2e-3) {
                if let through { tinted += through.pass(origin, w, tMax: dist - 2e-3, only: blockers.glassMask) * (cosP * cosL / d2) }
                continue
            }
            sum += cosP * cosL / d2
        }
        let open = radiance * (sum * area / Float(taken))
        return through == nil ? open : open + radiance * tinted * (area / Float(taken))
    }

    /// Distance along a camera ray to the light's visible part (bulb or the rectangle's lit
    /// side), or nil: point and spot lights without a bulb are invisible, as in most renderers.
    @inline(__always)
    func visible(_ o: SIMD3<Float>, _ d: SIMD3<Float>) -> Float? {
        switch kind {
        case .spot: return nil
        case .point:
            guard radius > 0 else { return nil }
            let oc = o - position
            let b = (oc * d).sum(), c = (oc * oc).sum() - radius * radius
            let disc = b * b - c
            guard disc >= 0 else { return nil }
            let t = -b - disc.squareRoot()
            return t > SceneGeometry.epsilon ? t : nil
        case .area:
            let denom = (d * direction).sum()
            guard denom < 0 else { return nil }
            let t = ((position - o) * direction).sum() / denom
            guard t > SceneGeometry.epsilon else { return nil }
            let q = o + d * t - position
            let u2 = (halfU * halfU).sum(), v2 = (halfV * halfV).sum()
            guard abs((q * halfU).sum()) <= u2, abs((q * halfV).sum()) <= v2 else { return nil }
            return t
        }
    }
}
