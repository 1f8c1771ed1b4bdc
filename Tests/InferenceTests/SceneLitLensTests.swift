import Foundation
import ImageCore
import Inference
import ShotSpec
import Testing

/// The camera's lens and sensor: temporal stability, grain that keeps the mean, exposure,
/// natural vignetting, depth of field, and soft shadows that do not depend on the chunk.
@Suite struct SceneLitLensTests {
    /// A lit interior corner with an area light, a point light and depth of field: everything
    /// that samples per pixel, with nothing moving.
    static let stillInterior = """
        camera: {position: [0, 1.2, 3], target: [0, 0.5, 0], f_stop: 2, focus_distance: 3, vignetting: true, exposure: 4}
        environment: {uniform: {radiance: [0.02, 0.02, 0.025]}}
        ground: {material: {base_color: [0.5, 0.45, 0.4], roughness: 0.6}}
        objects:
          - {name: box, shape: box, position: [0, 0.4, 0], size: [0.8, 0.8, 0.8], material: {base_color: [0.6, 0.6, 0.6]}}
          - {name: ball, shape: sphere, position: [1, 0.3, 0.5], radius: 0.3, material: {base_color: [0.9, 0.9, 0.9], metallic: 1, roughness: 0.1}}
        lights:
          - {name: panel, type: area, position: [-0.5, 2.5, 0.5], direction: [0, -1, 0], size: [1, 1], nits: 3000, temperature: 4000, samples: 8}
          - {name: bulb, type: point, position: [1.5, 1, -0.5], radius: 0.05, lumens: 800, temperature: 2700}
        """

    @Test func staticCameraOverStaticSceneGivesBitIdenticalFrames() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let spec = try SceneLitTestSupport.spec(frames: "{first: 1001, count: 3}", width: 48, height: 27, params: "{samples: 4, gi_ground_patches: 6, gi_object_patches: 4, gi_sky_samples: 16, reflections: traced}", body: Self.stillInterior)
        let frames = try SceneLitTestSupport.render(spec, frames: 1001...1003, root: root)
        let first = try #require(frames[1001])
        #expect(first == frames[1002] && first == frames[1003])
        // Lit and shadowed: the frame is far from flat.
        #expect(Set(first.pixels).count > 500)
    }

    @Test func lightsLensAndGrainGiveTheSameBitsForAnyThreadCount() throws {
        // Soft shadows, lens samples and grain are hashed from the pixel and frame, never drawn
        // per thread: one thread and three threads render the same frame.
        let root = try SceneLitTestSupport.storageRoot()
        defer {
            WorkerThreads.set(nil)
            SceneLitTestSupport.cleanUp(root)
        }
        let body = Self.stillInterior.replacingOccurrences(of: "exposure: 4}", with: "exposure: 4, grain: 0.05}")
        let spec = try SceneLitTestSupport.spec(frames: "{first: 1001, count: 1}", width: 48, height: 27, params: "{samples: 4, gi_ground_patches: 6, gi_object_patches: 4, gi_sky_samples: 16, reflections: traced}", body: body)
        #expect(spec.camera.grain == 0.05)
        WorkerThreads.set(1)
        let one = try SceneLitTestSupport.render(spec, frames: 1001...1001, root: root)[1001]
        WorkerThreads.set(3)
        let three = try SceneLitTestSupport.render(spec, frames: 1001...1001, root: root)[1001]
        #expect(one != nil && one == three)
    }

    /// A flat, evenly lit patch: the ground under a uniform sky, seen straight down.
    static func flatSpec(grain: Double) throws -> ShotSpec {
        try SceneLitTestSupport.spec(frames: "{first: 1001, count: 2}", width: 64, height: 64, body: """
            camera: {position: [0, 5, 0], target: [0, 0, 0], grain: \(grain)}
            environment: {uniform: {radiance: [1, 1, 1]}}
            ground: {material: {base_color: [0.18, 0.18, 0.18], roughness: 1}}
            """)
    }

    static func mean(_ image: RGBAImage, channel c: Int, region: Range<Int>) -> Double {
        var sum = 0.0
        for y in region { for x in region { sum += Double(image[x, y][c]) } }
        return sum / Double(region.count * region.count)
    }

    @Test func grainChangesEveryFrameButKeepsTheMeanOfAFlatPatch() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let clean = try SceneLitTestSupport.render(Self.flatSpec(grain: 0), frames: 1001...1002, root: root)
        let grainy = try SceneLitTestSupport.render(Self.flatSpec(grain: 0.05), frames: 1001...1002, root: root)
        let a = try #require(grainy[1001]), b = try #require(grainy[1002]), plain = try #require(clean[1001])
        #expect(a != b, "grain must differ from frame to frame")
        #expect(a != plain)
        // The same frame rendered again (another chunk, another node) has the same grain.
        let again = try SceneLitTestSupport.render(Self.flatSpec(grain: 0.05), frames: 1002...1002, root: root)
        #expect(again[1002] == b)
        // Zero-mean noise of σ ≈ 5 % at mid grey: over 48 × 48 pixels its mean is within about
        // 5 % / 48 ≈ 0.1 % of the grain-free value, well inside the 0.5 % bound.
        let region = 8..<56
        for image in [a, b] {
            for c in 0..<3 {
                let ratio = Self.mean(image, channel: c, region: region) / Self.mean(plain, channel: c, region: region)
                #expect(abs(ratio - 1) < 0.005, "channel \(c): grainy/clean mean = \(ratio)")
            }
        }
        // And it is visible: the per-pixel spread is near the model's σ = 0.05 · √(0.18 v + 0.018²).
        var sq = 0.0
        for y in region { for x in region { let d = Double(a[x, y].y - plain[x, y].y); sq += d * d } }
        let sigma = (sq / Double(region.count * region.count)).squareRoot()
        let v = Double(plain[32, 32].y)
        let model = 0.05 * (0.18 * v + 0.018 * 0.018).squareRoot()
        #expect(abs(sigma / model - 1) < 0.1, "grain σ \(sigma), model \(model)")
    }

    @Test func exposureOfOneStopDoublesEveryPixel() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        func frame(_ stops: Int) throws -> RGBAImage {
            let spec = try SceneLitTestSupport.spec(frames: "{first: 1001, count: 1}", body: """
                camera: {position: [0, 1.5, 5], target: [0, 0.5, 0], exposure: \(stops)}
                environment: {sky: {sun_elevation: 30, sun_azimuth: 200}}
                objects: [{name: b, shape: box, position: [0, 0.5, 0], size: [1, 1, 1]}]
                """)
            return try #require(try SceneLitTestSupport.render(spec, frames: 1001...1001, root: root)[1001])
        }
        let base = try frame(0), up = try frame(1)
        for i in stride(from: 0, to: base.pixels.count, by: 4) {
            for c in 0..<3 where base.pixels[i + c] < 1000 { #expect(up.pixels[i + c] == 2 * base.pixels[i + c]) }
        }
    }

    @Test func naturalVignettingFallsOffAsCosineToTheFourth() throws {
        // A uniform environment seen through a pinhole is flat; with vignetting a pixel reads
        // L cos⁴θ, θ its ray's angle off the axis (the cos⁴ law of illumination, e.g. Ray,
        // Applied Photographic Optics, 3rd ed., §10.3).
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let spec = try SceneLitTestSupport.spec(frames: "{first: 1001, count: 1}", width: 65, height: 33, body: """
            camera: {position: [0, 1, 0], target: [0, 1, -1], focal_length_mm: 18, sensor_width_mm: 36, vignetting: true}
            environment: {uniform: {radiance: [0.5, 0.5, 0.5]}}
            ground: {enabled: false}
            """)
        let image = try #require(try SceneLitTestSupport.render(spec, frames: 1001...1001, root: root)[1001])
        #expect(image[32, 16].y == 0.5)
        // Corner pixel (0, 0): its centre is at screen x = −64/65, y = 32/33 of the half-extents;
        // tan(half width) = 36 / (2·18) = 1, half height 33/65 of it.
        let sx = -64.0 / 65, sy = 32.0 / 33 * 33.0 / 65
        let cosTheta = 1 / (1 + sx * sx + sy * sy).squareRoot()
        let expected = 0.5 * pow(cosTheta, 4)
        #expect(abs(Double(image[0, 0].y) / expected - 1) < 1e-4, "corner \(image[0, 0].y), cos⁴ law \(expected)")
    }

    @Test func depthOfFieldBlursWhatIsOutOfFocusAndKeepsWhatIsIn() throws {
        // Two thin dark posts against a white sky, one 0.8 m from the camera and one 12 m away on
        // the plane of focus. At f/1.4 (aperture 35.7 mm) the near post's circle of confusion is
        // 35.7 mm × (12 − 0.8) / 0.8 = 0.5 m on the focus plane, 5.6 pixels across here, wider
        // than the post itself (3.3 pixels), so it spreads; the far one keeps its edges.
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        func frame(_ lens: String) throws -> RGBAImage {
            let spec = try SceneLitTestSupport.spec(frames: "{first: 1001, count: 1}", width: 96, height: 32, params: "{samples: 32, gi_ground_patches: 4, gi_object_patches: 4, gi_sky_samples: 8}", body: """
                camera: {position: [0, 1, 4], target: [0, 1, 0], focal_length_mm: 50, sensor_width_mm: 36 \(lens)}
                environment: {uniform: {radiance: [1, 1, 1]}}
                ground: {enabled: false}
                objects:
                  - {name: near, shape: box, position: [-0.2, 1, 3.2], size: [0.02, 1, 0.02], material: {base_color: [0, 0, 0], roughness: 1}}
                  - {name: far, shape: box, position: [2, 1, -8], size: [0.3, 8, 0.3], material: {base_color: [0, 0, 0], roughness: 1}}
                """)
            return try #require(try SceneLitTestSupport.render(spec, frames: 1001...1001, root: root)[1001])
        }
        func darkened(_ image: RGBAImage, _ xs: Range<Int>) -> Int { xs.filter { image[$0, 16].y < 0.9 }.count }
        let pinhole = try frame(""), open = try frame(", f_stop: 1.4, focus_distance: 12")
        // Near post about 3.3 pixels wide around x ≈ 15, far post about 3.3 wide around x ≈ 70
        // (tan(half width) = 36 / 100, 48 pixels per unit of screen).
        let near = 2..<42, far = 50..<92
        #expect(darkened(open, far) <= darkened(pinhole, far) + 1, "far post: \(darkened(pinhole, far)) → \(darkened(open, far)) pixels")
        #expect(darkened(open, near) >= darkened(pinhole, near) + 3, "near post: \(darkened(pinhole, near)) → \(darkened(open, near)) pixels")
    }

    @Test func areaLightShadowIsTheSameAcrossAChunkBoundary() throws {
        // A ball falls through an area light's soft shadow region; frame 1006 rendered as the
        // last of one chunk, the first of the next, and alone must be the same bits.
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let spec = try SceneLitTestSupport.spec(frames: "{first: 1001, count: 12}", width: 48, height: 27, params: "{samples: 2, gi_ground_patches: 6, gi_object_patches: 4, gi_sky_samples: 16}", body: """
            camera: {position: [0, 1.5, 4], target: [0, 0.4, 0], shutter_angle: 180}
            environment: {uniform: {radiance: [0.01, 0.01, 0.01]}}
            objects:
              - {name: post, shape: box, position: [-0.6, 0.5, 0], size: [0.3, 1, 0.3]}
              - {name: ball, shape: sphere, position: [0.5, 2, 0], radius: 0.25, dynamic: true}
            lights:
              - {name: panel, type: area, position: [0, 2.5, -1.5], direction: [0, -1, 0], size: [1.2, 0.6], nits: 20000, samples: 16}
            """)
        let a = try SceneLitTestSupport.render(spec, frames: 1001...1006, root: root)
        let b = try SceneLitTestSupport.render(spec, frames: 1006...1012, root: root)
        let alone = try SceneLitTestSupport.render(spec, frames: 1006...1006, root: root)
        let frame = try #require(a[1006])
        #expect(frame == b[1006] && frame == alone[1006])
        // The post's shadow falls toward the camera: the lower half holds lit ground, shadow, and
        // penumbra between them.
        var lower: [Float] = []
        for y in 14..<27 { for x in 0..<48 { lower.append(SceneLitTestSupport.luminance(frame[x, y])) } }
        let top = lower.max()!
        #expect(top > 4 * lower.min()!)
        #expect(lower.filter { $0 > 0.2 * top && $0 < 0.8 * top }.count >= 10)
    }
}
