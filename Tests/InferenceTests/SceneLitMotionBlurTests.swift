import Foundation
import ImageCore
import Inference
import ShotSpec
import Testing

/// Motion blur shades still pixels once and moving ones at every sub-frame.
@Suite struct SceneLitMotionBlurTests {
    static func scene(shutter: Int) -> String {
        """
        camera:
          position: [0, 1.2, 6]
          target: [0, 1.0, 0]
          shutter_angle: \(shutter)
        environment:
          sky: {sun_elevation: 40, sun_azimuth: 200, turbidity: 3}
        objects:
          - {name: plinth, shape: box, position: [1.5, 0.4, 0], size: [0.8, 0.8, 0.8]}
          - {name: ball, shape: sphere, radius: 0.3, position: [-2, 1.2, 0], dynamic: true, velocity: [12, 0, 0], material: {base_color: [0.9, 0.1, 0.1]}}
        """
    }

    @Test func movingBallIsBlurredWhileStillSurroundingsMatchTheSharpFrame() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let sharpSpec = try SceneLitTestSupport.spec(width: 64, height: 36, body: Self.scene(shutter: 0))
        let blurSpec = try SceneLitTestSupport.spec(width: 64, height: 36, body: Self.scene(shutter: 180))
        let sharp = try #require(try SceneLitTestSupport.render(sharpSpec, frames: 1004...1004, root: root)[1004])
        let blurred = try #require(try SceneLitTestSupport.render(blurSpec, frames: 1004...1004, root: root)[1004])
        var moved = 0
        for y in 0..<36 {
            for x in 0..<64 {
                let a = SceneLitTestSupport.luminance(sharp[x, y]), b = SceneLitTestSupport.luminance(blurred[x, y])
                if abs(a - b) > 0.02 * max(a, 0.05) { moved += 1 }
            }
        }
        // The ball travels 0.25 m within the open shutter: a streak of pixels changes.
        #expect(moved > 10, "only \(moved) pixels changed with the shutter open")
        // Sky, ground and plinth far from the ball do not move: the same light as the sharp frame.
        for (x, y) in [(2, 2), (60, 2), (32, 34), (50, 28)] {
            let a = sharp[x, y], b = blurred[x, y]
            #expect(abs(a.x - b.x) <= 1e-5 * a.x && abs(a.y - b.y) <= 1e-5 * a.y && abs(a.z - b.z) <= 1e-5 * a.z, "pixel \(x),\(y): \(a) vs \(b)")
        }
    }
}
