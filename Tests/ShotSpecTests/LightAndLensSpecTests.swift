import Foundation
import Testing
@testable import ShotSpec

/// `shot.lights` and the camera's lens and sensor keys: what they read, and the message for each
/// mistake, with its field path.
@Suite struct LightAndLensSpecTests {
    /// The same valid minimal shot the bad-spec messages start from.
    static let base = BadSpec.base

    static func load(_ tail: String) throws -> ShotSpec {
        try ShotSpecLoader.parse(base + tail, baseDirectory: FileManager.default.temporaryDirectory)
    }

    static func message(_ tail: String) -> String? {
        do {
            _ = try ShotSpecLoader.parse(base + tail, baseDirectory: FileManager.default.temporaryDirectory)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func lightsReadTheirKindColourAndPower() throws {
        let spec = try Self.load("""
            lights:
              - {name: bulb, type: point, position: [0, 2, 0], lumens: 800, temperature: 2700, radius: 0.04}
              - {name: key, type: spot, position: [1, 3, 1], direction: [0, -1, 0], cone_angle: 40, lumens: 5000, color: [1, 0.9, 0.8], colorspace: "sRGB - Texture"}
              - {name: panel, type: area, position: [0, 2.9, 0], direction: [0, -1, 0], size: [1.2, 0.6], nits: 2000}
            """)
        #expect(spec.lights.count == 3)
        #expect(spec.lights[0] == LightSpec(name: "bulb", kind: .point(radius: 0.04), position: [0, 2, 0], color: .temperature(2700), power: .lumens(800)))
        #expect(spec.lights[1].kind == .spot(direction: [0, -1, 0], coneAngle: 40, blend: 0.15))
        #expect(spec.lights[1].color == .rgb([1, 0.9, 0.8], colorspace: "sRGB - Texture"))
        #expect(spec.lights[2].kind == .area(direction: [0, -1, 0], width: 1.2, height: 0.6, samples: 16))
        #expect(spec.lights[2].power == .nits(2000))
        // A light without a colour is a 6500 K black body.
        #expect(try Self.load("lights: [{name: a, type: point, position: [0, 1, 0], lumens: 1}]").lights[0].color == .temperature(6500))
    }

    @Test func cameraLensAndSensorKeys() throws {
        let camera = try Self.load("camera: {f_stop: 2.8, focus_distance: 3.5, vignetting: true, exposure: -1.5, grain: 0.02}").camera
        #expect(camera.fStop == 2.8 && camera.focusDistance == 3.5 && camera.vignetting && camera.exposure == -1.5 && camera.grain == 0.02)
        let plain = try Self.load("camera: {focal_length_mm: 50}").camera
        #expect(plain.fStop == nil && plain.focusDistance == nil && !plain.vignetting && plain.exposure == 0 && plain.grain == 0)
    }

    @Test(arguments: [
        ("lights: [{name: a, type: point, position: [0, 1, 0], lumens: 10, temperature: 1000}]",
         "shot.lights[0].temperature: 1000 is out of range 1667…25000"),
        ("lights: [{name: a, type: point, position: [0, 1, 0], nits: 10}]",
         "shot.lights[0].nits: a point light has no nits (only area lights do)"),
        ("lights: [{name: a, type: point, position: [0, 1, 0]}]",
         "shot.lights[0]: needs one of: lumens"),
        ("lights: [{name: a, type: area, position: [0, 1, 0], direction: [0, -1, 0], size: [1, 1], nits: 5, lumens: 5}]",
         "shot.lights[0]: give only one of: lumens, nits (found lumens, nits)"),
        ("lights: [{name: a, type: area, position: [0, 1, 0], direction: [0, 0, 0], size: [1, 1], nits: 5}]",
         "shot.lights[0].direction: a direction needs at least one non-zero component"),
        ("lights: [{name: a, type: area, position: [0, 1, 0], direction: [0, -1, 0], size: [1, 0], nits: 5}]",
         "shot.lights[0].size[1]: 0 m: each side must be greater than 0 and at most 100000"),
        ("lights: [{name: a, type: spot, position: [0, 1, 0], lumens: 5}]",
         "shot.lights[0].direction: is required"),
        ("lights: [{name: a, type: point, position: [0, 1, 0], lumens: 5, temperature: 3000, color: [1, 1, 1]}]",
         "shot.lights[0].color: give a light either a temperature or a color, not both"),
        ("lights: [{name: a, type: point, position: [0, 1, 0], lumens: 5}, {name: a, type: point, position: [0, 2, 0], lumens: 5}]",
         "shot.lights[1].name: another light is already called 'a'"),
        ("lights: [{name: a, type: laser, position: [0, 1, 0], lumens: 5}]",
         "shot.lights[0].type: 'laser' is not one of point, spot, area"),
        ("camera: {focus_distance: 2}",
         "shot.camera.focus_distance: focus_distance needs f_stop (without an aperture everything is in focus)"),
        ("camera: {f_stop: 0.1}",
         "shot.camera.f_stop: 0.1 is out of range 0.5…128"),
        ("camera: {grain: 2}",
         "shot.camera.grain: 2 is out of range 0…1"),
    ])
    func badLightOrLensNamesTheField(yaml: String, expected: String) {
        #expect(Self.message(yaml) == expected)
    }

    @Test func aCheckerMaterialReadsItsSizeAndSecondColour() throws {
        let spec = try Self.load("ground: {material: {base_color: [0.8, 0.8, 0.8], checker: {size: 0.3, color: [0.1, 0.1, 0.1]}}}")
        #expect(spec.ground.material.checkerSize == 0.3 && spec.ground.material.checkerColor == [0.1, 0.1, 0.1])
        #expect(Self.message("ground: {material: {checker: {size: 0.3, color: [2, 0, 0]}}}")
            == "shot.ground.material.checker.color: colour components must be 0 … 1 (a surface reflects at most the light it receives)")
        #expect(Self.message("ground: {material: {checker: {color: [0, 0, 0]}}}") == "shot.ground.material.checker.size: is required")
    }

    @Test func tooManyLightsIsRefusedBeforeReadingThem() {
        let one = "{name: l, type: point, position: [0, 1, 0], lumens: 1}"
        let many = "lights: [" + Array(repeating: one, count: SpecLimits.maxLights + 1).joined(separator: ", ") + "]"
        #expect(Self.message(many) == "shot.lights: 65 lights; a scene may hold at most 64 (each costs shadow rays in every pixel)")
    }
}
