import Foundation
import ShotSpec

/// A procedural checkerboard, box-filtered over the pixel's footprint so that squares smaller
/// than a pixel average to their mean instead of aliasing into moiré and shimmer.
///
/// The filter is the analytic integral of the square wave over a box (Iñigo Quílez, "Filtering
/// procedurals", iquilezles.org, 2013): with p in square units and w the box width,
/// i = 2 (|fract((p − w/2)/2) − ½| − |fract((p + w/2)/2) − ½|) / w per axis, and the share of the
/// second colour is ½ − ½ iₓ·i_y. The footprint comes from ray differentials (Igehy, "Tracing
/// Ray Differentials", SIGGRAPH 1999): a one-pixel step of the ray, carried to the hit plane.
enum CheckerTexture {
    /// The hit point in the plane of the normal's dominant axis (floors use x, z) and, with
    /// `filter`, the width along each of its axes of one pixel's footprint there (metres).
    @inline(__always)
    static func planar(
        point p: SIMD3<Float>, normal n: SIMD3<Float>, direction d: SIMD3<Float>, distance t: Float,
        stepX: SIMD3<Float>, stepY: SIMD3<Float>, filter: Bool
    ) -> (position: SIMD2<Float>, footprint: SIMD2<Float>) {
        let a = SIMD3<Float>(abs(n.x), abs(n.y), abs(n.z))
        @inline(__always) func plane(_ v: SIMD3<Float>) -> SIMD2<Float> {
            if a.y >= a.x && a.y >= a.z { return SIMD2(v.x, v.z) }
            if a.x >= a.z { return SIMD2(v.z, v.y) }
            return SIMD2(v.x, v.y)
        }
        guard filter else { return (plane(p), .zero) }
        let dn = (d * n).sum()
        let denom = abs(dn) > 1e-4 ? dn : (dn < 0 ? -1e-4 : 1e-4)
        let dx = (stepX - d * ((stepX * n).sum() / denom)) * t
        let dy = (stepY - d * ((stepY * n).sum() / denom)) * t
        let fx = plane(dx), fy = plane(dy)
        return (plane(p), SIMD2(abs(fx.x) + abs(fy.x), abs(fx.y) + abs(fy.y)))
    }

    /// Share of the second colour (0…1) at hit point `p` with unit normal `n`, seen along unit
    /// `d` from distance `t`; `stepX`/`stepY` are the ray's change per pixel. With `grout` above 0
    /// the pattern is tiles of side `size` whose grout lines, `grout` metres wide, are the second
    /// colour.
    @inline(__always)
    static func weight(
        point p: SIMD3<Float>, normal n: SIMD3<Float>, direction d: SIMD3<Float>, distance t: Float,
        stepX: SIMD3<Float>, stepY: SIMD3<Float>, size: Float, grout: Float = 0, noise: ProceduralNoise = .none, filter: Bool
    ) -> Float {
        let (position, footprint) = planar(point: p, normal: n, direction: d, distance: t, stepX: stepX, stepY: stepY, filter: filter)
        let q = position / size
        var w = SIMD2<Float>(repeating: 1e-4)
        if filter { w = pointwiseMax(footprint / size, w) }
        if grout > 0 { return tiles(q, width: w, grout: grout / size) }
        if noise == .value { return valueNoise(q, width: max(w.x, w.y)) }
        if noise == .perlin { return perlinNoise(q, width: max(w.x, w.y)) }
        @inline(__always) func tri(_ x: SIMD2<Float>) -> SIMD2<Float> {
            let h = x * 0.5
            let f = h - h.rounded(.down)
            return SIMD2(abs(f.x - 0.5), abs(f.y - 0.5))
        }
        let i = 2 * (tri(q - w * 0.5) - tri(q + w * 0.5)) / w
        return min(max(0.5 - 0.5 * i.x * i.y, 0), 1)
    }

    /// Octaves of value noise: features from `size` down to size/8.
    static let noiseOctaves = 4

    /// Fractal value noise at `q` (units of the largest feature), 0…1 with mean ½, averaged over a
    /// footprint `w` wide by clamping each octave (Norton, Rockwood & Skolmoski, "Clamping: a
    /// method of antialiasing textured surfaces by bandwidth limiting in object space",
    /// SIGGRAPH 1982): an octave keeps full contrast while its cells are over two footprints
    /// wide and fades to its mean by one, so detail finer than a pixel becomes the mean instead
    /// of aliasing. Lattice values hash the integer cell (the same on every node); interpolation
    /// is smoothstep-bilinear.
    @inline(__always)
    static func valueNoise(_ q: SIMD2<Float>, width w: Float) -> Float {
        octaves(q, width: w) { f, ix, iy, octave in
            let s = f * f * (3 - 2 * f)
            @inline(__always) func lattice(_ dx: Int32, _ dy: Int32) -> Float {
                PixelHash.unit(PixelHash.hash(UInt32(bitPattern: ix &+ dx), UInt32(bitPattern: iy &+ dy), octave &+ 0x5EED))
            }
            let top = lattice(0, 0) + (lattice(1, 0) - lattice(0, 0)) * s.x
            let bottom = lattice(0, 1) + (lattice(1, 1) - lattice(0, 1)) * s.x
            return top + (bottom - top) * s.y
        }
    }

    /// Fractal gradient noise (Perlin, "Improving Noise", SIGGRAPH 2002, in two dimensions) at `q`
    /// (units of the largest feature), remapped to 0…1 with mean ½, over the same octaves and
    /// with the same clamping as `valueNoise`. Each lattice point gets one of eight unit gradients
    /// (axes and diagonals) by hashing the cell; an octave's value is the quintic-faded blend of
    /// the four corners' g · (q − corner), so it is exactly 0 at every lattice point and at most
    /// √2/2 in size (the diagonal gradients' bound, hence the remap 0.5 + n/√2); its mean is 0,
    /// so a fading octave moves to 0, the remapped ½.
    @inline(__always)
    static func perlinNoise(_ q: SIMD2<Float>, width w: Float) -> Float {
        octaves(q, width: w) { f, ix, iy, octave in
            let s = f * f * f * (f * (f * 6 - 15) + 10)
            @inline(__always) func corner(_ dx: Int32, _ dy: Int32) -> Float {
                let h = PixelHash.hash(UInt32(bitPattern: ix &+ dx), UInt32(bitPattern: iy &+ dy), octave &+ 0x9E12) >> 29
                let g = Self.gradients[Int(h)]
                return g.x * (f.x - Float(dx)) + g.y * (f.y - Float(dy))
            }
            let top = corner(0, 0) + (corner(1, 0) - corner(0, 0)) * s.x
            let bottom = corner(0, 1) + (corner(1, 1) - corner(0, 1)) * s.x
            return 0.5 + (top + (bottom - top) * s.y) * Float(0.5).squareRoot()
        }
    }

    /// The eight unit gradients of `perlinNoise`: the axes and the diagonals.
    static let gradients: [SIMD2<Float>] = {
        let d = Float(0.5).squareRoot()
        return [SIMD2(1, 0), SIMD2(-1, 0), SIMD2(0, 1), SIMD2(0, -1), SIMD2(d, d), SIMD2(-d, d), SIMD2(d, -d), SIMD2(-d, -d)]
    }()

    /// The `noiseOctaves` octaves of a lattice noise at `q`, halving in size and weight, each
    /// clamped to its mean ½ over a footprint `w` (see `valueNoise`). `octave(f, ix, iy, k)` is
    /// octave k's value in 0…1 (mean ½) at fraction `f` inside lattice cell (`ix`, `iy`).
    @inline(__always)
    static func octaves(_ q: SIMD2<Float>, width w: Float, _ octave: (SIMD2<Float>, Int32, Int32, UInt32) -> Float) -> Float {
        guard q.x.isFinite, q.y.isFinite else { return 0.5 }
        var sum: Float = 0, amplitude: Float = 0.5, scale: Float = 1, total: Float = 0
        for k in 0..<noiseOctaves {
            let p = q * scale
            let cell = p.rounded(.down)
            // Clamped before the integer conversion, which traps on values past Int's range.
            let c = pointwiseMin(pointwiseMax(cell, SIMD2(repeating: -1e9)), SIMD2(repeating: 1e9))
            let value = octave(p - cell, Int32(truncatingIfNeeded: Int(c.x)), Int32(truncatingIfNeeded: Int(c.y)), UInt32(k))
            let fade = min(max(2 - 2 * w * scale, 0), 1)
            sum += amplitude * (0.5 + (value - 0.5) * fade)
            total += amplitude
            amplitude *= 0.5
            scale *= 2
        }
        return sum / total
    }

    /// Grout share of tiles at `q` (tile units), box-filtered over `w`: per axis the grout band
    /// [k, k + g) of each period has the running integral G(x) = ⌊x⌋·g + min(fract x, g), so its
    /// mean over the box is (G(q + w/2) − G(q − w/2)) / w (the same analytic box filter as the
    /// checker's); the two axes' lines combine as 1 − (1 − sₓ)(1 − s_y).
    @inline(__always)
    static func tiles(_ q: SIMD2<Float>, width w: SIMD2<Float>, grout g: Float) -> Float {
        @inline(__always) func integral(_ x: SIMD2<Float>) -> SIMD2<Float> {
            let k = x.rounded(.down)
            return k * g + pointwiseMin(x - k, SIMD2(repeating: g))
        }
        // Shifted to the tile's own period first: G(x + n) − G(y + n) = G(x) − G(y), and small
        // arguments keep the difference of two integrals accurate in Float.
        let local = q - q.rounded(.down)
        let s = pointwiseMin(pointwiseMax((integral(local + w * 0.5) - integral(local - w * 0.5)) / w, .zero), SIMD2(repeating: 1))
        return 1 - (1 - s.x) * (1 - s.y)
    }
}
