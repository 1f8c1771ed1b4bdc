import Foundation
import ImageCore
import Inference
import ShotSpec
import Testing

/// Contact physics against textbook results: a sliding sphere starts rolling, rolling resistance,
/// sphere–sphere and sphere–box impacts, stacks at rest, no tunnelling, determinism.
@Suite struct SceneLitPhysicsContactTests {
    static let g = RigidBodySimulation.gravity
    static let dt = RigidBodySimulation.timeStep

    static func world(_ body: String) throws -> RigidBodySimulation {
        RigidBodySimulation(spec: try SceneLitTestSupport.spec(body: body))
    }

    static func speed(_ v: SIMD3<Double>) -> Double { (v * v).sum().squareRoot() }

    /// A solid sphere launched without spin on a floor with kinetic friction μ slides while
    /// friction slows it (a = −μg) and spins it up (α = 5μg / 2r); slipping stops at
    /// t = 2·v0 / (7μg) with v = 5/7·v0 = ω·r (e.g. Halliday, Resnick & Walker, rolling motion;
    /// the classic billiard-ball problem).
    @Test func slidingSphereRollsWithoutSlippingAtFiveSeventhsOfItsSpeed() throws {
        let v0 = 3.0, r = 0.2, mu = 0.5 * 0.5
        let world = try Self.world("""
            objects:
              - {name: ball, shape: sphere, radius: \(r), position: [0, \(r), 0], dynamic: true, velocity: [\(v0), 0, 0], friction: 0.5, rolling_friction: 0}
            """)
        let slide = 2 * v0 / (7 * mu * Self.g)
        let lastSliding = Int(slide / Self.dt) - 1
        let during = world.states(afterSteps: lastSliding)[0]
        // While it slides, the centre slows exactly as −μg and the spin grows as 5μg/(2r).
        let t = Double(lastSliding) * Self.dt
        #expect(abs(during.velocity.x - (v0 - mu * Self.g * t)) < 1e-9 * v0, "v(\(t)) = \(during.velocity.x)")
        #expect(abs(-during.angularVelocity.z * r - 2.5 * mu * Self.g * t) < 1e-9 * v0, "ωr(\(t)) = \(-during.angularVelocity.z * r)")
        #expect(during.velocity.x + during.angularVelocity.z * r > 0.01, "still slipping just before \(slide) s")

        let after = world.states(afterSteps: lastSliding + 3)[0]
        #expect(abs(after.velocity.x - 5.0 / 7.0 * v0) < 1e-9 * v0, "rolling speed \(after.velocity.x), expected \(5.0 / 7.0 * v0)")
        #expect(abs(after.velocity.x + after.angularVelocity.z * r) < 1e-9 * v0, "v = ωr: v \(after.velocity.x), ωr \(-after.angularVelocity.z * r)")
        #expect(abs(after.position.y - r) < 1e-9, "the ball stays on the floor")
    }

    /// A box does not roll: Coulomb friction decelerates it at μg, so from v0 it stops after
    /// v0/(μg) seconds and v0²/(2μg) metres, and stays there.
    @Test func slidingBoxStopsAfterTheCoulombDistance() throws {
        let v0 = 2.0, mu = 0.5 * 0.5
        let world = try Self.world("""
            objects:
              - {name: crate, shape: box, size: [0.4, 0.4, 0.4], position: [0, 0.2, 0], dynamic: true, velocity: [0, 0, \(v0)]}
            """)
        let stop = v0 / (mu * Self.g)
        let half = Int(stop / 2 / Self.dt)
        let mid = world.states(afterSteps: half)[0]
        #expect(abs(mid.velocity.z - (v0 - mu * Self.g * Double(half) * Self.dt)) < 1e-9, "v = \(mid.velocity.z)")
        let end = world.states(afterSteps: Int(stop / Self.dt) + 2)[0]
        let later = world.states(afterSteps: Int((stop + 2) / Self.dt))[0]
        #expect(end.velocity == .zero, "still moving: \(end.velocity)")
        // Each step moves it by its speed after that step's friction: within one step's travel.
        #expect(abs(end.position.z - v0 * v0 / (2 * mu * Self.g)) < v0 * Self.dt, "stopped at \(end.position.z)")
        #expect(later.position == end.position)
        #expect(end.angularVelocity == .zero, "boxes do not spin")
    }

    /// Rolling resistance as a torque c·r·N against the spin (the normal force acting c·r ahead
    /// of the contact): Newton–Euler with rolling (a = αr, I = 2/5·m·r²) gives m·a = −f,
    /// I·α = f·r − c·r·m·g, so a = −c·g / (1 + I/(m r²)) = −5/7·c·g.
    @Test func rollingSphereSlowsAtFiveSeventhsOfRollingResistanceTimesGravity() throws {
        let c = 0.5 * 0.1, r = 0.15
        let world = try Self.world("""
            ground: {rolling_friction: 0.5}
            objects:
              - {name: ball, shape: sphere, radius: \(r), position: [0, \(r), 0], dynamic: true, velocity: [2, 0, 1], rolling_friction: 0.1}
            """)
        // Slipping ends by 0.2 s (2·|v0|/(7μg) = 0.21 s without the resistance); measure after it.
        let s1 = Int(0.5 / Self.dt), s2 = Int(1.5 / Self.dt)
        let a = world.states(afterSteps: s1)[0], b = world.states(afterSteps: s2)[0]
        let deceleration = (Self.speed(a.velocity) - Self.speed(b.velocity)) / (Double(s2 - s1) * Self.dt)
        #expect(abs(deceleration - 5.0 / 7.0 * c * Self.g) < 1e-6 * Self.g, "deceleration \(deceleration), expected \(5.0 / 7.0 * c * Self.g)")
        // Direction keeps: the resistance slows the ball, never turns it.
        let direction = b.velocity / Self.speed(b.velocity)
        #expect(abs(direction.x - 2 / 5.0.squareRoot()) < 1e-9 && abs(direction.z - 1 / 5.0.squareRoot()) < 1e-9)
        // It comes to a stop and stays stopped.
        let stop = Self.speed(b.velocity) / (5.0 / 7.0 * c * Self.g)
        let rest = world.states(afterSteps: s2 + Int((stop + 0.5) / Self.dt))[0]
        let later = world.states(afterSteps: s2 + Int((stop + 2.5) / Self.dt))[0]
        #expect(Self.speed(rest.velocity) < 1e-9, "still moving at \(Self.speed(rest.velocity)) m/s")
        #expect(Self.speed(later.position - rest.position) < 1e-9)
    }

    /// Equal masses, head-on, e = 1: momentum and energy conservation leave only the exchange
    /// of velocities (any mechanics text, e.g. Goldstein, elastic collisions).
    @Test func headOnElasticCollisionOfEqualMassesExchangesVelocities() throws {
        let world = try Self.world("""
            ground: {enabled: false}
            objects:
              - {name: a, shape: sphere, radius: 0.2, position: [-1, 5, 0], dynamic: true, velocity: [2, 0, 0], restitution: 1}
              - {name: b, shape: sphere, radius: 0.2, position: [1, 5, 0], dynamic: true, velocity: [-1, 0, 0], restitution: 1}
            """)
        let before = world.states(afterSteps: Int(0.3 / Self.dt))
        #expect(before[0].velocity.x == 2 && before[1].velocity.x == -1, "no contact yet")
        let after = world.states(afterSteps: Int(1.0 / Self.dt))
        #expect(abs(after[0].velocity.x - -1) < 1e-9, "a: \(after[0].velocity.x)")
        #expect(abs(after[1].velocity.x - 2) < 1e-9, "b: \(after[1].velocity.x)")
        #expect(after[0].velocity.y == after[1].velocity.y, "both fall alike")
        #expect(after[0].angularVelocity == .zero && after[1].angularVelocity == .zero)
    }

    /// Off-centre impact of unequal spheres with friction (spin-up) and e < 1: the impulses are
    /// equal and opposite, so momentum is conserved (apart from gravity's m·g·t on each); kinetic
    /// energy, translational plus rotational (I = 2/5·m·r²), is lost and never gained.
    @Test func glancingCollisionConservesMomentumAndLosesEnergy() throws {
        let masses = [1.0, 3.0], radii = [0.2, 0.3]
        let world = try Self.world("""
            ground: {enabled: false}
            objects:
              - {name: a, shape: sphere, radius: 0.2, mass: 1, position: [-1, 5, 0], dynamic: true, velocity: [3, 0, 0.4], restitution: 0.9, friction: 0.6}
              - {name: b, shape: sphere, radius: 0.3, mass: 3, position: [0.5, 5, 0.5], dynamic: true, velocity: [-0.5, 0, 0], restitution: 0.8, friction: 0.6}
            """)
        func momentum(_ s: [RigidBodySimulation.BodyState]) -> SIMD3<Double> {
            s[0].velocity * masses[0] + s[1].velocity * masses[1]
        }
        /// Horizontal translational plus rotational energy: the contact normal is horizontal
        /// (the centres stay level), so the vertical fall is nothing the contact touches.
        func energy(_ s: [RigidBodySimulation.BodyState]) -> Double {
            (0..<2).reduce(0.0) { sum, i in
                let v = s[i].velocity, w = s[i].angularVelocity
                return sum + 0.5 * masses[i] * (v.x * v.x + v.z * v.z) + 0.5 * 0.4 * masses[i] * radii[i] * radii[i] * (w * w).sum()
            }
        }
        let steps = Int(1.0 / Self.dt)
        let start = world.states(afterSteps: 0), end = world.states(afterSteps: steps)
        let fall = SIMD3<Double>(0, -Self.g * Double(steps) * Self.dt * (masses[0] + masses[1]), 0)
        let expected = momentum(start) + fall
        let error = Self.speed(momentum(end) - expected) / Self.speed(expected)
        #expect(error < 1e-6, "momentum off by \(error) relative: \(momentum(end)) vs \(expected)")
        #expect(end[0].velocity.x < 2, "they met: a now moves at \(end[0].velocity)")
        #expect(Self.speed(end[0].angularVelocity) > 0.1, "friction spun a up: \(end[0].angularVelocity)")
        #expect(energy(end) < energy(start), "energy \(energy(start)) → \(energy(end))")
    }

    /// A sphere meets a box's edge where the edge is, and leaves along the edge normal: a ball
    /// (r = 0.2) centred 0.1 beyond the top edge of a 1 m cube first touches when its centre is
    /// r from the edge, at height 1 + √(r² − 0.1²), normal n = (0.5, √3/2); a frictionless bounce
    /// gives v' = v − (1 + e)(v·n)n. A bounding box would bounce it straight up, a bounding sphere
    /// (radius 0.87) 0.21 m higher.
    @Test func sphereBouncesOffABoxEdgeAlongTheEdgeNormal() throws {
        let r = 0.2, e = 0.5
        let contactHeight = 1 + (r * r - 0.01).squareRoot()
        let drop = 0.05
        let world = try Self.world("""
            objects:
              - {name: cube, shape: box, size: [1, 1, 1], position: [0, 0.5, 0], restitution: \(e)}
              - {name: ball, shape: sphere, radius: \(r), position: [0.6, \(contactHeight + drop), 0], dynamic: true, restitution: 1, friction: 0, rolling_friction: 0}
            """)
        let states = (0...60).map { world.states(afterSteps: $0)[1] }
        guard let bounce = states.firstIndex(where: { $0.velocity.x > 0 }) else {
            Issue.record("the ball never left the edge sideways")
            return
        }
        let lowest = states[...bounce].map(\.position.y).min() ?? 0
        #expect(abs(lowest - contactHeight) < 0.005, "lowest centre \(lowest), contact at \(contactHeight)")
        let v = -(2 * Self.g * drop).squareRoot()
        let n = SIMD2(0.5, 0.75.squareRoot())
        let expected = -(1 + e) * v * n.y * n.x
        #expect(abs(states[bounce].velocity.x - expected) < 0.1 * expected, "sideways \(states[bounce].velocity.x), expected \(expected)")
        #expect(states[bounce].velocity.z == 0)
    }

    /// Past a cube's vertical edge at 0.113 m (more than r = 0.1) the ball touches nothing,
    /// although the cube's bounding sphere reaches 0.87 m from its centre.
    @Test func sphereFallingPastABoxCornerIsNotDeflected() throws {
        let world = try Self.world("""
            objects:
              - {name: cube, shape: box, size: [1, 1, 1], position: [0, 0.5, 0]}
              - {name: ball, shape: sphere, radius: 0.1, position: [0.58, 2, 0.58], dynamic: true}
            """)
        for steps in stride(from: 0, through: 240, by: 20) {
            let p = world.states(afterSteps: steps)[1].position
            #expect(p.x == 0.58 && p.z == 0.58, "deflected to \(p) after \(steps) steps")
        }
        #expect(world.states(afterSteps: 240)[1].position.y < 0.11, "it fell to the ground")
    }

    /// A column is round: a ball passing 3.6 cm outside its side falls by untouched, though it is
    /// well inside the column's bounding box; one dropped on its top comes to rest there.
    @Test func sphereMeetsACylinderWhereItIsRound() throws {
        let world = try Self.world("""
            objects:
              - {name: column, shape: cylinder, radius: 0.5, height: 1, position: [0, 0.5, 0]}
              - {name: past, shape: sphere, radius: 0.1, position: [0.45, 2, 0.45], dynamic: true}
              - {name: onto, shape: sphere, radius: 0.1, position: [0.1, 1.5, -0.1], dynamic: true, restitution: 0.2}
            """)
        for steps in stride(from: 0, through: 240, by: 20) {
            let p = world.states(afterSteps: steps)[1].position
            #expect(p.x == 0.45 && p.z == 0.45, "deflected to \(p) after \(steps) steps")
        }
        let end = world.states(afterSteps: 720)
        #expect(end[1].position.y < 0.11, "it fell to the ground")
        #expect(abs(end[2].position.y - 1.1) < 0.001 && abs(end[2].position.x - 0.1) < 1e-6, "resting on top at \(end[2].position)")
    }

    /// Three boxes of different masses and a ball, stacked touching, stay put: sequential impulses
    /// carry the load to the ground and projection keeps the overlap at the slop.
    @Test func stackOfThreeBoxesWithABallOnTopStaysStillForTenSeconds() throws {
        let world = try Self.world("""
            objects:
              - {name: base, shape: box, size: [0.6, 0.5, 0.6], position: [0, 0.25, 0], dynamic: true, mass: 3}
              - {name: middle, shape: box, size: [0.5, 0.5, 0.5], position: [0.05, 0.75, 0], dynamic: true, mass: 2}
              - {name: top, shape: box, size: [0.4, 0.5, 0.4], position: [0, 1.25, 0.05], dynamic: true, mass: 1}
              - {name: ball, shape: sphere, radius: 0.15, position: [0.1, 1.65, 0], dynamic: true, mass: 0.5}
            """)
        let start = world.states(afterSteps: 0)
        var worst = 0.0
        for second in 1...10 {
            let now = world.states(afterSteps: Int(Double(second) / Self.dt))
            for (a, b) in zip(start, now) { worst = max(worst, Self.speed(b.position - a.position)) }
        }
        #expect(worst < 0.001, "a body drifted \(worst) m")
    }

    /// A box dropped onto two others comes to rest on them and then stays there.
    @Test func boxDroppedOntoAStackSettlesAndStaysStill() throws {
        let world = try Self.world("""
            objects:
              - {name: base, shape: box, size: [0.5, 0.5, 0.5], position: [0, 0.25, 0], dynamic: true}
              - {name: middle, shape: box, size: [0.5, 0.5, 0.5], position: [0, 0.75, 0], dynamic: true}
              - {name: falling, shape: box, size: [0.5, 0.5, 0.5], position: [0, 1.75, 0], dynamic: true, restitution: 0.3}
            """)
        let settled = world.states(afterSteps: Int(2 / Self.dt))
        #expect(abs(settled[2].position.y - 1.25) < 0.002, "top box at \(settled[2].position.y)")
        let later = world.states(afterSteps: Int(12 / Self.dt))
        for (a, b) in zip(settled, later) {
            #expect(Self.speed(b.position - a.position) < 0.001, "drifted from \(a.position) to \(b.position)")
        }
    }

    /// A 5 cm ball at 40 m/s moves 17 cm per 1/240 s step, more than a 2 cm board and the ball
    /// together; substeps make it meet the board and bounce back instead of passing through.
    @Test func fastSmallSphereBouncesOffAThinBoardInsteadOfPassingThrough() throws {
        let world = try Self.world("""
            ground: {enabled: false}
            objects:
              - {name: board, shape: box, size: [0.02, 2, 2], position: [0, 1, 0]}
              - {name: ball, shape: sphere, radius: 0.05, position: [-1.07, 1, 0], dynamic: true, velocity: [40, 0, 0]}
            """)
        let after = world.states(afterSteps: 24)[1]
        #expect(after.position.x < -0.06, "ball at x = \(after.position.x)")
        #expect(after.velocity.x < 0, "ball moving at \(after.velocity.x)")
    }

    /// Extreme but valid sizes and masses never turn positions into NaN or infinity.
    @Test func extremeSizesAndMassesStayFinite() throws {
        let world = try Self.world("""
            objects:
              - {name: dust, shape: sphere, radius: 1e-200, position: [0, 1e-200, 0], dynamic: true, velocity: [2, 0, 0], mass: 1e-300}
              - {name: boulder, shape: sphere, radius: 1000, position: [0, 5000, 0], dynamic: true, velocity: [1, 0, 0], mass: 1000000}
              - {name: pebble, shape: sphere, radius: 0.001, position: [0.5, 0.001, 0], dynamic: true, velocity: [-3, 0, 0], mass: 1e-6}
              - {name: slab, shape: box, size: [0.001, 0.5, 0.5], position: [0.2, 0.25, 0]}
            """)
        for steps in [1, 60, 480] {
            for s in world.states(afterSteps: steps) {
                let finite = [s.position, s.velocity, s.angularVelocity].allSatisfy { $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }
                #expect(finite, "after \(steps) steps: \(s)")
            }
        }
    }

    /// A rolling-resistance coefficient outside 0…1 is refused with the field's path.
    @Test func rollingFrictionOutOfRangeNamesTheField() {
        let obj = SceneLitSpecErrorTests.error("objects:\n  - {name: a, shape: sphere, radius: 1, position: [0, 1, 0], rolling_friction: 2}")
        #expect(obj?.hasPrefix("shot.objects[0].rolling_friction:") == true, "\(obj ?? "no error")")
        let ground = SceneLitSpecErrorTests.error("ground: {rolling_friction: -0.1}")
        #expect(ground?.hasPrefix("shot.ground.rolling_friction:") == true, "\(ground ?? "no error")")
    }

    /// Contacts keep the positions at a time independent of the other times asked.
    @Test func contactStateAtATimeDoesNotDependOnOtherTimesAsked() throws {
        let world = try Self.world("""
            objects:
              - {name: base, shape: box, size: [0.5, 0.5, 0.5], position: [0, 0.25, 0], dynamic: true}
              - {name: ball, shape: sphere, radius: 0.2, position: [0.1, 1.5, 0], dynamic: true, velocity: [0.5, 0, 0]}
              - {name: roller, shape: sphere, radius: 0.2, position: [-2, 0.2, 0], dynamic: true, velocity: [3, 0, 0]}
            """)
        let alone = world.positions(atSeconds: [2.345])
        let among = world.positions(atSeconds: [0.1, 2.345, 3.0])
        #expect(alone[0] == among[1])
    }

    /// The renderer draws a settled stack (tiny frames): frame N alone equals frame N in a run.
    @Test func stackedObjectsRenderTheSameFrameAloneAndInARun() throws {
        let spec = try SceneLitTestSupport.spec(frames: "{first: 1001, count: 4}", width: 32, height: 18, body: """
            camera: {position: [0, 1, 4], target: [0, 0.7, 0]}
            objects:
              - {name: base, shape: box, size: [0.5, 0.5, 0.5], position: [0, 0.25, 0], dynamic: true}
              - {name: top, shape: box, size: [0.4, 0.4, 0.4], position: [0, 0.7, 0], dynamic: true}
              - {name: ball, shape: sphere, radius: 0.15, position: [0, 1.05, 0], dynamic: true, material: {base_color: [0.8, 0.2, 0.1]}}
            """)
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let run = try SceneLitTestSupport.render(spec, frames: 1001...1003, root: root)
        let alone = try SceneLitTestSupport.render(spec, frames: 1003...1003, root: root)
        let frame = try #require(run[1003])
        #expect(frame.pixels == alone[1003]?.pixels)
        #expect(frame.pixels.allSatisfy { $0.isFinite && $0 >= 0 })
        #expect(Set(frame.pixels).count > 100, "the stack shows against sky and ground")
    }
}
