/// Whether this coordinator may serve (answer nodes and clients, dispatch): the Binary Star FSM
/// when it is one of a pair, and the job store's active lease always. A value type fed events by
/// the loop (a tick, the peer's state, a request, the store's answer to a claim); it returns the
/// actions the loop performs. It reads no clock: every event carries its instant.
///
/// Two safeguards, on purpose: the FSM keeps the pair from both *wanting* to serve (the guide's
/// rule: the backup takes over only when it has lost the primary and a request has come), and the
/// store's lease keeps two coordinators from both *dispatching* even when the peer link is cut and
/// both FSMs end up active. Serving needs both.
public struct FailoverMachine: Sendable {
    public struct Timing: Sendable, Equatable {
        /// How often the pair publish their state (the guide's HEARTBEAT).
        public var heartbeat: Duration
        /// The job store's lease length, and how often a holder renews it.
        public var leaseTTL: Duration
        public var renewEvery: Duration

        /// Half a second between states, the peer dead after two silent intervals (the guide's
        /// 2 × HEARTBEAT), a 2 s lease renewed four times a second: a killed active's lease has
        /// run out about when the backup stops hearing it, so a fail-over takes about 2 s.
        public static let `default` = Timing(heartbeat: .milliseconds(500), leaseTTL: .seconds(2), renewEvery: .milliseconds(250))

        public init(heartbeat: Duration, leaseTTL: Duration, renewEvery: Duration) {
            self.heartbeat = heartbeat
            self.leaseTTL = leaseTTL
            self.renewEvery = renewEvery
        }

        public var peerTimeout: Duration { heartbeat * 2 }
    }

    public enum Action: Sendable, Equatable {
        /// Publish this state to the peer.
        case publish(BinaryStar.State)
        /// Ask the store for the active lease (`JobStore.claimActive`) and feed the answer back
        /// with `leaseAnswered`.
        case claimLease
        /// Give the lease up (`JobStore.releaseActive`).
        case releaseLease
        /// Start serving: take over the store's leased tasks, accept nodes and clients.
        case takeOver
        /// Stop serving: forget nodes and leases; answer PASSIVE from now on.
        case stepDown(String)
        /// Something an operator should read in the log.
        case log(String)
    }

    public let timing: Timing
    /// The pair's FSM; nil for a lone coordinator (it needs only the lease).
    public private(set) var star: BinaryStar?
    /// Until when this coordinator knows it holds the lease (from the start of its last
    /// successful claim, so never later than the store's own expiry); nil when it does not.
    public private(set) var leaseValidUntil: ContinuousClock.Instant?
    private var lastClaim: ContinuousClock.Instant?
    private var lastPublish: ContinuousClock.Instant?

    public init(role: BinaryStar.Role?, now: ContinuousClock.Instant, timing: Timing = .default) {
        self.timing = timing
        star = role.map { BinaryStar(role: $0, now: now, peerTimeout: timing.peerTimeout) }
    }

    /// The FSM's state, or nil for a lone coordinator.
    public var state: BinaryStar.State? { star?.state }

    /// Whether the FSM lets this coordinator serve (always, alone).
    public var wantsToServe: Bool { star?.serves ?? true }

    /// Whether it serves now: the FSM lets it and it holds the store's lease.
    public func serving(at now: ContinuousClock.Instant) -> Bool {
        guard wantsToServe, let until = leaseValidUntil else { return false }
        return now < until
    }

    /// Called every loop pass: publishes the state when due, claims or renews the lease when due,
    /// and steps down when the lease could not be renewed in time.
    public mutating func tick(now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        if let until = leaseValidUntil, now >= until {
            leaseValidUntil = nil
            actions.append(.stepDown("the job store's active lease ran out before it could be renewed"))
        }
        if let star, lastPublish.map({ now - $0 >= timing.heartbeat }) ?? true {
            lastPublish = now
            actions.append(.publish(star.state))
        }
        if wantsToServe, lastClaim.map({ now - $0 >= timing.renewEvery }) ?? true {
            lastClaim = now
            actions.append(.claimLease)
        }
        return actions
    }

    /// The store's answer to a claim that started at `claimedAt`; `held` nil when the store
    /// could not be asked (it is down): the lease then lapses at its known end.
    public mutating func leaseAnswered(_ held: Bool?, claimedAt: ContinuousClock.Instant) -> [Action] {
        guard let held else { return [] }
        guard wantsToServe else {
            // The FSM stepped down while the claim was under way: give back what it won.
            return held ? [.releaseLease] : []
        }
        if held {
            let wasServing = leaseValidUntil != nil
            leaseValidUntil = claimedAt + timing.leaseTTL
            return wasServing ? [] : [.takeOver]
        }
        // Refused: keep the FSM's state and ask again at the next renewal. An FSM that went active
        // because the peer restarted (PEER_PRIMARY/PEER_BACKUP) waits here until the peer hears
        // it and goes passive, releasing the lease, as in the guide.
        guard leaseValidUntil != nil else { return [] }
        leaseValidUntil = nil
        return [.stepDown("another coordinator holds the job store's active lease")]
    }

    /// The peer published `state`.
    public mutating func peer(_ state: BinaryStar.State, now: ContinuousClock.Instant) -> [Action] {
        guard var star else { return [] }
        var actions: [Action] = []
        for action in star.handle(state.asPeerEvent, now: now) {
            switch action {
            case .fatal("dual actives") where leaseValidUntil != nil:
                actions.append(.log("dual actives (the guide's fatal error): this one holds the job store's lease and stays active"))
            case .fatal("dual actives"):
                actions.append(.log("dual actives (the guide's fatal error): the peer holds the job store's lease; stepping down"))
                actions += Self.logs(star.handle(.storeLeaseLost, now: now))
            case .fatal(let why):
                // The guide aborts and lets the operator restart; we restart the FSM in place,
                // which is what that restart would do.
                actions.append(.log("\(why) (the guide's fatal error): restarting the pair state machine as \(star.role.rawValue)"))
                star = BinaryStar(role: star.role, now: now, peerTimeout: timing.peerTimeout)
            default:
                actions += Self.logs([action])
            }
        }
        self.star = star
        actions += afterStateChange(now: now)
        return actions
    }

    /// A node or client message arrived; returns the actions (a fail-over claims the lease at once).
    public mutating func request(now: ContinuousClock.Instant) -> [Action] {
        guard var star else { return afterStateChange(now: now) }
        let actions = Self.logs(star.handle(.clientRequest, now: now))
        self.star = star
        return actions + afterStateChange(now: now)
    }

    /// After the FSM moved: claim at once when it now wants to serve and holds nothing, give the
    /// lease back and stop when it no longer wants to.
    private mutating func afterStateChange(now: ContinuousClock.Instant) -> [Action] {
        // A request to one that wants to serve but holds no lease claims at once (a backup that
        // just failed over, a coordinator just started), at most every 50 ms.
        if wantsToServe, leaseValidUntil == nil, lastClaim.map({ now - $0 >= .milliseconds(50) }) ?? true {
            lastClaim = now
            return [.claimLease]
        }
        if !wantsToServe, leaseValidUntil != nil {
            leaseValidUntil = nil
            return [.releaseLease, .stepDown("the pair state machine is \(star?.state.rawValue ?? "?") now")]
        }
        return []
    }

    private static func logs(_ actions: [BinaryStar.Action]) -> [Action] {
        actions.compactMap {
            if case .changed(let from, let to, let why) = $0 { return .log("\(from.rawValue) → \(to.rawValue): \(why)") }
            if case .fatal(let why) = $0 { return .log(why) }
            return nil
        }
    }
}

extension FailoverMachine {
    /// The loop could not act on a won lease (the store failed mid take-over): it gave the lease
    /// back and tries again at the next claim.
    public mutating func leaseAbandoned() -> [Action] {
        leaseValidUntil = nil
        return []
    }
}
