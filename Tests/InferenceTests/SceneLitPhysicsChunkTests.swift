import Foundation
import ImageCore
import Inference
import ShotSpec
import Testing

/// Physics integrated once per chunk: a long chunk continues the simulation from batch to batch,
/// and its frames are still the bits of the same frames rendered alone (each of which integrates
/// from t = 0 in a fresh simulation). And the worst-case cost of a scene's motion is bounded.
@Suite struct SceneLitPhysicsChunkTests {
    static let bouncing = """
        camera: {position: [0, 1.5, 6], target: [0, 0.8, 0]}
        environment:
          sky: {sun_elevation: 40, sun_azimuth: 120, turbidity: 3}
        objects:
          - {name: a, shape: sphere, radius: 0.3, position: [-1, 2.5, 0], dynamic: true, velocity: [0.8, 0, 0], restitution: 0.8}
          - {name: b, shape: sphere, radius: 0.3, position: [0.2, 3.5, 0], dynamic: true, restitution: 0.6}
          - {name: c, shape: box, size: [0.4, 0.4, 0.4], position: [1, 1.5, 0], dynamic: true, velocity: [-0.5, 0, 0]}
        """

    @Test func framesOfAHundredFrameChunkEqualTheSameFramesRenderedAlone() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let spec = try SceneLitTestSupport.spec(frames: "{first: 1001, count: 100}", width: 16, height: 9, body: Self.bouncing)
        let chunk = try SceneLitTestSupport.render(spec, frames: 1001...1100, root: root)
        // The first frame, both sides of the generator's 32-frame batch boundaries, the last.
        for frame in [1001, 1032, 1033, 1065, 1099, 1100] {
            let alone = try #require(try SceneLitTestSupport.render(spec, frames: frame...frame, root: root)[frame])
            let inside = try #require(chunk[frame])
            let differing = zip(alone.pixels, inside.pixels).filter { $0 != $1 }.count
            #expect(differing == 0, "frame \(frame): \(differing) of \(alone.pixels.count) samples differ")
        }
        // The objects really move across the chunk, so the batches carry state that matters.
        #expect(chunk[1001] != chunk[1100])
    }

    @Test func oneSimulationAskedForLaterThenEarlierTimesAnswersAsFreshOnes() throws {
        let spec = try SceneLitTestSupport.spec(body: Self.bouncing)
        let world = RigidBodySimulation(spec: spec)
        // Increasing batches continue from the last; the last batch goes back and starts again.
        let batches: [[Double]] = [[0, 0.5, 1.0], [1.0417, 1.5], [2.75, 3.0], [0.25, 2.9]]
        for times in batches {
            let fresh = RigidBodySimulation(spec: spec).positions(atSeconds: times)
            #expect(world.positions(atSeconds: times) == fresh, "times \(times)")
        }
    }

    /// Spheres `count` dynamic, 1 cm apart in a row, each flying fast at its neighbour.
    static func crowd(_ count: Int) -> String {
        "objects:\n" + (0..<count).map {
            "  - {name: s\($0), shape: sphere, radius: 0.05, position: [\(Double($0) * 0.11), 1, 0], dynamic: true, velocity: [\($0 % 2 == 0 ? 50 : -50), 0, 0]}"
        }.joined(separator: "\n")
    }

    @Test func aSceneWhoseMotionCouldCostTooMuchIsRefusedNamingTheObjects() throws {
        // 200 × 200 × 64 substeps × 240 steps/s: 41.6 s of shot is 2.6e10 pair tests, over 1e10.
        let body = Self.crowd(200)
        let refused = try SceneLitTestSupport.spec(frames: "{first: 1001, count: 1000}", body: body)
        let message = SceneLitTestSupport.validationError(refused)
        #expect(message?.hasPrefix("shot.objects:") == true, "\(message ?? "no error")")
        #expect(message?.contains("200 dynamic objects among 200") == true, "\(message ?? "no error")")
        // The same crowd over 300 frames (12.5 s, 7.7e9) is within the budget.
        let accepted = try SceneLitTestSupport.spec(frames: "{first: 1001, count: 300}", body: body)
        #expect(throws: Never.self) { try SceneLitGenerator().validate(accepted) }
        let worst = RigidBodySimulation.worstCasePairTests(dynamic: 200, objects: 200, seconds: 299.5 / 24)
        #expect(worst <= RigidBodySimulation.maxPairTests && worst > RigidBodySimulation.maxPairTests / 2)
    }
}
