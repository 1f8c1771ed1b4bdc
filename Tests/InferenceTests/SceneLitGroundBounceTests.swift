import Color
import Foundation
import ImageCore
import Inference
import ShotSpec
import Testing

/// The light the ground sends up (the lower hemisphere of a sky, which lights dynamic objects
/// through SH and shows in environment reflections) must use the ground's albedo in ACEScg, as
/// OCIO converts it, whatever colour space the spec states it in.
@Suite struct SceneLitGroundBounceTests {
    static func frame(ground: String, root: URL) throws -> RGBAImage {
        let spec = try SceneLitTestSupport.spec(frames: "{first: 1001, count: 1}", width: 48, height: 27, body: """
            camera: {position: [0, 0.9, 3], target: [0, 0.6, 0]}
            environment:
              sky: {sun_elevation: 35, sun_azimuth: 150, turbidity: 3}
            ground: {material: \(ground)}
            objects:
              - {name: ball, shape: sphere, radius: 0.5, position: [0, 0.6, 0], dynamic: true, material: {base_color: [0.8, 0.8, 0.8], roughness: 0.6}}
            """)
        return try #require(SceneLitTestSupport.render(spec, frames: 1001...1001, root: root)[1001])
    }

    @Test func aGroundInSRGBTextureBouncesTheSameLightAsItsOCIOConversionInACEScg() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        // A saturated red paint: in sRGB - Texture the raw numbers and their ACEScg values differ a lot.
        let paint: [Float] = [0.9, 0.15, 0.1]
        var probe = RGBAImage(width: 1, height: 1, pixels: paint + [1])
        try ColorConfig.shared(explicit: nil).processor(from: "sRGB - Texture", to: "ACEScg").apply(&probe)
        let acescg = probe.pixels[0..<3].map { String(format: "%.9g", $0) }.joined(separator: ", ")

        let declared = try Self.frame(ground: "{base_color: [0.9, 0.15, 0.1], colorspace: sRGB - Texture, roughness: 1}", root: root)
        let converted = try Self.frame(ground: "{base_color: [\(acescg)], colorspace: ACEScg, roughness: 1}", root: root)
        // Before scenelit 1.2.0 the bounce read the raw numbers as ACEScg: the ball's underside
        // differed from this by up to 95 % (0.95 measured on this scene).
        var largest: Float = 0
        for i in declared.pixels.indices {
            largest = max(largest, abs(declared.pixels[i] - converted.pixels[i]) / max(converted.pixels[i], 1e-3))
        }
        #expect(largest < 1e-4, "largest relative difference \(largest)")
    }
}
