import Color
import Foundation
import ImageCore
import Inference
import Plates
import ShotSpec
import Testing

/// Image textures: EXR pixels converted from their declared colour space by OCIO, and a
/// mip-mapped image floor that does not shimmer under a dolly.
@Suite struct SceneLitImageTextureTests {
    /// Writes `image` as a real float EXR under `root`.
    static func write(_ image: RGBAImage, named name: String, in root: URL) throws -> String {
        let url = root.appendingPathComponent(name)
        let writer = try PlateWriter(format: PlateFormat(colorspace: "ACEScg", compression: .zip, bitDepth: .float))
        let metadata = FrameMetadata(frameNumber: 1, fps: FrameRate(numerator: 24, denominator: 1)!, owner: "test", comments: "texture",
                                     capDate: Date(timeIntervalSince1970: 0), strings: [:])
        try writer.write(image, to: url, metadata: metadata)
        return url.path
    }

    /// The centre of a rough floor seen straight down under a uniform sky, with `material`.
    static func floorCentre(_ material: String, root: URL) throws -> SIMD4<Float> {
        let spec = try SceneLitTestSupport.spec(frames: "{first: 1001, count: 1}", width: 9, height: 9, body: """
            camera: {position: [0, 3, 0], target: [0, 0, 0], focal_length_mm: 36, sensor_width_mm: 36}
            environment: {uniform: {radiance: [1, 1, 1]}}
            ground: {material: \(material)}
            """)
        return try #require(try SceneLitTestSupport.render(spec, frames: 1001...1001, root: root)[1001])[4, 4]
    }

    /// Expects the floor textured with the image at `path`, declared `sRGB - Texture` and holding
    /// `encoded` everywhere, to render as a base colour of OCIO's conversion of `encoded` (the
    /// authority: OpenColorIO with the bundled official ACES config); returns the textured pixel.
    static func expectReadsAsOCIOConversion(path: String, encoded: SIMD3<Float>, root: URL) throws -> SIMD4<Float> {
        var probe = RGBAImage(width: 1, height: 1, fill: SIMD4(encoded, 1))
        try ColorConfig.shared(explicit: nil).processor(from: "sRGB - Texture", to: "ACEScg").apply(&probe)
        let acescg = probe[0, 0]
        let textured = try Self.floorCentre("{roughness: 1, texture: {path: \(path), colorspace: sRGB - Texture, scale: 1}}", root: root)
        let plain = try Self.floorCentre("{roughness: 1, colorspace: ACEScg, base_color: [\(acescg.x), \(acescg.y), \(acescg.z)]}", root: root)
        for c in 0..<3 {
            #expect(abs(textured[c] / plain[c] - 1) < 1e-4, "channel \(c): textured \(textured[c]), OCIO-converted base colour \(plain[c])")
        }
        return textured
    }

    @Test func anSRGBTextureReadsAsTheOfficialOCIOConversionOfItsValues() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let encoded = SIMD3<Float>(0.8, 0.5, 0.2)
        let path = try Self.write(RGBAImage(width: 8, height: 8, fill: SIMD4(encoded, 1)), named: "paint.exr", in: root)
        let textured = try Self.expectReadsAsOCIOConversion(path: path, encoded: encoded, root: root)
        // And the declared colour space matters: the same file read as ACEScg is another colour.
        let raw = try Self.floorCentre("{roughness: 1, texture: {path: \(path), colorspace: ACEScg}}", root: root)
        #expect(abs(raw.z / textured.z - 1) > 0.2, "blue read raw \(raw.z) vs converted \(textured.z)")
    }

    /// A 64×64 black-and-white image of 8×8 squares, repeated every 2 m (0.25 m squares, as in
    /// `SceneLitTextureTests`), on the same slowly dollying floor.
    static func imageFloor(filter: String, root: URL) throws -> [Int: RGBAImage] {
        var board = RGBAImage(width: 64, height: 64)
        for y in 0..<64 {
            for x in 0..<64 {
                let v: Float = ((x / 8) + (y / 8)) % 2 == 0 ? 0.8 : 0.05
                board[x, y] = SIMD4(v, v, v, 1)
            }
        }
        let path = try Self.write(board, named: "board.exr", in: root)
        let spec = try SceneLitTextureTests.floor(filter: filter, ground: "{roughness: 1, texture: {path: \(path), scale: 2}}")
        return try SceneLitTestSupport.render(spec, frames: 1001...1004, root: root)
    }

    @Test func aRecedingImageFloorDoesNotShimmerUnderADolly() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        // The same 2 % Weber-fraction bound as the procedural checker; point sampling the image's
        // full-size level shows the measure can fail.
        let filtered = try SceneLitTextureTests.flicker(Self.imageFloor(filter: "box", root: root))
        let pointSampled = try SceneLitTextureTests.flicker(Self.imageFloor(filter: "none", root: root))
        #expect(filtered < 0.02, "filtered far-floor flicker \(filtered * 100) %")
        #expect(pointSampled > 5 * filtered, "point-sampled \(pointSampled * 100) % vs filtered \(filtered * 100) %")
    }

    @Test func aTextureThatIsNotAnEXRNamesItsPath() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let url = root.appendingPathComponent("junk.exr")
        try Data("not an image".utf8).write(to: url)
        let message = SceneLitSpecErrorTests.error("objects:\n  - {name: a, shape: sphere, radius: 1, position: [0, 1, 0], material: {texture: {path: \(url.path)}}}")
        #expect(message?.hasPrefix("shot.objects[0].material.texture.path:") == true, "\(message ?? "no error")")
        let missing = SceneLitSpecErrorTests.error("ground: {material: {texture: {path: /nonexistent/floor.exr}}}")
        #expect(missing?.hasPrefix("shot.ground.material.texture.path:") == true, "\(missing ?? "no error")")
    }
}
