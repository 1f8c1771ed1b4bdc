import Foundation
import Inference
import ShotSpec
import Testing

/// Rigid-body motion: bounce heights follow restitution, nothing sinks into the ground.
@Suite struct SceneLitPhysicsTests {
    @Test func droppedBallBouncesToRestitutionSquaredTimesHeight() throws {
        let h = 2.0, e = 0.8, r = 0.25
        let spec = try SceneLitTestSupport.spec(body: """
            ground: {restitution: 1}
            objects:
              - {name: ball, shape: sphere, radius: \(r), position: [0, \(h + r), 0], dynamic: true, restitution: \(e)}
            """)
        let world = RigidBodySimulation(spec: spec)
        let step = RigidBodySimulation.timeStep
        let times = (0..<Int(6 / step)).map { Double($0) * step }
        let heights = world.positions(atSeconds: times).map { $0[0].y - r }
        // Apexes: local maxima after the first contact.
        var apexes: [Double] = []
        for i in 1..<(heights.count - 1) where heights[i] > heights[i - 1] && heights[i] >= heights[i + 1] && heights[i] > 0.01 {
            apexes.append(heights[i])
        }
        try #require(apexes.count >= 3)
        #expect(abs(apexes[0] - e * e * h) < 0.03 * e * e * h, "first apex \(apexes[0])")
        #expect(abs(apexes[1] - pow(e, 4) * h) < 0.03 * pow(e, 4) * h, "second apex \(apexes[1])")
        #expect(abs(apexes[2] - pow(e, 6) * h) < 0.03 * pow(e, 6) * h, "third apex \(apexes[2])")
    }

    @Test func objectsNeverEndUpBelowTheGround() throws {
        let spec = try SceneLitTestSupport.spec(body: """
            ground: {height: 0.2}
            objects:
              - {name: a, shape: sphere, radius: 0.3, position: [0, 3, 0], dynamic: true, velocity: [1, 0, 0]}
              - {name: b, shape: sphere, radius: 0.4, position: [0.3, 5, 0.1], dynamic: true, restitution: 0.9}
              - {name: c, shape: box, size: [0.5, 0.5, 0.5], position: [0.8, 4, 0], dynamic: true, velocity: [-1, 0, 0.5]}
              - {name: d, shape: cylinder, radius: 0.2, height: 0.6, position: [1, 0.5, 0]}
            """)
        let world = RigidBodySimulation(spec: spec)
        let times = (0..<600).map { Double($0) / 60 }
        let halves = [0.3, 0.4, 0.25]
        for (t, positions) in zip(times, world.positions(atSeconds: times)) {
            for i in 0..<3 {
                #expect(positions[i].y - halves[i] >= 0.2 - 1e-9, "object \(i) below ground at t=\(t): \(positions[i].y)")
            }
        }
    }

    @Test func stateAtATimeDoesNotDependOnOtherTimesAsked() throws {
        let spec = try SceneLitTestSupport.spec(body: """
            objects:
              - {name: a, shape: sphere, radius: 0.3, position: [0, 3, 0], dynamic: true, velocity: [1, 0, 0]}
              - {name: b, shape: sphere, radius: 0.3, position: [0.2, 4, 0], dynamic: true}
            """)
        let world = RigidBodySimulation(spec: spec)
        let alone = world.positions(atSeconds: [1.2345])
        let among = world.positions(atSeconds: [0.5, 1.2345, 2.0])
        #expect(alone[0] == among[1])
    }
}
