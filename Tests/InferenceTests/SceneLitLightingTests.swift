import Foundation
import Inference
import ShotSpec
import Testing

/// The scene-level lighting solve: content addressing, reuse across shots, SH known answers.
@Suite struct SceneLitLightingTests {
    static let scene = """
        environment:
          sky: {sun_elevation: 35, sun_azimuth: 135, turbidity: 3}
        objects:
          - {name: block, shape: box, position: [0, 0.5, 0], size: [1, 1, 1], material: {base_color: [0.9, 0.3, 0.1]}}
          - {name: lamp, shape: sphere, radius: 0.3, position: [1.5, 0.3, 0.5], material: {emission: [1, 0.8, 0.6], emission_strength: 4}}
          - {name: drum, shape: cylinder, radius: 0.3, height: 1, position: [-1.5, 0.5, 0]}
        """

    @Test func secondShotOfSameSceneReusesArtifactWithoutSolving() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let generator = SceneLitGenerator()
        let first = try SceneLitTestSupport.spec(shot: "sh010", body: Self.scene + "\ncamera: {position: [0, 2, 6], target: [0, 0.5, 0]}")
        let second = try SceneLitTestSupport.spec(
            shot: "sh020", frames: "{first: 1101, count: 48}", body: Self.scene + "\ncamera: {position: [4, 1, 3], target: [0, 1, 0]}"
        )
        let a = try generator.solveLighting(first, storageRoot: root, cancellation: CancellationFlag())
        let b = try generator.solveLighting(second, storageRoot: root, cancellation: CancellationFlag())
        #expect(a.solved)
        #expect(!b.solved)
        #expect(a.artifact == b.artifact)
        let url = try #require(a.artifact.url)
        #expect(url.path.hasPrefix(root.appendingPathComponent(".scenefarm/lighting").path))
        #expect(FileManager.default.fileExists(atPath: url.path))
        // No temporary files are left beside it.
        let siblings = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
        #expect(siblings == [url.lastPathComponent])
        // The second shot renders from the stored artifact.
        let frames = try SceneLitTestSupport.render(second, frames: 1101...1101, root: root)
        #expect(frames[1101] != nil)
    }

    @Test func changingTheEnvironmentChangesTheLightingID() throws {
        let base = try SceneLitTestSupport.spec(body: Self.scene)
        let hazier = try SceneLitTestSupport.spec(body: Self.scene.replacingOccurrences(of: "turbidity: 3", with: "turbidity: 5"))
        let lower = try SceneLitTestSupport.spec(body: Self.scene.replacingOccurrences(of: "sun_elevation: 35", with: "sun_elevation: 20"))
        let renamed = try SceneLitTestSupport.spec(shot: "sh999", frames: "{first: 1, count: 5}", body: Self.scene)
        let params = SceneLitParams()
        let id = try SceneLitGenerator.lightingID(base, params: params, configSource: "x")
        #expect(id != (try SceneLitGenerator.lightingID(hazier, params: params, configSource: "x")))
        #expect(id != (try SceneLitGenerator.lightingID(lower, params: params, configSource: "x")))
        #expect(id == (try SceneLitGenerator.lightingID(renamed, params: params, configSource: "x")))
        #expect(id.count == 64)
    }

    @Test func shProjectionOfConstantEnvironmentEvaluatesToThatConstant() {
        let c = SIMD3<Double>(0.7, 1.25, 3.5)
        let sh = SphericalHarmonics9.project { _ in c }
        for d in [SIMD3<Double>(0, 1, 0), SIMD3(1, 0, 0), SIMD3(0, 0, -1), SIMD3(0.48, -0.6, 0.64)] {
            let radiance = sh.radiance(d)
            #expect(abs(radiance.x - c.x) < 1e-5 && abs(radiance.y - c.y) < 1e-5 && abs(radiance.z - c.z) < 1e-5)
            let irradiance = sh.irradiance(d)
            #expect(abs(irradiance.y - Double.pi * c.y) < 1e-4)
        }
    }

    @Test func solarPositionMatchesNOAAForKnownPlaceAndTime() {
        // Greenwich, 2024-06-21 12:00 UTC: NOAA's calculator gives elevation ≈ 61.9°, azimuth ≈ 179°.
        let sun = SolarPosition.angles(latitude: 51.4769, longitude: 0, year: 2024, month: 6, day: 21, hour: 12, minute: 0, utcOffsetHours: 0)
        #expect(abs(sun.elevation - 61.96) < 0.3)
        #expect(abs(sun.azimuth - 179) < 2)
    }
}
