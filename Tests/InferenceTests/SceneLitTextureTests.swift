import Foundation
import ImageCore
import Inference
import ShotSpec
import Testing

/// Checkerboard textures: box-filtered over each pixel's footprint so a receding floor does not
/// shimmer under a moving camera.
@Suite struct SceneLitTextureTests {
    /// A black-and-white checker floor (0.25 m squares) under a uniform sky, seen from 0.5 m up
    /// looking towards the horizon, dollying slowly forward (or the floor `ground` material). One
    /// sample per pixel, so only the texture filter stands between the squares and aliasing.
    static func floor(
        filter: String, ground: String = "{base_color: [0.8, 0.8, 0.8], roughness: 1, checker: {size: 0.25, color: [0.05, 0.05, 0.05]}}"
    ) throws -> ShotSpec {
        try SceneLitTestSupport.spec(
            frames: "{first: 1001, count: 4}", width: 96, height: 54,
            params: "{samples: 1, gi_ground_patches: 4, gi_object_patches: 4, gi_sky_samples: 8, texture_filter: \(filter)}",
            body: """
                camera:
                  position: [0, 0.5, 0]
                  target: [0, 0.3, -10]
                  moves: [{type: dolly, start: 1001, end: 1004, distance: 0.09, easing: linear}]
                environment: {uniform: {radiance: [1, 1, 1]}}
                ground: {material: \(ground)}
                """)
    }

    /// Mean |Δ luminance| between consecutive frames over the far floor (rows just below the
    /// horizon, where a square is smaller than a pixel), relative to the band's mean luminance.
    static func flicker(_ frames: [Int: RGBAImage]) throws -> Double {
        var diff = 0.0, level = 0.0, n = 0.0
        for f in 1001..<1004 {
            let a = try #require(frames[f]), b = try #require(frames[f + 1])
            for y in 29..<36 {
                for x in 0..<96 {
                    let la = Double(SceneLitTestSupport.luminance(a[x, y])), lb = Double(SceneLitTestSupport.luminance(b[x, y]))
                    diff += abs(la - lb)
                    level += la
                    n += 1
                }
            }
        }
        return diff / level
    }

    /// Luminance of `rows` of `image` over the same rows of `reference`, across the whole width.
    static func bandRatio(_ image: RGBAImage, _ reference: RGBAImage, rows: Range<Int>) -> Double {
        var a = 0.0, b = 0.0
        for y in rows {
            for x in 0..<image.width {
                a += Double(SceneLitTestSupport.luminance(image[x, y]))
                b += Double(SceneLitTestSupport.luminance(reference[x, y]))
            }
        }
        return a / b
    }

    @Test func aRecedingCheckerFloorDoesNotShimmerUnderADolly() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let filtered = try Self.flicker(SceneLitTestSupport.render(Self.floor(filter: "box"), frames: 1001...1004, root: root))
        let pointSampled = try Self.flicker(SceneLitTestSupport.render(Self.floor(filter: "none"), frames: 1001...1004, root: root))
        // Threshold: 2 % of the band's level, the Weber fraction (about 1–2 %) below which a change
        // of luminance is not seen, so frame-to-frame change there reads as steady. Point sampling
        // the same floor flickers by tens of per cent, which shows the measure can fail.
        #expect(filtered < 0.02, "filtered far-floor flicker \(filtered * 100) %")
        #expect(pointSampled > 5 * filtered, "point-sampled \(pointSampled * 100) % vs filtered \(filtered * 100) %")
    }

    @Test func nearSquaresStaySharp() throws {
        // The filter only widens where squares shrink: in the near rows it is narrower than a
        // square, so both colours still appear at full strength.
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let image = try #require(try SceneLitTestSupport.render(Self.floor(filter: "box"), frames: 1001...1001, root: root)[1001])
        let row = (0..<96).map { SceneLitTestSupport.luminance(image[$0, 52]) }
        #expect(row.max()! > 8 * row.min()!, "near row spans \(row.min()!) … \(row.max()!)")
    }
}
