/// The ZeroMQ guide's Binary Star finite-state machine (chapter 4, "High-Availability Pair"),
/// as a value type: the coordinator's loop feeds it the peer's published state and every node or
/// client request, and performs the actions it returns. It never reads a clock or a socket, so
/// tests drive it with made-up instants.
///
/// The table is the guide's `s_state_machine` (bstarsrv.c) row for row. One event is ours:
/// `.storeLeaseLost`. The guide has no arbiter and aborts on dual actives; a SceneFarm pair has
/// one, the job store's active lease, and the coordinator that does not hold it steps down to
/// passive instead of leaving the farm with no coordinator at all.
public struct BinaryStar: Sendable, Equatable {
    public enum Role: String, Sendable, Codable {
        case primary
        case backup
    }

    /// The guide's four states: primary and backup are "started, peer not heard yet".
    public enum State: String, Sendable, Codable, CaseIterable {
        case primary
        case backup
        case active
        case passive

        /// The event a peer in this state publishes.
        public var asPeerEvent: Event {
            switch self {
            case .primary: return .peerPrimary
            case .backup: return .peerBackup
            case .active: return .peerActive
            case .passive: return .peerPassive
            }
        }
    }

    public enum Event: String, Sendable, CaseIterable {
        case peerPrimary
        case peerBackup
        case peerActive
        case peerPassive
        /// A node or client message arrived.
        case clientRequest
        /// Not in the guide: the job store's active lease is held by the peer (see above).
        case storeLeaseLost
    }

    public enum Action: Sendable, Equatable {
        /// The state changed; `why` is the guide's log line.
        case changed(from: State, to: State, why: String)
        /// Answer the request as the serving coordinator.
        case serve
        /// Refuse the request (the guide's "exception" for a client request): reply PASSIVE.
        case refuse
        /// The guide's fatal errors: dual actives or dual passives.
        case fatal(String)
    }

    public let role: Role
    public private(set) var state: State
    /// When the peer counts as dead if nothing more is heard from it.
    public private(set) var peerExpiry: ContinuousClock.Instant
    /// How long the peer may be silent: the guide's 2 × heartbeat.
    public let peerTimeout: Duration

    /// A server starting in `role`; the peer gets one `peerTimeout` from `now` to be heard.
    public init(role: Role, now: ContinuousClock.Instant, peerTimeout: Duration) {
        self.role = role
        state = role == .primary ? .primary : .backup
        self.peerTimeout = peerTimeout
        peerExpiry = now + peerTimeout
    }

    /// Whether requests are answered in this state (the guide answers in primary and active).
    public var serves: Bool { state == .primary || state == .active }

    /// Feeds one event; returns what the server must do. A peer event also renews the peer's expiry.
    public mutating func handle(_ event: Event, now: ContinuousClock.Instant) -> [Action] {
        let before = state
        var actions: [Action] = []
        func move(_ to: State, _ why: String) {
            state = to
            actions.append(.changed(from: before, to: to, why: why))
        }
        switch (state, event) {
        case (.primary, .peerBackup):
            move(.active, "connected to backup (passive), ready active")
        case (.primary, .peerActive):
            move(.passive, "connected to backup (active), ready passive")
        case (.primary, .clientRequest):
            actions.append(.serve)
        case (.backup, .peerActive):
            move(.passive, "connected to primary (active), ready passive")
        case (.backup, .clientRequest):
            actions.append(.refuse)
        case (.active, .peerActive):
            actions.append(.fatal("dual actives"))
        case (.active, .clientRequest):
            actions.append(.serve)
        case (.active, .storeLeaseLost), (.primary, .storeLeaseLost):
            move(.passive, "the peer holds the job store's active lease, ready passive")
        case (.passive, .peerPrimary):
            move(.active, "primary (passive) is restarting, ready active")
        case (.passive, .peerBackup):
            move(.active, "backup (passive) is restarting, ready active")
        case (.passive, .peerPassive):
            actions.append(.fatal("dual passives"))
        case (.passive, .clientRequest):
            // The guide's rule against split brain: the backup takes over only when it has lost
            // the peer *and* a client has come to it.
            if now >= peerExpiry {
                move(.active, "failover successful, ready active")
                actions.append(.serve)
            } else {
                actions.append(.refuse)
            }
        default:
            break
        }
        if event != .clientRequest, event != .storeLeaseLost { peerExpiry = now + peerTimeout }
        return actions
    }
}
