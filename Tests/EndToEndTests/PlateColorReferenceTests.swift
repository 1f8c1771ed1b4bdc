import Foundation
import Testing
import TestSupport

/// Plates written by `scenefarm render` against the official ACES CG config: for every plate colour
/// space the spec accepts, each half pixel is within one half-float ulp of OpenColorIO's official
/// conversion of the generator's Float32 frame (Farm/color/check_plates.py, OpenEXR's reader).
@Suite("plate pixels equal the official ACES conversion", .serialized)
struct PlateColorReferenceTests {
    /// Every `output.colorspace` the plate writer accepts (it needs known chromaticities, or data).
    static let plateSpaces = [
        "ACES2065-1", "ACEScg", "ACEScct", "ACEScc", "Linear Rec.709 (sRGB)", "sRGB - Texture",
        "Linear P3-D65", "Linear Rec.2020", "Raw",
    ]

    /// A small sunlit scene: HDR sky and sun (values far above 1), a saturated red that turns
    /// negative in AP0, shadows near black.
    static func shot(colorspace: String, bitDepth: String) -> String {
        """
        show: ref
        shot: sh010
        fps: 24
        frames: {first: 1001, count: 2}
        resolution: [64, 36]
        generator: {name: scenelit, params: {samples: 1}}
        camera: {position: [0, 1.5, 6], target: [0, 1, 0]}
        environment:
          sky: {sun_elevation: 40, sun_azimuth: 120, turbidity: 3}
        objects:
          - {name: plinth, shape: box, position: [1.2, 0.4, 0], size: [0.8, 0.8, 0.8], material: {base_color: [0.9, 0.05, 0.05], colorspace: "sRGB - Texture"}}
        output: {version: v001, colorspace: "\(colorspace)", bit_depth: \(bitDepth), proxies: {format: none}}
        """
    }

    static func render(_ spec: String, in dir: TemporaryDirectory, name: String) throws -> String {
        let path = try dir.write("\(name).yaml", spec)
        let out = dir.appending(name).path
        let run = try Tool.run(Repository.scenefarm, ["render", path, "--out", out])
        #expect(run.status == 0, "\(name): \(run.stderr)")
        return "\(out)/ref/sh010/plates/main/v001"
    }

    @Test("every accepted plate colour space is within 1 half ulp of the official conversion")
    func everyPlateSpaceMatchesOfficialConversion() throws {
        let dir = TemporaryDirectory("platecolor")
        // ACEScg → ACEScg is no conversion, so float plates in ACEScg are the generator's frames bit for bit.
        let source = try Self.render(Self.shot(colorspace: "ACEScg", bitDepth: "float"), in: dir, name: "source")
        for space in Self.plateSpaces {
            let plates = try Self.render(Self.shot(colorspace: space, bitDepth: "half"), in: dir, name: "plate")
            let check = try Tool.run("python3", [Repository.path("Farm/color/check_plates.py"), source, plates, space])
            #expect(check.status == 0, "\(space): \(check.stdout) \(check.stderr)")
            let report = try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any]
            #expect((report?["max_half_ulps"] as? Int).map { $0 <= 1 } == true, "\(space): \(check.stdout)")
            #expect((report?["values"] as? Int ?? 0) >= 2 * 64 * 36 * 3, "\(space): \(check.stdout)")
            try FileManager.default.removeItem(atPath: dir.appending("plate").path)
        }
    }
}
