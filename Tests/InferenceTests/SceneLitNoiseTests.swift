import Foundation
import ImageCore
import Inference
import ShotSpec
import Testing

/// Procedural value noise: clamped octave by octave, so a receding noisy floor fades to its mean
/// instead of shimmering.
@Suite struct SceneLitNoiseTests {
    /// Noise between light and dark grey with 0.5 m largest features (down to 6 cm), on
    /// `SceneLitTextureTests`' dollying floor.
    static let noise = "{base_color: [0.8, 0.8, 0.8], roughness: 1, noise: {size: 0.5, color: [0.05, 0.05, 0.05]}}"

    @Test func aRecedingNoisyFloorDoesNotShimmerAndFadesToItsMean() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let frames = try Self.expectRecedingFloorIsStableAndFadesToItsMean(Self.noise, root: root)
        let pointSampled = try SceneLitTextureTests.flicker(SceneLitTestSupport.render(
            SceneLitTextureTests.floor(filter: "none", ground: Self.noise), frames: 1001...1004, root: root))
        let filtered = try SceneLitTextureTests.flicker(frames)
        #expect(pointSampled > 5 * filtered, "point-sampled \(pointSampled * 100) % vs filtered \(filtered * 100) %")
    }

    /// Renders `ground` (a noise between 0.8 and 0.05 grey) on the dollying floor and checks what
    /// any filtered noise must do there; returns the four frames.
    static func expectRecedingFloorIsStableAndFadesToItsMean(_ ground: String, root: URL) throws -> [Int: RGBAImage] {
        let frames = try SceneLitTestSupport.render(SceneLitTextureTests.floor(filter: "box", ground: ground), frames: 1001...1004, root: root)
        let filtered = try SceneLitTextureTests.flicker(frames)
        #expect(filtered < 0.02, "filtered far-floor flicker \(filtered * 100) %")
        // Far rows, where every octave is under a pixel, read the mean of the two colours.
        let plain = try #require(try SceneLitTestSupport.render(
            SceneLitTextureTests.floor(filter: "box", ground: "{base_color: [0.425, 0.425, 0.425], roughness: 1}"), frames: 1001...1001, root: root)[1001])
        let noisy = try #require(frames[1001])
        let ratio = SceneLitTextureTests.bandRatio(noisy, plain, rows: 27..<29)
        #expect(abs(ratio - 1) < 0.03, "far rows: noise / its mean albedo = \(ratio)")
        // Near rows keep the pattern: a visible spread of values.
        let row = (0..<96).map { SceneLitTestSupport.luminance(noisy[$0, 52]) }
        #expect(row.max()! > 1.5 * row.min()!, "near row spans \(row.min()!) … \(row.max()!)")
        return frames
    }
}
