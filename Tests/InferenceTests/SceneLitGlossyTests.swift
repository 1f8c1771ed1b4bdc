import Foundation
import ImageCore
import Inference
import ShotSpec
import Testing

/// Glossy reflections traced into the scene (`reflections: traced`): energy kept in a white
/// furnace, and a blurred but not dimmed image of a bright bar in a semi-polished floor.
@Suite struct SceneLitGlossyTests {

    @Test func roughMetalInAWhiteFurnaceReflectsTheEnvironment() throws {
        // A metal ball of albedo 1 (capped at 0.999) in a uniform environment of radiance L with
        // nothing else in view: every reflected ray sees L, so the ball reads F·E·L, with F the
        // albedo and E the GGX lobe's directional albedo, which for these roughnesses is above
        // 0.97 away from grazing (Kulla & Conty, "Revisiting Physically Based Shading at
        // Imageworks", SIGGRAPH 2017 course, fig. 3: single-scattering energy loss). So within
        // 3 % of L over the ball's inner disc, whether a mirror ray, a lobe or gathered light.
        for rough in [0.05, 0.2, 0.3, 0.4] {
            let worst = try Self.furnaceDeviation(roughness: rough, samples: 1)
            #expect(worst < 0.03, "roughness \(rough): worst deviation from the environment \(worst * 100) %")
        }
    }

    /// The largest relative deviation from the environment's radiance over the inner disc of a
    /// metal ball of albedo 1 and `roughness` in a uniform environment, at `samples` per pixel.
    static func furnaceDeviation(roughness rough: Double, samples: Int) throws -> Double {
        let spec = try SceneLitTestSupport.spec(
            frames: "{first: 1001, count: 1}", width: 33, height: 33,
            params: "{samples: \(samples), gi_ground_patches: 4, gi_object_patches: 4, gi_sky_samples: 8, reflections: traced}", body: """
            camera: {position: [0, 1, 4], target: [0, 1, 0], focal_length_mm: 36, sensor_width_mm: 36}
            environment: {uniform: {radiance: [0.5, 0.5, 0.5]}}
            ground: {enabled: false}
            objects:
              - {name: ball, shape: sphere, radius: 1, position: [0, 1, 0], material: {base_color: [1, 1, 1], metallic: 1, roughness: \(rough)}}
            """)
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let image = try #require(try SceneLitTestSupport.render(spec, frames: 1001...1001, root: root)[1001])
        var worst = 0.0
        for y in 0..<33 {
            for x in 0..<33 {
                let sx = (Double(x) + 0.5) * 2 / 33 - 1, sy = 1 - (Double(y) + 0.5) * 2 / 33
                guard (sx * sx + sy * sy).squareRoot() < 0.7 * tan(asin(0.25)) else { continue }
                worst = max(worst, abs(Double(SceneLitTestSupport.luminance(image[x, y])) / 0.5 - 1))
            }
        }
        return worst
    }

    /// A glowing bar floating over a metal floor in the dark, seen level from 0.5 m: the floor
    /// shows only its reflection. Returns (summed luminance of the floor rows, the reflection's
    /// spread as the standard deviation of its rows, in pixels: seen this low, a rough floor
    /// stretches a reflection mostly towards and away from the viewer).
    static func barReflection(roughness: Double) throws -> (energy: Double, spread: Double) {
        let spec = try SceneLitTestSupport.spec(
            frames: "{first: 1001, count: 1}", width: 96, height: 54,
            params: "{samples: 4, gi_ground_patches: 4, gi_object_patches: 4, gi_sky_samples: 8, reflections: traced}", body: """
            camera: {position: [0, 0.5, 0], target: [0, 0.5, -4], focal_length_mm: 18, sensor_width_mm: 36}
            environment: {uniform: {radiance: [0, 0, 0]}}
            ground: {material: {base_color: [0.9, 0.9, 0.9], metallic: 1, roughness: \(roughness)}}
            objects:
              - {name: bar, shape: box, size: [0.4, 0.5, 0.1], position: [0, 0.75, -4], material: {base_color: [0, 0, 0], emission: [1, 1, 1], emission_strength: 4}}
            """)
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let image = try #require(try SceneLitTestSupport.render(spec, frames: 1001...1001, root: root)[1001])
        // Rows 27… look below the level view, so they see the floor (the bar floats above 0.5 m).
        var energy = 0.0, mean = 0.0, square = 0.0
        for y in 27..<54 {
            for x in 0..<96 {
                let l = Double(SceneLitTestSupport.luminance(image[x, y]))
                energy += l
                mean += l * Double(y)
                square += l * Double(y) * Double(y)
            }
        }
        mean /= energy
        return (energy, (square / energy - mean * mean).squareRoot())
    }

    @Test func aSemiPolishedFloorBlursTheReflectionWithoutDimmingIt() throws {
        let mirror = try Self.barReflection(roughness: 0.05)
        let glossy = try Self.barReflection(roughness: 0.25)
        // Blurred: the bar's reflection (about 4 rows tall in the mirror) spreads to at least 1.5×.
        #expect(glossy.spread > 1.5 * mirror.spread, "spread: glossy \(glossy.spread) px, mirror \(mirror.spread) px")
        // Not dimmed: the lobe redistributes the reflected light (measured 3 % less, light the
        // wider image spreads past the frame's lower edge), within 10 %.
        #expect(abs(glossy.energy / mirror.energy - 1) < 0.10, "reflected energy glossy/mirror \(glossy.energy / mirror.energy)")
    }

    @Test func glassGlossAndTexturesGiveAFrameTheSameBitsAloneOrInsideAChunk() throws {
        // Their ray patterns hash only the ray, so frame N is the same whichever chunk renders it;
        // with a still camera consecutive frames are identical (no crawling glossy noise).
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        var board = RGBAImage(width: 16, height: 16)
        for y in 0..<16 { for x in 0..<16 { board[x, y] = ((x / 4) + (y / 4)) % 2 == 0 ? SIMD4(0.7, 0.5, 0.3, 1) : SIMD4(0.2, 0.1, 0.05, 1) } }
        let texture = try SceneLitImageTextureTests.write(board, named: "board.exr", in: root)
        func spec(_ moves: String) throws -> ShotSpec {
            try SceneLitTestSupport.spec(width: 48, height: 27, params: "{samples: 2, gi_ground_patches: 6, gi_object_patches: 4, gi_sky_samples: 16, reflections: traced}", body: """
                camera: {position: [0, 1.2, 4], target: [0, 0.4, 0], shutter_angle: 180, moves: \(moves)}
                environment: {sky: {sun_elevation: 40, sun_azimuth: 120, turbidity: 3}}
                ground: {material: {roughness: 0.25, texture: {path: \(texture), colorspace: sRGB - Texture, scale: 1}}}
                objects:
                  - {name: glass, shape: sphere, radius: 0.4, position: [-0.5, 0.4, 0], material: {transmission: 1, ior: 1.5, tint: [0.9, 1, 0.9]}}
                  - {name: chrome, shape: sphere, radius: 0.3, position: [0.6, 0.3, 0], material: {base_color: [0.9, 0.9, 0.9], metallic: 1, roughness: 0.2}}
                """)
        }
        let moving = try spec("[{type: orbit, start: 1001, end: 1020, degrees: 20}]")
        let alone = try SceneLitTestSupport.render(moving, frames: 1006...1006, root: root)
        let chunk = try SceneLitTestSupport.render(moving, frames: 1004...1007, root: root)
        #expect(try #require(alone[1006]) == chunk[1006])
        let still = try SceneLitTestSupport.render(try spec("[]"), frames: 1001...1002, root: root)
        #expect(try #require(still[1001]) == still[1002])
        #expect(Set(try #require(still[1001]).pixels).count > 100)
    }
}
