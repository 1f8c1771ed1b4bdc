import Foundation
import ShotSpec

/// Deterministic rigid-body motion of the shot's objects, always integrated from t = 0.
///
/// Fixed step of 1/240 s, split into equal substeps when a body moves fast enough to pass
/// through a thin object near it within a step. Spheres spin (angular velocity, solid-sphere
/// inertia 2/5·m·r²), so one sliding on a rough floor starts rolling; boxes and cylinders stay
/// axis-aligned (the spec and the renderer have no orientation) and slide. Bodies in flight
/// meet the ground at the exact time of impact inside a step, so a ball dropped from h with
/// restitution e rises to e²·h; touching bodies (stacks, resting and rolling contact, impacts
/// between objects) are solved together by `ContactSolver`. Restitution, friction and rolling
/// friction of a contact are the products of the two bodies' values.
public struct RigidBodySimulation: Sendable {
    public static let timeStep = 1.0 / 240
    public static let gravity = 9.81
    /// Impacts slower than this (m/s) do not bounce: the body comes to rest instead of chattering.
    static let restSpeed = 0.05
    /// Most substeps per step, a bound on the cost of a very fast object.
    static let maxSubsteps = 64
    /// Most pair tests a shot's motion may cost in the worst case (`worstCasePairTests`), so a
    /// hostile spec is refused at validation rather than running until the task times out.
    /// A pair test and its share of the contact solve take tens of nanoseconds, so this is minutes
    /// of one core at worst; a 10-minute shot of 1000 objects with one moving is within it.
    public static let maxPairTests = 10_000_000_000.0

    /// Pair tests to integrate `dynamic` moving bodies among `objects` up to `seconds`, if every
    /// step needed all `maxSubsteps` (fast bodies close together) and every substep tested each
    /// pair with a moving body: the bound the simulation's cost stays under.
    public static func worstCasePairTests(dynamic: Int, objects: Int, seconds: Double) -> Double {
        guard dynamic > 0 else { return 0 }
        let steps = (max(0, seconds) / timeStep).rounded(.up) + 1
        return steps * Double(maxSubsteps) * Double(dynamic) * Double(objects)
    }

    struct Body: Sendable {
        var position: SIMD3<Double>
        var velocity: SIMD3<Double>
        /// Radians per second about each axis; spheres only (others have zero inverse inertia).
        var angularVelocity = SIMD3<Double>.zero
        var inverseMass: Double
        /// 1 / (2/5·m·r²) for a dynamic sphere, 0 for everything that does not spin.
        var inverseInertia: Double
        var half: SIMD3<Double>
        var isSphere: Bool
        /// A vertical cylinder (radius half.x): spheres meet its round side; boxes its bounding box.
        var isCylinder = false
        var restitution: Double
        var friction: Double
        var rollingFriction: Double
    }

    /// One body's state, for tests and tools that look inside the motion.
    public struct BodyState: Sendable, Equatable {
        public var position: SIMD3<Double>
        public var velocity: SIMD3<Double>
        public var angularVelocity: SIMD3<Double>
    }

    var bodies: [Body]
    let ground: ContactSolver.Ground
    /// Where `positions(atSeconds:)` last stopped, so the next batch of a chunk continues from there.
    private let resumePoint = RigidBodyResumePoint()

    /// The world at t = 0, bodies in the spec's object order.
    public init(spec: ShotSpec) {
        ground = ContactSolver.Ground(
            enabled: spec.ground.enabled, height: spec.ground.height, restitution: spec.ground.restitution,
            friction: spec.ground.friction, rollingFriction: spec.ground.rollingFriction
        )
        bodies = spec.objects.map { object in
            let half: SIMD3<Double>
            var sphere = false, cylinder = false
            switch object.shape {
            case .sphere(let r): half = SIMD3(repeating: r); sphere = true
            case .box(let size): half = size / 2
            case .cylinder(let r, let h): half = SIMD3(r, h / 2, r); cylinder = true
            }
            var position = object.position
            if object.dynamic, spec.ground.enabled { position.y = max(position.y, spec.ground.height + half.y) }
            let inverseMass = object.dynamic ? 1 / object.mass : 0
            // A sphere so small that r² underflows would spin infinitely fast: it slides instead.
            let spin = sphere ? inverseMass * 2.5 / (half.x * half.x) : 0
            return Body(
                position: position, velocity: object.dynamic ? object.velocity : .zero,
                inverseMass: inverseMass, inverseInertia: spin.isFinite ? spin : 0,
                half: half, isSphere: sphere, isCylinder: cylinder,
                restitution: object.restitution, friction: object.friction, rollingFriction: object.rollingFriction
            )
        }
    }

    /// Whether any object moves at all (static scenes skip simulation).
    public var hasDynamicBodies: Bool { bodies.contains { $0.inverseMass > 0 } }

    /// Object centres at each of `times` (seconds from the shot's first frame), in the order given.
    ///
    /// Steps are simulated from 0 to the latest time (continuing from where an earlier call for
    /// earlier times stopped, which runs the very same steps); each time is linearly interpolated
    /// between the two steps around it, so the answer for a time never depends on which other
    /// times were asked, in this call or before.
    public func positions(atSeconds times: [Double]) -> [[SIMD3<Double>]] {
        guard hasDynamicBodies else { return times.map { _ in bodies.map(\.position) } }
        var needed: [Int: [SIMD3<Double>]] = [:]
        for t in times {
            let k = Int((max(0, t) / Self.timeStep).rounded(.down))
            needed[k] = []
            needed[k + 1] = []
        }
        let firstStep = needed.keys.min() ?? 0, lastStep = needed.keys.max() ?? 0
        var world = self
        var from = 0
        if let saved = resumePoint.world(atOrBefore: firstStep) {
            world.bodies = saved.bodies
            from = saved.step
        }
        for step in from...lastStep {
            if needed[step] != nil { needed[step] = world.bodies.map(\.position) }
            // The step before the last is where the next, later batch of frames can start.
            if step == max(from, lastStep - 1) { resumePoint.save(world.bodies, step: step) }
            if step < lastStep { world.advance() }
        }
        return times.map { t in
            let s = max(0, t) / Self.timeStep
            let k = Int(s.rounded(.down))
            let f = s - Double(k)
            let a = needed[k] ?? [], b = needed[k + 1] ?? []
            return zip(a, b).map { $0 + ($1 - $0) * f }
        }
    }

    /// Every body's state after `steps` fixed steps from t = 0.
    public func states(afterSteps steps: Int) -> [BodyState] {
        var world = self
        for _ in 0..<max(0, steps) { world.advance() }
        return world.bodies.map { BodyState(position: $0.position, velocity: $0.velocity, angularVelocity: $0.angularVelocity) }
    }

    /// One fixed step, in substeps short enough that two bodies that can meet within the step
    /// close by less than the thinner one's smallest half-extent per substep: then neither can
    /// skip through the other without first overlapping it.
    mutating func advance() {
        let count = substepCount()
        let dt = Self.timeStep / Double(count)
        for _ in 0..<count { substep(dt) }
    }

    /// Substeps this step needs; only pairs whose boxes, grown by their travel in a step, overlap
    /// count, so a thin object far from anything fast costs nothing.
    func substepCount() -> Int {
        let speeds = bodies.map { ($0.velocity * $0.velocity).sum().squareRoot() }
        var needed = 1.0
        for i in bodies.indices where bodies[i].inverseMass > 0 && speeds[i] > 0 {
            for j in bodies.indices where j != i {
                let reach = (speeds[i] + speeds[j]) * Self.timeStep
                let d = bodies[i].position - bodies[j].position
                let gap = SIMD3(abs(d.x), abs(d.y), abs(d.z)) - bodies[i].half - bodies[j].half
                guard gap.max() < reach else { continue }
                needed = max(needed, reach / min(bodies[i].half.min(), bodies[j].half.min()))
            }
        }
        return needed.isFinite ? min(Self.maxSubsteps, Int(needed.rounded(.up))) : Self.maxSubsteps
    }

    private mutating func substep(_ dt: Double) {
        var solver = ContactSolver(bodies: bodies, ground: ground)
        let touched = solver.touched(count: bodies.count)
        for i in bodies.indices where bodies[i].inverseMass > 0 && !touched[i] {
            fly(&bodies[i], dt: dt)
        }
        guard touched.contains(true) else { return }
        solver.prepare(bodies)
        for i in bodies.indices where bodies[i].inverseMass > 0 && touched[i] {
            bodies[i].velocity.y -= Self.gravity * dt
        }
        solver.solveVelocities(&bodies)
        for i in bodies.indices where bodies[i].inverseMass > 0 && touched[i] {
            bodies[i].position += bodies[i].velocity * dt
            if ground.enabled, bodies[i].position.y < ground.height + bodies[i].half.y {
                bodies[i].position.y = ground.height + bodies[i].half.y
                bodies[i].velocity.y = max(bodies[i].velocity.y, 0)
            }
        }
        solver.projectPositions(&bodies, ground: ground)
    }

    /// Ballistic flight of a body touching nothing, with the exact ground impact time inside the step.
    private func fly(_ body: inout Body, dt: Double) {
        let g = Self.gravity
        var remaining = dt
        let floor = ground.height + body.half.y
        for _ in 0..<4 where remaining > 0 {
            let y0 = body.position.y, v0 = body.velocity.y
            let yEnd = y0 + v0 * remaining - 0.5 * g * remaining * remaining
            guard ground.enabled, yEnd < floor else {
                body.position.x += body.velocity.x * remaining
                body.position.z += body.velocity.z * remaining
                body.position.y = yEnd
                body.velocity.y = v0 - g * remaining
                return
            }
            // Solve y0 + v0 τ − g τ²/2 = floor for the first τ ≥ 0.
            let a = -0.5 * g, b = v0, c = y0 - floor
            let disc = max(0, b * b - 4 * a * c)
            let tau = min(remaining, max(0, (-b - disc.squareRoot()) / (2 * a)))
            body.position.x += body.velocity.x * tau
            body.position.z += body.velocity.z * tau
            body.position.y = floor
            let impact = v0 - g * tau
            let e = body.restitution * ground.restitution
            let rebound = -e * impact
            impactFriction(&body, normalImpulse: (1 + e) * abs(impact) / body.inverseMass)
            remaining -= tau
            if rebound < Self.restSpeed {
                // At rest on the ground: from the next step on, a ground contact holds it.
                body.velocity.y = 0
                body.position.x += body.velocity.x * remaining
                body.position.z += body.velocity.z * remaining
                return
            }
            body.velocity.y = rebound
        }
    }

    /// Coulomb friction of a ground impact with normal impulse `normalImpulse`: it stops the
    /// contact point's sliding if it can (a sphere's spin takes its share, by 1/m + r²/I), and
    /// otherwise removes μ·impulse from it.
    private func impactFriction(_ body: inout Body, normalImpulse: Double) {
        let lever = SIMD3<Double>(0, body.isSphere ? -body.half.x : 0, 0)
        var slip = body.velocity + cross(body.angularVelocity, lever)
        slip.y = 0
        let speed = (slip * slip).sum().squareRoot()
        guard speed > 0 else { return }
        let mass = body.inverseMass + body.inverseInertia * lever.y * lever.y
        let mu = body.friction * ground.friction
        let impulse = -slip / speed * min(speed / mass, mu * normalImpulse)
        body.velocity += impulse * body.inverseMass
        body.angularVelocity += cross(lever, impulse) * body.inverseInertia
    }
}
