import Foundation
import ImageCore
import Inference
import ShotSpec
import Testing

/// Interior light measured against physics: inverse-square falloff, photometric units, black-body
/// colour, the white furnace, and lamp bounce in the lighting solve.
@Suite struct SceneLitInteriorLightTests {
    /// Pixel value per cd/m² (Docs/scenelit.md: scene-linear 1.0 is 5000 cd/m²).
    static let unitsPerNit: Float = 2e-4

    /// A white, fully rough floor under a black sky, seen straight down from 10 m through an odd
    /// number of pixels, so the centre pixel looks exactly at the origin; `light` sits above it.
    static func floorSpec(light: String) throws -> ShotSpec {
        try SceneLitTestSupport.spec(frames: "{first: 1001, count: 1}", width: 33, height: 33, body: """
            camera: {position: [0, 10, 0], target: [0, 0, 0], focal_length_mm: 36, sensor_width_mm: 36}
            environment: {uniform: {radiance: [0, 0, 0]}}
            ground: {material: {base_color: [1, 1, 1], roughness: 1}}
            lights:
              - \(light)
            """)
    }

    static func centre(_ light: String) throws -> SIMD4<Float> {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let image = try #require(try SceneLitTestSupport.render(floorSpec(light: light), frames: 1001...1001, root: root)[1001])
        return image[16, 16]
    }

    /// What the centre pixel reads per unit of illuminance (scene units) on the white floor, seen
    /// and lit along its normal: Lambertian ρ/π (ρ = 0.999, the renderer's albedo cap) less the
    /// 4 % Fresnel reflectance of a dielectric at normal incidence (F₀ = 0.04), plus the GGX peak
    /// for roughness 1 at normal incidence, F₀ · D · V = 0.04 · (1/π) · (1/4).
    static let floorResponse: Float = 0.999 * 0.96 / Float.pi + 0.04 / (4 * Float.pi)

    @Test func pointLightIlluminanceFollowsTheInverseSquareLaw() throws {
        // E = I / d² with I = Φ / 4π candela (an isotropic source): 1000 lm at 1, 2, 4 m.
        let lumens: Float = 1000
        for d: Float in [1, 2, 4] {
            let pixel = try Self.centre("{name: bulb, type: point, position: [0, \(d), 0], lumens: \(lumens), temperature: 6500}")
            let lux = lumens / (4 * Float.pi) / (d * d)
            let expected = lux * Self.unitsPerNit * Self.floorResponse
            let measured = SceneLitTestSupport.luminance(pixel)
            #expect(abs(measured / expected - 1) < 0.02, "d = \(d) m: luminance \(measured), inverse-square law gives \(expected)")
        }
    }

    @Test func smallAreaLightFarAwayMatchesAPointOfTheSameIntensity() throws {
        // A Lambertian rectangle of luminance L and area A has on-axis intensity I = L·A, so from
        // far away it lights like a point of flux 4π·L·A (Lambert's cosine law).
        let nits: Float = 50_000, side: Float = 0.1, d: Float = 3
        let area = try Self.centre("{name: panel, type: area, position: [0, \(d), 0], direction: [0, -1, 0], size: [\(side), \(side)], nits: \(nits), samples: 16}")
        let point = try Self.centre("{name: bulb, type: point, position: [0, \(d), 0], lumens: \(4 * Float.pi * nits * side * side), temperature: 6500}")
        let ratio = SceneLitTestSupport.luminance(area) / SceneLitTestSupport.luminance(point)
        #expect(abs(ratio - 1) < 0.02, "area/point = \(ratio)")
    }

    @Test func spotLightConcentratesItsFluxIntoItsCone() throws {
        // A spot spreads Φ over the solid angle 2π(1 − cos(half angle)) instead of 4π.
        let cone: Float = 60
        let spot = try Self.centre("{name: s, type: spot, position: [0, 2, 0], direction: [0, -1, 0], cone_angle: \(cone), blend: 0.2, lumens: 1000, temperature: 6500}")
        let point = try Self.centre("{name: p, type: point, position: [0, 2, 0], lumens: 1000, temperature: 6500}")
        let expected = 2 / (1 - cos(cone / 2 * Float.pi / 180))
        let ratio = SceneLitTestSupport.luminance(spot) / SceneLitTestSupport.luminance(point)
        #expect(abs(ratio / expected - 1) < 0.01, "spot/point = \(ratio), solid angles give \(expected)")
    }

    @Test func a2856KelvinLampHasTheChromaticityOfCIEIlluminantA() throws {
        // CIE Illuminant A is a Planckian radiator at 2856 K: x = 0.44757, y = 0.40745 (CIE 15:2004,
        // table T.3). The floor is spectrally flat, so the pixel keeps the lamp's chromaticity.
        let p = try Self.centre("{name: a, type: point, position: [0, 1, 0], lumens: 1000, temperature: 2856}")
        // ACEScg (AP1) to CIE XYZ, from ACES TB-2014-004 ("ACEScg" specification, section 4.3).
        let x = 0.6624541811 * p.x + 0.1340042065 * p.y + 0.1561876870 * p.z
        let y = 0.2722287168 * p.x + 0.6740817658 * p.y + 0.0536895174 * p.z
        let z = -0.0055746495 * p.x + 0.0040607335 * p.y + 1.0103391003 * p.z
        let sum = x + y + z
        #expect(abs(x / sum - 0.44757) < 0.002 && abs(y / sum - 0.40745) < 0.002, "xy = (\(x / sum), \(y / sum))")
    }

    @Test func aDarkLampChangesNoPixelOfAnOpenAirShot() throws {
        // Scenes without lights take a lean shading path; a 0 lm lamp sends them down the full
        // one. Adding nothing must change nothing, so the two paths agree bit for bit.
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let scene = """
            camera: {position: [0, 1.5, 5], target: [0, 0.5, 0]}
            environment: {sky: {sun_elevation: 25, sun_azimuth: 210}}
            objects:
              - {name: b, shape: box, position: [0, 0.5, 0], size: [1, 1, 1], material: {base_color: [0.7, 0.3, 0.2]}}
              - {name: s, shape: sphere, position: [1.2, 0.4, 0.5], radius: 0.4, material: {base_color: [0.9, 0.8, 0.5], metallic: 1, roughness: 0.2}}
            """
        let plain = try SceneLitTestSupport.spec(frames: "{first: 1001, count: 1}", body: scene)
        let dark = try SceneLitTestSupport.spec(frames: "{first: 1001, count: 1}", body: scene + "\nlights: [{name: off, type: point, position: [0, 3, 2], lumens: 0}]")
        let a = try SceneLitTestSupport.render(plain, frames: 1001...1001, root: root)[1001]
        let b = try SceneLitTestSupport.render(dark, frames: 1001...1001, root: root)[1001]
        #expect(a != nil && a == b)
    }

    /// A closed room 4 × 3 × 5 m built of six 0.1 m slabs (a solid box would be lit from outside:
    /// its patches face out), each with `material`.
    static func room(_ material: String) -> String {
        """
        objects:
          - {name: floor, shape: box, position: [0, -0.05, 0], size: [4, 0.1, 5], material: \(material)}
          - {name: ceiling, shape: box, position: [0, 3.05, 0], size: [4, 0.1, 5], material: \(material)}
          - {name: left, shape: box, position: [-2.05, 1.5, 0], size: [0.1, 3, 5], material: \(material)}
          - {name: right, shape: box, position: [2.05, 1.5, 0], size: [0.1, 3, 5], material: \(material)}
          - {name: back, shape: box, position: [0, 1.5, -2.55], size: [4, 3, 0.1], material: \(material)}
          - {name: front, shape: box, position: [0, 1.5, 2.55], size: [4, 3, 0.1], material: \(material)}
        """
    }

    /// Patch indices of the room's inner faces: box faces are +x, −x, +y, −y, +z, −z (0…5), so the
    /// floor's is +y, the ceiling's −y, the left wall's +x, and so on.
    static func innerPatches(_ lighting: SceneLitLighting) -> [Int] {
        let inner = [0: 2, 1: 3, 2: 0, 3: 1, 4: 4, 5: 5]
        return lighting.grids.filter { inner[$0.owner] == $0.face }.flatMap { g in g.offset..<(g.offset + g.nu * g.nv) }
    }

    /// Reads a scene's stored lighting solve.
    static func solve(_ spec: ShotSpec) throws -> SceneLitLighting {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let artifact = try SceneLitGenerator().prepare(spec, storageRoot: root, cancellation: CancellationFlag())
        let data = try Data(contentsOf: try #require(artifact.url))
        return try JSONDecoder().decode(SceneLitLighting.self, from: data)
    }

    @Test func whiteFurnaceConvergesToTheAnalyticRadiance() throws {
        // A closed box, every face of albedo ρ emitting radiance Lₑ. Every ray leaving a surface
        // lands on the box, so the radiosity B = πLₑ + ρE with E = B (all light arriving comes from
        // the enclosure): E = πLₑ / (1 − ρ), the radiance L = Lₑ / (1 − ρ) of the geometric series
        // Lₑ Σ ρᵏ ("white furnace"; Pharr, Jakob & Humphreys, Physically Based Rendering, 3rd ed.,
        // §14.5.4). The solve stores E per patch as its indirect irradiance.
        let rho = 0.5, le = 0.2
        let spec = try SceneLitTestSupport.spec(
            frames: "{first: 1001, count: 1}",
            params: "{samples: 1, gi_object_patches: 24, gi_sky_samples: 64}",
            body: """
                camera: {position: [0, 1, 1], target: [0, 1, -1]}
                environment: {uniform: {radiance: [3, 3, 3]}}
                ground: {enabled: false}
                \(Self.room("{base_color: [\(rho), \(rho), \(rho)], roughness: 1, emission: [1, 1, 1], emission_strength: \(le)}"))
                """)
        let lighting = try Self.solve(spec)
        let expected = Double.pi * le / (1 - rho)
        let patches = Self.innerPatches(lighting)
        #expect(patches.count > 100)
        var worst = 0.0, mean = 0.0
        for i in patches {
            let e = Double(lighting.irradiance[3 * i + 1])
            worst = max(worst, abs(e / expected - 1))
            mean += e / Double(patches.count)
        }
        #expect(abs(mean / expected - 1) < 0.02, "mean irradiance \(mean), analytic \(expected)")
        #expect(worst < 0.05, "worst patch off by \(worst * 100) %")
    }

    @Test func aWarmLampsBounceTintsTheWalls() throws {
        // A closed grey room lit only by one lamp: all its indirect light is the lamp's bounce, so
        // it carries the lamp's colour — red over blue for 2000 K, blue over red for 12000 K.
        func bounce(_ kelvin: Int) throws -> SIMD3<Double> {
            let spec = try SceneLitTestSupport.spec(frames: "{first: 1001, count: 1}", params: "{samples: 1, gi_object_patches: 8, gi_sky_samples: 16}", body: """
                camera: {position: [0, 1, 1], target: [0, 1, -1]}
                environment: {uniform: {radiance: [0, 0, 0]}}
                ground: {enabled: false}
                \(Self.room("{base_color: [0.6, 0.6, 0.6], roughness: 1}"))
                lights:
                  - {name: lamp, type: point, position: [1, 1, -1], lumens: 1000, temperature: \(kelvin)}
                """)
            let lighting = try Self.solve(spec)
            var sum = SIMD3<Double>.zero
            for i in Self.innerPatches(lighting) {
                sum += SIMD3(Double(lighting.irradiance[3 * i]), Double(lighting.irradiance[3 * i + 1]), Double(lighting.irradiance[3 * i + 2]))
            }
            return sum
        }
        let warm = try bounce(2000), cool = try bounce(12000)
        #expect(warm.y > 0 && warm.x > 1.5 * warm.z, "2000 K bounce \(warm)")
        #expect(cool.z > cool.x, "12000 K bounce \(cool)")
    }
}
