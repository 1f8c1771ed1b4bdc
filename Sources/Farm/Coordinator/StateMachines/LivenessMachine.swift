import Foundation

/// Who is alive and which leases have run out: the coordinator's Paranoid Pirate liveness (a node
/// silent for the liveness window is dead; one whose connection closed gets 1.5 s to speak), the
/// heartbeat schedule, the lease clock of every attempt it dispatched or inherited, and the grace
/// given to leases inherited from the store. A value type: the loop reports what it heard and
/// when, and performs the actions `tick` returns. It reads no clock; tests give it instants.
public struct LivenessMachine: Sendable {
    public enum Action: Sendable, Equatable {
        /// Send HEARTBEAT to every registered node.
        case sendHeartbeats
        /// The node on this connection is dead: requeue its attempts and forget it.
        case nodeLost(peer: Data)
        /// The attempt's lease ran out: cancel it and count a failed attempt.
        case leaseExpired(attempt: String, seconds: Double)
        /// An attempt inherited from the store was not claimed by any node in time: requeue it.
        case orphanUnclaimed(attempt: String)
    }

    /// Heartbeat interval and how many a node may miss (FarmProtocol: 0.5 s × 6, so 3 s).
    public let interval: Duration
    public let liveness: Int
    /// How long a node whose connection closed has to speak.
    public let suspectFor: Duration

    private var lastSeen: [Data: ContinuousClock.Instant] = [:]
    private var lastHeartbeat: ContinuousClock.Instant
    private var leases: [String: (deadline: ContinuousClock.Instant, seconds: Double)] = [:]
    private var orphans: [String: ContinuousClock.Instant] = [:]

    public init(now: ContinuousClock.Instant, interval: Duration = FarmProtocol.heartbeatInterval, liveness: Int = FarmProtocol.nodeLiveness,
                suspectFor: Duration = .milliseconds(1500)) {
        self.interval = interval
        self.liveness = liveness
        self.suspectFor = suspectFor
        lastHeartbeat = now
    }

    /// The liveness window: silence this long means dead.
    public var window: Duration { interval * liveness }

    // MARK: Events

    /// Anything arrived from the node on `peer` (or it registered).
    public mutating func heard(_ peer: Data, at now: ContinuousClock.Instant) {
        lastSeen[peer] = now
    }

    /// The node's TCP connection closed: unless it speaks within `suspectFor` it is dead.
    public mutating func connectionClosed(_ peer: Data, at now: ContinuousClock.Instant) {
        guard let seen = lastSeen[peer] else { return }
        lastSeen[peer] = min(seen, now - (window - suspectFor))
    }

    /// The node left or was replaced: stop watching it.
    public mutating func forget(_ peer: Data) {
        lastSeen[peer] = nil
    }

    public func lastSeen(_ peer: Data) -> ContinuousClock.Instant? { lastSeen[peer] }

    /// Whether the node on `peer` is speaking now: heard within `window - suspectFor` (three
    /// heartbeats) and its connection not seen closed since. A node whose connection closed is
    /// not, even while it still has `suspectFor` to speak before it is dead.
    public func isLive(_ peer: Data, at now: ContinuousClock.Instant) -> Bool {
        guard let seen = lastSeen[peer] else { return false }
        return now - seen < window - suspectFor
    }

    /// A lease of `seconds` starts (dispatch, or inherited after a take-over).
    public mutating func leaseStarted(_ attempt: String, seconds: Double, at now: ContinuousClock.Instant) {
        // Clamped so a huge --lease-base cannot overflow the clock (a year is "for ever" here).
        let clamped = min(max(seconds, 0), 365 * 86_400)
        leases[attempt] = (now + .milliseconds(Int64(clamped * 1000)), clamped)
    }

    /// The attempt ended (result, failure, requeue): its clock and any orphan grace stop.
    public mutating func leaseEnded(_ attempt: String) {
        leases[attempt] = nil
        orphans[attempt] = nil
    }

    /// A lease inherited from the store: a node must claim it (list it in READY) by `until`.
    public mutating func inherited(_ attempt: String, until: ContinuousClock.Instant) {
        orphans[attempt] = until
    }

    /// A node listed the inherited attempt as running: it is no longer an orphan.
    public mutating func claimed(_ attempt: String) {
        orphans[attempt] = nil
    }

    public var orphanCount: Int { orphans.count }

    /// Forget every node, lease and orphan (the coordinator stepped down).
    public mutating func reset(now: ContinuousClock.Instant) {
        self = LivenessMachine(now: now, interval: interval, liveness: liveness, suspectFor: suspectFor)
    }

    // MARK: Time

    /// Called every loop pass (≈100 ms, so a dead node's tasks move within about window + 0.1 s).
    /// Lost nodes first (sorted, so the order is the same every run), then the heartbeat, then
    /// orphans, then (once per heartbeat) expired leases.
    public mutating func tick(now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        for (peer, seen) in lastSeen.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) where now - seen > window {
            lastSeen[peer] = nil
            actions.append(.nodeLost(peer: peer))
        }
        let beat = now - lastHeartbeat >= interval
        if beat {
            lastHeartbeat = now
            actions.append(.sendHeartbeats)
        }
        for (attempt, until) in orphans.sorted(by: { $0.key < $1.key }) where now > until {
            orphans[attempt] = nil
            actions.append(.orphanUnclaimed(attempt: attempt))
        }
        if beat {
            for (attempt, lease) in leases.sorted(by: { $0.key < $1.key }) where now > lease.deadline {
                leases[attempt] = nil
                actions.append(.leaseExpired(attempt: attempt, seconds: lease.seconds))
            }
        }
        return actions
    }
}
