import Foundation
import ImageCore
@testable import Inference
import ShotSpec
import Testing

/// Glass and water measured against optics: the Fresnel equations in Fresnel's own sine and
/// tangent form, the critical angle, the Stokes series of a clear and a tinted sphere against a
/// uniform sky, and the lateral displacement of an edge seen through a slab.
@Suite struct SceneLitGlassTests {
    /// Fresnel's sine and tangent laws (Born & Wolf, Principles of Optics, §1.5.2, eq. 22):
    /// R_s = sin²(θi − θt) / sin²(θi + θt), R_p = tan²(θi − θt) / tan²(θi + θt), θt from Snell.
    static func fresnelSineLaw(theta: Double, n1: Double, n2: Double) -> Double {
        let thetaT = asin(n1 / n2 * sin(theta))
        let rs = pow(sin(theta - thetaT), 2) / pow(sin(theta + thetaT), 2)
        let rp = pow(tan(theta - thetaT), 2) / pow(tan(theta + thetaT), 2)
        return (rs + rp) / 2
    }

    @Test func normalIncidenceReflectsTheSquaredIndexRatio() {
        // ((n − 1) / (n + 1))²: 4 % for glass, 2.0 % for water.
        for n: Float in [1.5, 1.33, 2.4] {
            let expected = powf((n - 1) / (n + 1), 2)
            let r = DielectricFresnel.reflectance(theta: 0, from: 1, to: n)
            #expect(abs(r - expected) < 1e-6, "n = \(n): \(r), expected \(expected)")
        }
    }

    @Test func obliqueReflectanceFollowsFresnelsSineAndTangentLaws() {
        for degrees in stride(from: 5.0, through: 85.0, by: 10.0) {
            let theta = degrees * Double.pi / 180
            for (n1, n2) in [(1.0, 1.5), (1.5, 1.0), (1.0, 1.33)] where n1 / n2 * sin(theta) < 1 {
                let expected = Self.fresnelSineLaw(theta: theta, n1: n1, n2: n2)
                let r = Double(DielectricFresnel.reflectance(theta: Float(theta), from: Float(n1), to: Float(n2)))
                #expect(abs(r - expected) < 1e-4, "\(degrees)° from \(n1) to \(n2): \(r), expected \(expected)")
            }
        }
        // At Brewster's angle, tan θB = n₂/n₁, the p wave is not reflected: R = R_s / 2.
        let brewster = atan(1.5)
        let r = Double(DielectricFresnel.reflectance(theta: Float(brewster), from: 1, to: 1.5))
        #expect(abs(r - pow(sin(brewster - (Double.pi / 2 - brewster)), 2) / 2) < 1e-4)
    }

    @Test func pastTheCriticalAngleEverythingIsReflected() {
        // Glass to air: θc = asin(1 / 1.5) = 41.81°.
        let critical = asin(1 / 1.5) * 180 / Double.pi
        for degrees in [critical + 0.2, 50, 70, 89] {
            #expect(DielectricFresnel.reflectance(theta: Float(degrees * Double.pi / 180), from: 1.5, to: 1) == 1, "\(degrees)°")
        }
        let below = DielectricFresnel.reflectance(theta: Float((critical - 0.5) * Double.pi / 180), from: 1.5, to: 1)
        #expect(below < 1 && below > 0.04, "just below the critical angle: \(below)")
    }

    /// A glass sphere of radius 1 m, 4 m in front of the camera, under a uniform sky of radiance
    /// `sky` with no ground, seen through an odd number of pixels so the centre ray is its axis.
    static func sphere(tint: Double, sky: Double) throws -> RGBAImage {
        let spec = try SceneLitTestSupport.spec(frames: "{first: 1001, count: 1}", width: 33, height: 33, body: """
            camera: {position: [0, 1, 4], target: [0, 1, 0], focal_length_mm: 36, sensor_width_mm: 36}
            environment: {uniform: {radiance: [\(sky), \(sky), \(sky)]}}
            ground: {enabled: false}
            objects:
              - {name: ball, shape: sphere, radius: 1, position: [0, 1, 0], material: {transmission: 1, ior: 1.5, tint: [\(tint), \(tint), \(tint)]}}
            """)
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        return try #require(try SceneLitTestSupport.render(spec, frames: 1001...1001, root: root)[1001])
    }

    @Test func aGlassSphereTransmitsWhatTheStokesSeriesPredicts() throws {
        // On the axis every interface is at normal incidence, R = 0.04, T = 1 − R, and each
        // passage keeps τ: the camera sees L·(R + T²τ Σ (Rτ)^k) = L·(R + T²τ / (1 − Rτ)) (Stokes'
        // sum of multiple reflections). A clear sphere (τ = 1) sums to exactly L: all light that
        // enters leaves again towards the uniform sky.
        let sky = 0.8, r = 0.04
        for tint in [1.0, 0.5] {
            let image = try Self.sphere(tint: tint, sky: sky)
            let expected = sky * (r + (1 - r) * (1 - r) * tint / (1 - r * tint))
            let centre = Double(image[16, 16].y)
            #expect(abs(centre / expected - 1) < 1e-3, "τ = \(tint): centre \(centre), Stokes series \(expected)")
        }
        // Off the axis, too, a clear sphere loses no light: every pixel within 0.8 of its
        // silhouette's radius reads the sky within 0.5 %.
        let clear = try Self.sphere(tint: 1, sky: sky)
        var worst = 0.0
        for y in 0..<33 {
            for x in 0..<33 {
                // The sphere subtends asin(1/4) = 14.5°; the image spans ±45°.
                let sx = (Double(x) + 0.5) * 2 / 33 - 1, sy = 1 - (Double(y) + 0.5) * 2 / 33
                guard (sx * sx + sy * sy).squareRoot() < 0.8 * tan(asin(0.25)) else { continue }
                worst = max(worst, abs(Double(clear[x, y].y) / sky - 1))
            }
        }
        #expect(worst < 5e-3, "worst deviation from the sky inside the sphere: \(worst * 100) %")
        // And the sphere is seen at all: outside it, the sky reads exactly L.
        #expect(abs(Double(clear[0, 16].y) - sky) < 1e-6)
    }

    /// Where the edge of a black box, whose face is 3 m away and whose right side is at x = 1.732 m
    /// (30° off the axis; that side faces away from the camera, so only the front face shows), appears in row 4 of a 64×9 frame, in pixels from the left. With
    /// `slab`, a 1 m glass slab stands 1.5–2.5 m in front of the camera, across the whole view.
    static func edgeColumn(slab: Bool) throws -> Double {
        let glass = slab ? "\n  - {name: slab, shape: box, size: [40, 40, 1], position: [0, 0, -2], material: {transmission: 1, ior: 1.5}}" : ""
        let spec = try SceneLitTestSupport.spec(
            frames: "{first: 1001, count: 1}", width: 64, height: 9,
            params: "{samples: 64, gi_ground_patches: 4, gi_object_patches: 4, gi_sky_samples: 8}", body: """
            camera: {position: [0, 0, 0], target: [0, 0, -10], focal_length_mm: 18, sensor_width_mm: 36}
            environment: {uniform: {radiance: [1, 1, 1]}}
            ground: {enabled: false}
            objects:
              - {name: card, shape: box, size: [10, 40, 2], position: [-3.2679492, 0, -4], material: {base_color: [0, 0, 0], roughness: 1}}\(glass)
            """)
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let image = try #require(try SceneLitTestSupport.render(spec, frames: 1001...1001, root: root)[1001])
        let row = (0..<64).map { Double(image[$0, 4].y) }
        // The 64 samples across a pixel make its value the share of it right of the edge, so
        // the edge lies at the pixels' summed dark share past the steepest step's left edge.
        var x = 2
        for i in 2..<62 where row[i + 1] - row[i - 1] > row[x + 1] - row[x - 1] { x = i }
        let dark: Double = row[x - 2], bright: Double = row[x + 2]
        #expect(bright - dark > 0.2, "no clear edge in \(row)")
        var position = Double(x - 1)
        for j in (x - 1)...(x + 1) { position += (bright - row[j]) / (bright - dark) }
        return position
    }

    @Test func aGlassSlabShiftsAnEdgeByTheLateralDisplacement() throws {
        // A ray at θ to the slab's normal leaves a slab of thickness t parallel to itself,
        // displaced by t·sin(θ − θt)/cos θt (Snell: sin θt = sin θ / n); along the slab's face
        // that is t·(tan θ − tan θt). So the edge at x = 1.732 m, z = −3 m is now seen along the
        // θ with 2 tan θ + (tan θ − (tan θ − tan θt))·1 = 1.732: solved here by bisection.
        func reach(_ tanTheta: Double) -> Double {
            let theta = atan(tanTheta), thetaT = asin(sin(theta) / 1.5)
            return tanTheta * 2 + tan(thetaT) * 1
        }
        var lo = 0.0, hi = 2.0
        for _ in 0..<60 {
            let mid = (lo + hi) / 2
            if reach(mid) < 1.7320508 { lo = mid } else { hi = mid }
        }
        // Pinhole with tan(half width) = 1: column = (tan θ + 1) / 2 × 64.
        let expectedWithout = (1.7320508 / 3 + 1) / 2 * 64, expectedWith = (lo + 1) / 2 * 64
        let without = try Self.edgeColumn(slab: false), with = try Self.edgeColumn(slab: true)
        #expect(abs(without - expectedWithout) < 0.05, "no slab: edge at \(without) px, geometry gives \(expectedWithout)")
        #expect(abs(with - expectedWith) < 0.1, "slab: edge at \(with) px, lateral displacement gives \(expectedWith)")
        #expect(with - without > 2, "the slab shifts the edge by \(with - without) px")
    }

    @Test func glassKeysOutOfRangeNameTheirField() {
        let ior = SceneLitSpecErrorTests.error("objects:\n  - {name: a, shape: sphere, radius: 1, position: [0, 1, 0], material: {transmission: 1, ior: 0.5}}")
        #expect(ior?.hasPrefix("shot.objects[0].material.ior:") == true, "\(ior ?? "no error")")
        let tint = SceneLitSpecErrorTests.error("objects:\n  - {name: a, shape: sphere, radius: 1, position: [0, 1, 0], material: {transmission: 1, tint: [1, 2, 1]}}")
        #expect(tint?.hasPrefix("shot.objects[0].material.tint:") == true, "\(tint ?? "no error")")
        let transmission = SceneLitSpecErrorTests.error("objects:\n  - {name: a, shape: sphere, radius: 1, position: [0, 1, 0], material: {transmission: 1.5}}")
        #expect(transmission?.hasPrefix("shot.objects[0].material.transmission:") == true, "\(transmission ?? "no error")")
    }
}
