import Foundation

/// Where a `RigidBodySimulation` last stopped: the bodies after a number of fixed steps, so the
/// next request for later times continues from there instead of integrating again from t = 0.
/// The generator asks for a chunk's frames in batches of increasing time; with this a chunk is
/// integrated once. Continuing runs exactly the steps a fresh run would, in the same order, from
/// the same state, so the answer is bit-identical either way; a request for an earlier time
/// starts again from t = 0. Shared by copies of the simulation (it is a cache, not state).
final class RigidBodyResumePoint: @unchecked Sendable {
    private let lock = NSLock()
    private var step = 0
    private var bodies: [RigidBodySimulation.Body]?

    /// The latest saved world at or before `step`, and its step; nil when there is none.
    func world(atOrBefore step: Int) -> (bodies: [RigidBodySimulation.Body], step: Int)? {
        lock.lock()
        defer { lock.unlock() }
        guard let bodies, self.step <= step else { return nil }
        return (bodies, self.step)
    }

    /// Saves `bodies` as the world after `step` fixed steps.
    func save(_ bodies: [RigidBodySimulation.Body], step: Int) {
        lock.lock()
        self.bodies = bodies
        self.step = step
        lock.unlock()
    }
}
