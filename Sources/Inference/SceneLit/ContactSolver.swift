import Foundation

/// The contacts of one physics step and their sequential-impulse solve (Catto, "Iterative
/// Dynamics with Temporal Coherence", GDC 2005; "Modeling and Solving Constraints", GDC 2009).
///
/// Each contact carries accumulated impulses: normal (≥ 0, so contacts push and never pull),
/// tangential Coulomb friction inside the cone |Pt| ≤ μ·Pn, and a rolling-resistance angular
/// impulse |Pr| ≤ c·r·Pn. Iterating over all contacts lets the load of a stack reach the ground,
/// and the impulses of one step satisfy every contact together, so a resting stack stays put.
/// Penetration left after the step is removed by moving bodies (position projection), beyond
/// a small slop so touching contacts persist from step to step instead of flickering.
struct ContactSolver {
    /// Velocity iterations per step: enough for a stack of a few bodies to carry its load down.
    static let velocityIterations = 16
    /// Position-projection passes per step.
    static let positionIterations = 4
    /// Overlap (m) left in place so resting contacts stay touching from step to step.
    static let slop = 0.0001
    /// Share of the overlap beyond the slop removed per projection pass.
    static let projection = 0.5

    /// The ground plane for contacts; `enabled` false means there is none.
    struct Ground {
        var enabled: Bool
        var height: Double
        var restitution: Double
        var friction: Double
        var rollingFriction: Double
    }

    struct Contact {
        /// Body indices; `a` is −1 for the ground.
        var a: Int
        var b: Int
        /// Unit normal from a to b.
        var normal: SIMD3<Double>
        /// From each body's centre to the contact point (zero for bodies that do not spin).
        var leverA: SIMD3<Double>
        var leverB: SIMD3<Double>
        var restitution: Double
        var friction: Double
        /// Largest rolling-resistance torque per unit normal impulse: coefficient × radius.
        var rollingArm: Double
        var normalMass = 0.0
        var tangentMass = 0.0
        var spinMass = 0.0
        /// Normal velocity the solve aims for: −e × the approach speed of an impact, else 0.
        var target = 0.0
        var normalImpulse = 0.0
        var tangentImpulse = SIMD3<Double>.zero
        var rollingImpulse = SIMD3<Double>.zero
    }

    var contacts: [Contact] = []

    /// Contacts at the bodies' current positions. The ground takes part for bodies lying on it
    /// (within the slop, hardly moving vertically); bodies falling onto it use the exact time
    /// of impact in `RigidBodySimulation` instead.
    init(bodies: [RigidBodySimulation.Body], ground: Ground) {
        for j in bodies.indices where bodies[j].inverseMass > 0 && ground.enabled {
            let body = bodies[j]
            let gap = body.position.y - body.half.y - ground.height
            guard gap <= Self.slop, abs(body.velocity.y) <= RigidBodySimulation.restSpeed else { continue }
            let n = SIMD3<Double>(0, 1, 0)
            contacts.append(Contact(
                a: -1, b: j, normal: n, leverA: .zero, leverB: body.isSphere ? -n * body.half.x : .zero,
                restitution: body.restitution * ground.restitution, friction: body.friction * ground.friction,
                rollingArm: body.isSphere ? body.rollingFriction * ground.rollingFriction * body.half.x : 0
            ))
        }
        for i in bodies.indices {
            for j in (i + 1)..<bodies.count where bodies[i].inverseMass > 0 || bodies[j].inverseMass > 0 {
                guard let (n, _) = Self.touch(bodies[i], bodies[j]) else { continue }
                let a = bodies[i], b = bodies[j]
                let radius = [a, b].filter(\.isSphere).map(\.half.x).min()
                contacts.append(Contact(
                    a: i, b: j, normal: n,
                    leverA: a.isSphere ? n * a.half.x : .zero, leverB: b.isSphere ? -n * b.half.x : .zero,
                    restitution: a.restitution * b.restitution, friction: a.friction * b.friction,
                    rollingArm: radius.map { $0 * a.rollingFriction * b.rollingFriction } ?? 0
                ))
            }
        }
    }

    /// Which bodies take part in at least one contact.
    func touched(count: Int) -> [Bool] {
        var out = [Bool](repeating: false, count: count)
        for c in contacts {
            if c.a >= 0 { out[c.a] = true }
            out[c.b] = true
        }
        return out
    }

    /// Normal (from a to b) and overlap of two bodies, if they touch. Spheres are exact; a sphere
    /// meets a box or cylinder at its closest point (face, edge, corner, round side or rim); boxes
    /// and cylinders meet each other as boxes along the axis of least overlap (all are
    /// axis-aligned: nothing in the spec rotates them).
    static func touch(_ a: RigidBodySimulation.Body, _ b: RigidBodySimulation.Body) -> (SIMD3<Double>, Double)? {
        if a.isSphere && b.isSphere {
            let d = b.position - a.position
            let dist = (d * d).sum().squareRoot()
            let depth = a.half.x + b.half.x - dist
            guard depth >= 0 else { return nil }
            return (dist > 1e-12 ? d / dist : SIMD3(0, 1, 0), depth)
        }
        if a.isSphere != b.isSphere {
            // sign: +1 when a is the box, so the box-to-sphere direction already points a → b.
            let (sphere, box, sign) = a.isSphere ? (a, b, -1.0) : (b, a, 1.0)
            let q = closestPoint(of: box, to: sphere.position)
            let d = sphere.position - q
            let dist = (d * d).sum().squareRoot()
            if dist > 1e-12 {
                let depth = sphere.half.x - dist
                guard depth >= 0 else { return nil }
                return (d / dist * sign, depth)
            }
            // Centre inside the box: leave through the nearest face.
            return boxes(box, sphere).map { ($0.0 * sign, $0.1 + sphere.half.x) }
        }
        return boxes(a, b)
    }

    /// The point of a box or vertical cylinder nearest to `p` (`p` itself when inside).
    private static func closestPoint(of body: RigidBodySimulation.Body, to p: SIMD3<Double>) -> SIMD3<Double> {
        var q = pointwiseMin(pointwiseMax(p, body.position - body.half), body.position + body.half)
        guard body.isCylinder else { return q }
        let dx = p.x - body.position.x, dz = p.z - body.position.z
        let radial = (dx * dx + dz * dz).squareRoot()
        let scale = radial > body.half.x ? body.half.x / radial : 1
        q.x = body.position.x + dx * scale
        q.z = body.position.z + dz * scale
        return q
    }

    /// Axis of least overlap between two boxes, pointing from a to b.
    private static func boxes(_ a: RigidBodySimulation.Body, _ b: RigidBodySimulation.Body) -> (SIMD3<Double>, Double)? {
        let d = b.position - a.position
        let overlap = a.half + b.half - SIMD3(abs(d.x), abs(d.y), abs(d.z))
        guard overlap.min() >= 0 else { return nil }
        if overlap.x <= overlap.y && overlap.x <= overlap.z { return (SIMD3(d.x >= 0 ? 1 : -1, 0, 0), overlap.x) }
        if overlap.y <= overlap.z { return (SIMD3(0, d.y >= 0 ? 1 : -1, 0), overlap.y) }
        return (SIMD3(0, 0, d.z >= 0 ? 1 : -1), overlap.z)
    }

    /// Effective masses and restitution targets, from the velocities before this step's gravity
    /// (so an impact bounces with the speed it arrived at, and resting contact never bounces).
    mutating func prepare(_ bodies: [RigidBodySimulation.Body]) {
        for k in contacts.indices {
            var c = contacts[k]
            let wa = c.a >= 0 ? bodies[c.a].inverseMass : 0, wb = bodies[c.b].inverseMass
            let ia = c.a >= 0 ? bodies[c.a].inverseInertia : 0, ib = bodies[c.b].inverseInertia
            // Levers lie along the normal, so a tangential impulse turns a sphere by |r|²/I.
            c.normalMass = wa + wb
            c.tangentMass = wa + wb + ia * (c.leverA * c.leverA).sum() + ib * (c.leverB * c.leverB).sum()
            c.spinMass = ia + ib
            let vn = (Self.relativeVelocity(c, bodies) * c.normal).sum()
            c.target = vn < -RigidBodySimulation.restSpeed ? -c.restitution * vn : 0
            contacts[k] = c
        }
    }

    /// Applies impulses until every contact holds: no approach, friction inside its cone.
    /// Velocities must already include this step's gravity.
    mutating func solveVelocities(_ bodies: inout [RigidBodySimulation.Body]) {
        // Solved on a local copy: `solve` reading `self` while writing `contacts[k]` would be
        // overlapping access.
        var list = contacts
        for _ in 0..<Self.velocityIterations {
            for k in list.indices { Self.solve(&list[k], &bodies) }
        }
        contacts = list
    }

    private static func relativeVelocity(_ c: Contact, _ bodies: [RigidBodySimulation.Body]) -> SIMD3<Double> {
        let b = bodies[c.b]
        var v = b.velocity + cross(b.angularVelocity, c.leverB)
        if c.a >= 0 {
            let a = bodies[c.a]
            v -= a.velocity + cross(a.angularVelocity, c.leverA)
        }
        return v
    }

    /// Impulse `p` on b at its lever, −p on a.
    private static func push(_ p: SIMD3<Double>, _ c: Contact, _ bodies: inout [RigidBodySimulation.Body]) {
        bodies[c.b].velocity += p * bodies[c.b].inverseMass
        bodies[c.b].angularVelocity += cross(c.leverB, p) * bodies[c.b].inverseInertia
        if c.a >= 0 {
            bodies[c.a].velocity -= p * bodies[c.a].inverseMass
            bodies[c.a].angularVelocity -= cross(c.leverA, p) * bodies[c.a].inverseInertia
        }
    }

    private static func solve(_ c: inout Contact, _ bodies: inout [RigidBodySimulation.Body]) {
        guard c.normalMass > 0 else { return }
        let n = c.normal
        let vn = (relativeVelocity(c, bodies) * n).sum()
        let total = max(0, c.normalImpulse - (vn - c.target) / c.normalMass)
        push(n * (total - c.normalImpulse), c, &bodies)
        c.normalImpulse = total

        // Coulomb friction: stop the sliding of the contact point, within μ × the normal impulse.
        var vt = relativeVelocity(c, bodies)
        vt -= n * (vt * n).sum()
        let tangent = clamp(c.tangentImpulse - vt / c.tangentMass, to: c.friction * c.normalImpulse)
        push(tangent - c.tangentImpulse, c, &bodies)
        c.tangentImpulse = tangent

        // Rolling resistance: an angular impulse against the relative spin about tangent axes
        // (the normal force acting a little ahead of the contact), at most c·r·Pn.
        guard c.spinMass > 0, c.rollingArm > 0 else { return }
        var spin = bodies[c.b].angularVelocity - (c.a >= 0 ? bodies[c.a].angularVelocity : .zero)
        spin -= n * (spin * n).sum()
        let rolling = clamp(c.rollingImpulse - spin / c.spinMass, to: c.rollingArm * c.normalImpulse)
        let delta = rolling - c.rollingImpulse
        bodies[c.b].angularVelocity += delta * bodies[c.b].inverseInertia
        if c.a >= 0 { bodies[c.a].angularVelocity -= delta * bodies[c.a].inverseInertia }
        c.rollingImpulse = rolling
    }

    /// `v` shortened to length `limit` if longer: the friction cone and its rolling counterpart.
    private static func clamp(_ v: SIMD3<Double>, to limit: Double) -> SIMD3<Double> {
        let size = (v * v).sum().squareRoot()
        return size > limit ? (size > 0 ? v * (limit / size) : .zero) : v
    }

    /// Moves overlapping bodies apart (split by inverse mass), leaving `slop` of overlap; bodies
    /// never end up below the ground.
    func projectPositions(_ bodies: inout [RigidBodySimulation.Body], ground: Ground) {
        for _ in 0..<Self.positionIterations {
            for c in contacts where c.a >= 0 {
                let wa = bodies[c.a].inverseMass, wb = bodies[c.b].inverseMass
                guard wa + wb > 0, let (n, depth) = Self.touch(bodies[c.a], bodies[c.b]), depth > Self.slop else { continue }
                let shift = n * ((depth - Self.slop) * Self.projection / (wa + wb))
                bodies[c.a].position -= shift * wa
                bodies[c.b].position += shift * wb
            }
            guard ground.enabled else { continue }
            for i in bodies.indices where bodies[i].inverseMass > 0 {
                bodies[i].position.y = max(bodies[i].position.y, ground.height + bodies[i].half.y)
            }
        }
    }
}
