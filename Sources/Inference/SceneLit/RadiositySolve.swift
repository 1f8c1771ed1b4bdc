import COpenBLAS
import Foundation

/// Diffuse global illumination between the ground and static objects by classical radiosity:
/// point-to-patch form factors with ray-cast visibility, then (I − ρF)B = E per channel with
/// LAPACK `dgesv` (OpenBLAS), and the gathered irradiance F·B summed in Double.
struct RadiositySolve {
    let grids: [SceneLitLighting.PatchGrid]
    let geometry: SceneGeometry
    let surfaces: [SceneSurface]
    let environment: SceneLitEnvironment
    let skySamples: Int
    /// Point, spot and area lights: their direct light on each patch enters the solve like the
    /// sun's, so their bounce (a lamp's warm light on the walls) reaches every patch.
    var lights: [SceneLight] = []

    /// Shadow rays per patch for an area light (at least; more if the light asks for more).
    static let areaLightPatchSamples = 64

    /// OpenBLAS splits the solve over its threads, and the split changes the summation order: a
    /// two-core node and a one-core node solved the same scene 1 ulp apart. One thread makes the
    /// solve the same whatever the core count.
    ///
    /// OpenBLAS also picks its kernels by CPU model (Haswell, SkylakeX, Zen, Neoverse…), each
    /// summing in its own order: in Float, a Haswell and a Nehalem kernel lit the same scene
    /// differently, so a transfer-mode node (which solves on its own scratch root) would render
    /// frames that differ from a shared-storage node's under the same lighting id. So the system
    /// is solved in Double (kernel differences of ~1e-16 relative) and each result rounded to
    /// Float once: the Float only differs where a Double lands within that distance of a rounding
    /// boundary (a chance of about 1e-8 per value). `ThreadIndependenceTests` renders with other
    /// OpenBLAS kernels forced (`OPENBLAS_CORETYPE`) and compares the pixels.
    private static let singleThreadedBLAS: Void = openblas_set_num_threads(1)

    /// Indirect irradiance (sky past static geometry + bounced light), RGB per patch.
    func run(cancellation: CancellationFlag) throws(GeneratorError) -> [Float] {
        Self.singleThreadedBLAS
        var centers: [SIMD3<Float>] = [], normals: [SIMD3<Float>] = [], areas: [Float] = []
        var albedo: [SIMD3<Float>] = [], emission: [SIMD3<Float>] = []
        for g in grids {
            let surface = surfaces[g.owner < 0 ? 0 : geometry.primitives[g.owner].surface]
            for iv in 0..<g.nv {
                for iu in 0..<g.nu {
                    let (p, n, a) = PatchMapping.patch(g, iu, iv, geometry: geometry)
                    centers.append(p); normals.append(n); areas.append(a)
                    albedo.append(surface.meanAlbedo * (1 - surface.metallic))
                    emission.append(surface.emission)
                }
            }
        }
        let count = centers.count
        guard count > 0 else { return [] }
        let ground = grids.first { $0.owner < 0 }
        let sun = SIMD3<Float>(environment.sunDirection)
        let sunIrradiance = SIMD3<Float>(environment.sunIrradiance)

        // Direct light: sun (shadowed by static geometry) and sky (occluded by it and by the
        // patched ground, whose contribution comes back through the form factors instead).
        var direct = [SIMD3<Float>](repeating: .zero, count: count)
        var sky = [SIMD3<Float>](repeating: .zero, count: count)
        let directions = Self.cosineDirections(skySamples)
        for i in 0..<count {
            if i % 64 == 0 { try cancellation.check() }
            let n = normals[i], origin = centers[i] + n * 1e-3
            let cosSun = (n * sun).sum()
            if cosSun > 0, sunIrradiance.max() > 0, !geometry.occluded(origin, sun, staticOnly: true) {
                direct[i] = sunIrradiance * cosSun
            }
            if !lights.isEmpty {
                geometry.primitives.withUnsafeBufferPointer { prims in
                    var toward = SIMD3<Float>.zero
                    for light in lights {
                        direct[i] += light.irradiance(
                            at: centers[i], normal: n, prims: prims, staticOnly: true,
                            samples: max(light.samples, Self.areaLightPatchSamples), shift: .zero, toward: &toward
                        )
                    }
                }
            }
            let (t, b) = Self.frame(n)
            var sum = SIMD3<Double>.zero
            for local in directions {
                let d = t * local.x + b * local.y + n * local.z
                if geometry.occluded(origin, d, staticOnly: true) { continue }
                if let ground, normals[i].y < 0.999, d.y < 0 {
                    let hit = origin + d * ((geometry.groundHeight - origin.y) / d.y)
                    if hit.x >= ground.origin[0], hit.x <= ground.origin[0] + ground.size,
                       hit.z >= ground.origin[1], hit.z <= ground.origin[1] + ground.size { continue }
                }
                sum += environment.radiance(SIMD3<Double>(d))
            }
            sky[i] = SIMD3<Float>(sum * (Double.pi / Double(directions.count)))
        }

        // Where each patch sits in its grid, to integrate near pairs over both patches.
        var cell: [(grid: Int, iu: Int, iv: Int)] = []
        for (index, g) in grids.enumerated() {
            for iv in 0..<g.nv { for iu in 0..<g.nu { cell.append((index, iu, iv)) } }
        }

        // Form factors F[i][j]: irradiance at i per unit radiosity of j, row-major.
        var form = [Float](repeating: 0, count: count * count)
        for i in 0..<count {
            if i % 32 == 0 { try cancellation.check() }
            for j in (i + 1)..<count {
                let d = centers[j] - centers[i]
                let r2 = (d * d).sum()
                guard r2 > 1e-12 else { continue }
                let r = r2.squareRoot()
                let dir = d / r
                let ci = (normals[i] * dir).sum(), cj = -(normals[j] * dir).sum()
                guard ci > 0, cj > 0 else { continue }
                let origin = centers[i] + normals[i] * 1e-3
                if geometry.occluded(origin, dir, tMax: r - 2e-3, staticOnly: true) { continue }
                if r2 < Self.nearPairDistance2 * max(areas[i], areas[j]) {
                    // Close together (a room's corner, an object on the ground) the centre-to-disc
                    // estimate misses much of the exchange: integrate over both patches instead.
                    let (fij, fji) = nearFormFactors(i, j, cell: cell, areas: areas)
                    form[i * count + j] = fij
                    form[j * count + i] = fji
                    continue
                }
                let k = ci * cj / Float.pi
                form[i * count + j] = k * areas[j] / (r2 + areas[j] / Float.pi)
                form[j * count + i] = k * areas[i] / (r2 + areas[i] / Float.pi)
            }
        }

        // B = πLe + ρ(E_direct + E_sky + F·B), one linear system per channel, solved in Double
        // and rounded to Float once (why: the note on `singleThreadedBLAS`).
        var radiosity = [Double](repeating: 0, count: count * 3)
        for channel in 0..<3 {
            try cancellation.check()
            var matrix = [Double](repeating: 0, count: count * count)
            var rhs = [Double](repeating: 0, count: count)
            for i in 0..<count {
                let rho = Double(albedo[i][channel])
                for j in 0..<count { matrix[i * count + j] = -rho * Double(form[i * count + j]) }
                matrix[i * count + i] += 1
                rhs[i] = Double.pi * Double(emission[i][channel]) + rho * (Double(direct[i][channel]) + Double(sky[i][channel]))
            }
            var pivots = [Int32](repeating: 0, count: count)
            let n = Int32(count)
            let info = LAPACKE_dgesv(LAPACK_ROW_MAJOR, n, 1, &matrix, n, &pivots, &rhs, 1)
            guard info == 0 else { throw .failed("radiosity solve failed (LAPACKE_dgesv info \(info)) for \(count) patches") }
            for i in 0..<count { radiosity[i * 3 + channel] = rhs[i] }
        }

        // Gathered irradiance H = F · B, summed in Double in a fixed order (j ascending), so it
        // is the same bits on every machine; rounded to Float once, at the end.
        var irradiance = [Float](repeating: 0, count: count * 3)
        form.withUnsafeBufferPointer { form in
            radiosity.withUnsafeBufferPointer { b in
                for i in 0..<count {
                    var gathered = SIMD3<Double>.zero
                    let row = i * count
                    for j in 0..<count where form[row + j] != 0 {
                        gathered += Double(form[row + j]) * SIMD3<Double>(b[j * 3], b[j * 3 + 1], b[j * 3 + 2])
                    }
                    for c in 0..<3 { irradiance[i * 3 + c] = Float(max(0, Double(sky[i][c]) + gathered[c])) }
                }
            }
        }
        return irradiance
    }

    /// Pairs closer than √(this × the larger patch area) are integrated point by point.
    static let nearPairDistance2: Float = 12
    /// Sub-points per side on each patch of a near pair.
    static let nearPairSubdivision = 6

    /// Form factors F_ij and F_ji of a near pair, averaged over a grid of sub-points on each
    /// patch: F_ij = (1/A_i) ∫∫ cos θ_i cos θ_j / (π r²) dA_j dA_i, with each sub-area treated as
    /// a small disc (r² + a/π) so touching edges stay finite. Visibility is the centres' ray. With
    /// this the white-furnace room (SceneLitInteriorLightTests) lands within 2 % of the analytic
    /// answer; the centre-to-disc estimate alone lost about 4 % of the light in a room's corners.
    func nearFormFactors(_ i: Int, _ j: Int, cell: [(grid: Int, iu: Int, iv: Int)], areas: [Float]) -> (Float, Float) {
        let n = Self.nearPairSubdivision
        func points(_ k: Int) -> [(SIMD3<Float>, SIMD3<Float>)] {
            let c = cell[k], g = grids[c.grid]
            var out: [(SIMD3<Float>, SIMD3<Float>)] = []
            for b in 0..<n {
                for a in 0..<n {
                    let u = (Float(c.iu) + (Float(a) + 0.5) / Float(n)) / Float(g.nu)
                    let v = (Float(c.iv) + (Float(b) + 0.5) / Float(n)) / Float(g.nv)
                    out.append(PatchMapping.point(g, u: u, v: v, geometry: geometry))
                }
            }
            return out
        }
        let pi = points(i), pj = points(j)
        let ai = areas[i] / Float(n * n), aj = areas[j] / Float(n * n)
        var kernel: Float = 0, kernelJ: Float = 0
        for (x, nx) in pi {
            for (y, ny) in pj {
                let d = y - x
                let r2 = (d * d).sum()
                guard r2 > 1e-12 else { continue }
                let dir = d / r2.squareRoot()
                let ci = (nx * dir).sum(), cj = -(ny * dir).sum()
                guard ci > 0, cj > 0 else { continue }
                kernel += ci * cj / Float.pi / (r2 + aj / Float.pi)
                kernelJ += ci * cj / Float.pi / (r2 + ai / Float.pi)
            }
        }
        // F_ij = mean over i's points of Σ_j kernel·a_j; F_ji likewise.
        return (kernel * aj / Float(n * n), kernelJ * ai / Float(n * n))
    }

    /// A fixed cosine-weighted hemisphere pattern (z up): the same directions in every solve.
    static func cosineDirections(_ count: Int) -> [SIMD3<Float>] {
        (0..<count).map { k in
            let u1 = (Double(k) + 0.5) / Double(count)
            let u2 = (Double(k) * 0.6180339887498949).truncatingRemainder(dividingBy: 1)
            let r = u1.squareRoot(), phi = 2 * Double.pi * u2
            return SIMD3(Float(r * cos(phi)), Float(r * sin(phi)), Float((1 - u1).squareRoot()))
        }
    }

    /// Two unit tangents completing `n` to an orthonormal frame.
    static func frame(_ n: SIMD3<Float>) -> (SIMD3<Float>, SIMD3<Float>) {
        let helper: SIMD3<Float> = abs(n.y) < 0.9 ? SIMD3(0, 1, 0) : SIMD3(1, 0, 0)
        var t = SIMD3(helper.y * n.z - helper.z * n.y, helper.z * n.x - helper.x * n.z, helper.x * n.y - helper.y * n.x)
        t /= (t * t).sum().squareRoot()
        let b = SIMD3(n.y * t.z - n.z * t.y, n.z * t.x - n.x * t.z, n.x * t.y - n.y * t.x)
        return (t, b)
    }
}
