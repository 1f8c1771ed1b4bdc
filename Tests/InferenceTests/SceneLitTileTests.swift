import Foundation
import ImageCore
import Inference
import ShotSpec
import Testing

/// Procedural tiles with grout: box-filtered like the checker, so a receding tiled floor fades to
/// its mean instead of shimmering, and the mean is the grout's area share.
@Suite struct SceneLitTileTests {
    /// Light 0.25 m tiles with 0.04 m dark grout (`SceneLitTextureTests`' dollying floor).
    static let tiles = "{base_color: [0.8, 0.8, 0.8], roughness: 1, tiles: {size: 0.25, grout: 0.04, color: [0.05, 0.05, 0.05]}}"

    @Test func aRecedingTiledFloorDoesNotShimmerUnderADolly() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let filtered = try SceneLitTextureTests.flicker(SceneLitTestSupport.render(
            SceneLitTextureTests.floor(filter: "box", ground: Self.tiles), frames: 1001...1004, root: root))
        let pointSampled = try SceneLitTextureTests.flicker(SceneLitTestSupport.render(
            SceneLitTextureTests.floor(filter: "none", ground: Self.tiles), frames: 1001...1004, root: root))
        // The checker's 2 % bound; point sampling the same grout flickers several times more.
        #expect(filtered < 0.02, "filtered far-floor flicker \(filtered * 100) %")
        #expect(pointSampled > 5 * filtered, "point-sampled \(pointSampled * 100) % vs filtered \(filtered * 100) %")
    }

    @Test func farTilesFadeToTheGroutsAreaShareAndNearGroutStaysSharp() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let tiled = try #require(try SceneLitTestSupport.render(SceneLitTextureTests.floor(filter: "box", ground: Self.tiles), frames: 1001...1001, root: root)[1001])
        // Grout covers 1 − (1 − 0.04/0.25)² = 29.44 % of the floor: a plain floor of that mean
        // albedo is what the far rows, where a tile is smaller than a pixel, must read.
        let share = 1 - (1 - 0.04 / 0.25) * (1 - 0.04 / 0.25)
        let mean = 0.8 + (0.05 - 0.8) * share
        let plain = try #require(try SceneLitTestSupport.render(
            SceneLitTextureTests.floor(filter: "box", ground: "{base_color: [\(mean), \(mean), \(mean)], roughness: 1}"), frames: 1001...1001, root: root)[1001])
        let ratio = SceneLitTextureTests.bandRatio(tiled, plain, rows: 29..<33)
        #expect(abs(ratio - 1) < 0.03, "far rows: tiles / their mean albedo = \(ratio)")
        let row = (0..<96).map { SceneLitTestSupport.luminance(tiled[$0, 52]) }
        #expect(row.max()! > 4 * row.min()!, "near row spans \(row.min()!) … \(row.max()!)")
    }
}
