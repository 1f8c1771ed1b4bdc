import Foundation
import ShotSpec

/// Deterministic rigid-body motion of the shot's objects, always integrated from t = 0.
///
/// Fixed step of 1/240 s; translation only (no spin). Spheres collide as spheres; boxes and
/// cylinders collide as their axis-aligned bounding boxes. Ground contacts use the exact
/// time of impact inside a step, so a ball dropped from h with restitution e rises to e²·h.
/// Restitution and friction of a contact are the products of the two bodies' values.
public struct RigidBodySimulation: Sendable {
    public static let timeStep = 1.0 / 240
    public static let gravity = 9.81
    /// Below this rebound speed (m/s) a body comes to rest on the ground instead of chattering.
    static let restSpeed = 0.05

    struct Body: Sendable {
        var position: SIMD3<Double>
        var velocity: SIMD3<Double>
        var inverseMass: Double
        var half: SIMD3<Double>
        var isSphere: Bool
        var restitution: Double
        var friction: Double
        var resting = false
    }

    var bodies: [Body]
    let groundEnabled: Bool
    let groundHeight: Double
    let groundRestitution: Double
    let groundFriction: Double

    /// The world at t = 0, bodies in the spec's object order.
    public init(spec: ShotSpec) {
        groundEnabled = spec.ground.enabled
        groundHeight = spec.ground.height
        groundRestitution = spec.ground.restitution
        groundFriction = spec.ground.friction
        bodies = spec.objects.map { object in
            let half: SIMD3<Double>
            var sphere = false
            switch object.shape {
            case .sphere(let r): half = SIMD3(repeating: r); sphere = true
            case .box(let size): half = size / 2
            case .cylinder(let r, let h): half = SIMD3(r, h / 2, r)
            }
            var position = object.position
            if object.dynamic, spec.ground.enabled { position.y = max(position.y, spec.ground.height + half.y) }
            return Body(
                position: position, velocity: object.dynamic ? object.velocity : .zero,
                inverseMass: object.dynamic ? 1 / object.mass : 0, half: half, isSphere: sphere,
                restitution: object.restitution, friction: object.friction
            )
        }
    }

    /// Whether any object moves at all (static scenes skip simulation).
    public var hasDynamicBodies: Bool { bodies.contains { $0.inverseMass > 0 } }

    /// Object centres at each of `times` (seconds from the shot's first frame), in the order given.
    ///
    /// Steps are simulated from 0 to the latest time; each time is linearly interpolated between
    /// the two steps around it, so the answer for a time never depends on which other times were asked.
    public func positions(atSeconds times: [Double]) -> [[SIMD3<Double>]] {
        guard hasDynamicBodies else { return times.map { _ in bodies.map(\.position) } }
        var needed: [Int: [SIMD3<Double>]] = [:]
        for t in times {
            let k = Int((max(0, t) / Self.timeStep).rounded(.down))
            needed[k] = []
            needed[k + 1] = []
        }
        let lastStep = needed.keys.max() ?? 0
        var world = self
        for step in 0...lastStep {
            if needed[step] != nil { needed[step] = world.bodies.map(\.position) }
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

    /// One fixed step.
    mutating func advance() {
        let dt = Self.timeStep
        for i in bodies.indices where bodies[i].inverseMass > 0 {
            integrate(&bodies[i], dt: dt)
        }
        for i in bodies.indices {
            for j in (i + 1)..<bodies.count where bodies[i].inverseMass > 0 || bodies[j].inverseMass > 0 {
                resolve(i, j)
            }
        }
        for i in bodies.indices where bodies[i].inverseMass > 0 && groundEnabled {
            let floor = groundHeight + bodies[i].half.y
            if bodies[i].position.y < floor {
                bodies[i].position.y = floor
                bodies[i].velocity.y = max(bodies[i].velocity.y, 0)
            }
        }
    }

    /// Ballistic flight with the exact ground impact time inside the step.
    private func integrate(_ body: inout Body, dt: Double) {
        let g = Self.gravity
        var remaining = dt
        let floor = groundHeight + body.half.y
        if body.resting {
            if !groundEnabled || body.position.y > floor + 1e-9 || body.velocity.y > 0 {
                body.resting = false
            } else {
                body.velocity.y = 0
                slide(&body, dt: dt)
                return
            }
        }
        for _ in 0..<4 where remaining > 0 {
            let y0 = body.position.y, v0 = body.velocity.y
            let yEnd = y0 + v0 * remaining - 0.5 * g * remaining * remaining
            if groundEnabled, yEnd < floor {
                // Solve y0 + v0 τ − g τ²/2 = floor for the first τ ≥ 0.
                let a = -0.5 * g, b = v0, c = y0 - floor
                let disc = max(0, b * b - 4 * a * c)
                let tau = min(remaining, max(0, (-b - disc.squareRoot()) / (2 * a)))
                body.position.x += body.velocity.x * tau
                body.position.z += body.velocity.z * tau
                body.position.y = floor
                let impact = v0 - g * tau
                let e = body.restitution * groundRestitution
                let rebound = -e * impact
                let mu = body.friction * groundFriction
                applyFriction(&body.velocity, normalImpulsePerMass: (1 + e) * abs(impact), mu: mu)
                remaining -= tau
                if rebound < Self.restSpeed {
                    body.velocity.y = 0
                    body.resting = true
                    slide(&body, dt: remaining)
                    return
                }
                body.velocity.y = rebound
            } else {
                body.position.x += body.velocity.x * remaining
                body.position.z += body.velocity.z * remaining
                body.position.y = yEnd
                body.velocity.y = v0 - g * remaining
                return
            }
        }
    }

    /// Kinetic friction on a body resting on the ground.
    private func slide(_ body: inout Body, dt: Double) {
        applyFriction(&body.velocity, normalImpulsePerMass: Self.gravity * dt, mu: body.friction * groundFriction)
        body.position.x += body.velocity.x * dt
        body.position.z += body.velocity.z * dt
    }

    private func applyFriction(_ v: inout SIMD3<Double>, normalImpulsePerMass: Double, mu: Double) {
        let speed = (v.x * v.x + v.z * v.z).squareRoot()
        guard speed > 0 else { return }
        let scale = max(0, speed - mu * normalImpulsePerMass) / speed
        v.x *= scale
        v.z *= scale
    }

    /// Contact normal (from i to j) and penetration depth, if the two overlap.
    private func contact(_ a: Body, _ b: Body) -> (SIMD3<Double>, Double)? {
        if a.isSphere && b.isSphere {
            let d = b.position - a.position
            let dist = (d * d).sum().squareRoot()
            let depth = a.half.x + b.half.x - dist
            guard depth > 0 else { return nil }
            return (dist > 1e-12 ? d / dist : SIMD3(0, 1, 0), depth)
        }
        if a.isSphere != b.isSphere {
            let (sphere, box, flip) = a.isSphere ? (a, b, 1.0) : (b, a, -1.0)
            let q = pointwiseMin(pointwiseMax(sphere.position, box.position - box.half), box.position + box.half)
            let d = sphere.position - q
            let dist = (d * d).sum().squareRoot()
            if dist > 1e-12 {
                let depth = sphere.half.x - dist
                guard depth > 0 else { return nil }
                // Normal from box to sphere; flip so it points from a to b.
                return (d / dist * -flip, depth)
            }
            return boxContact(box, sphere).map { ($0.0 * flip, $0.1 + sphere.half.x) }
        }
        return boxContact(a, b)
    }

    /// Axis of least overlap between two boxes, pointing from a to b.
    private func boxContact(_ a: Body, _ b: Body) -> (SIMD3<Double>, Double)? {
        let d = b.position - a.position
        let overlap = a.half + b.half - SIMD3(abs(d.x), abs(d.y), abs(d.z))
        guard overlap.min() > 0 else { return nil }
        if overlap.x <= overlap.y && overlap.x <= overlap.z { return (SIMD3(d.x >= 0 ? 1 : -1, 0, 0), overlap.x) }
        if overlap.y <= overlap.z { return (SIMD3(0, d.y >= 0 ? 1 : -1, 0), overlap.y) }
        return (SIMD3(0, 0, d.z >= 0 ? 1 : -1), overlap.z)
    }

    private mutating func resolve(_ i: Int, _ j: Int) {
        guard let (n, depth) = contact(bodies[i], bodies[j]) else { return }
        let wi = bodies[i].inverseMass, wj = bodies[j].inverseMass
        let total = wi + wj
        guard total > 0 else { return }
        bodies[i].position -= n * (depth * wi / total)
        bodies[j].position += n * (depth * wj / total)
        let relative = bodies[j].velocity - bodies[i].velocity
        let vn = (relative * n).sum()
        guard vn < 0 else { return }
        let e = bodies[i].restitution * bodies[j].restitution
        let impulse = -(1 + e) * vn / total
        bodies[i].velocity -= n * (impulse * wi)
        bodies[j].velocity += n * (impulse * wj)
        // Coulomb friction along the tangential relative velocity.
        let tangent = relative - n * vn
        let speed = (tangent * tangent).sum().squareRoot()
        if speed > 1e-9 {
            let mu = bodies[i].friction * bodies[j].friction
            let jt = min(speed / total, mu * impulse)
            let dir = tangent / speed
            bodies[i].velocity += dir * (jt * wi)
            bodies[j].velocity -= dir * (jt * wj)
        }
        for k in [i, j] where bodies[k].resting && bodies[k].velocity.y > 0 { bodies[k].resting = false }
    }
}
