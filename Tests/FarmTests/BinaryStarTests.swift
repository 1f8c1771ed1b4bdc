import Farm
import Testing

/// Every transition of the ZeroMQ guide's Binary Star table (chapter 4, bstarsrv.c's
/// `s_state_machine`), driven with made-up instants: no sockets, no real clock.
@Suite("Binary Star state machine")
struct BinaryStarTests {
    typealias State = BinaryStar.State
    typealias Event = BinaryStar.Event

    let t0 = ContinuousClock.now
    let timeout: Duration = .seconds(2)

    /// A machine in `state`, reached the way a server reaches it.
    func machine(in state: State) -> BinaryStar {
        switch state {
        case .primary: return BinaryStar(role: .primary, now: t0, peerTimeout: timeout)
        case .backup: return BinaryStar(role: .backup, now: t0, peerTimeout: timeout)
        case .active:
            var star = BinaryStar(role: .primary, now: t0, peerTimeout: timeout)
            _ = star.handle(.peerBackup, now: t0)
            return star
        case .passive:
            var star = BinaryStar(role: .backup, now: t0, peerTimeout: timeout)
            _ = star.handle(.peerActive, now: t0)
            return star
        }
    }

    /// The guide's table: (state, peer event) → next state, or a fatal error. Pairs not listed
    /// change nothing (the guide's fall-through), which the last test checks one by one.
    static let peerRows: [(State, Event, State?, String?)] = [
        (.primary, .peerBackup, .active, nil),
        (.primary, .peerActive, .passive, nil),
        (.backup, .peerActive, .passive, nil),
        (.active, .peerActive, nil, "dual actives"),
        (.passive, .peerPrimary, .active, nil),
        (.passive, .peerBackup, .active, nil),
        (.passive, .peerPassive, nil, "dual passives"),
    ]

    @Test(arguments: 0..<peerRows.count)
    func peerEventsFollowTheGuide(row: Int) {
        let (from, event, to, fatal) = Self.peerRows[row]
        var star = machine(in: from)
        let actions = star.handle(event, now: t0 + .milliseconds(100))
        if let to {
            #expect(star.state == to)
            #expect(actions.count == 1)
            guard case .changed(let was, let now, _) = actions.first else { Issue.record("\(actions)"); return }
            #expect(was == from && now == to)
        } else {
            #expect(star.state == from)
            #expect(actions == [.fatal(fatal!)])
        }
    }

    @Test func everyOtherPeerEventLeavesTheStateAlone() {
        let listed = Set(Self.peerRows.map { "\($0.0)-\($0.1)" })
        for state in State.allCases {
            for event in [Event.peerPrimary, .peerBackup, .peerActive, .peerPassive] where !listed.contains("\(state)-\(event)") {
                var star = machine(in: state)
                #expect(star.handle(event, now: t0) == [], "\(state) \(event)")
                #expect(star.state == state, "\(state) \(event)")
            }
        }
    }

    @Test func clientRequestsAreServedByPrimaryAndActiveAndRefusedByBackup() {
        for (state, expected) in [(State.primary, BinaryStar.Action.serve), (.active, .serve), (.backup, .refuse)] {
            var star = machine(in: state)
            // Even long after the peer was last heard: only a passive server fails over.
            #expect(star.handle(.clientRequest, now: t0 + .seconds(60)) == [expected], "\(state)")
            #expect(star.state == state)
            #expect(star.serves == (expected == .serve))
        }
    }

    @Test func aPassiveServerRefusesWhileThePeerLivesAndTakesOverOnceItHasExpired() {
        var star = machine(in: .passive) // peer heard at t0: it expires at t0 + 2 s
        #expect(star.handle(.clientRequest, now: t0 + .milliseconds(1999)) == [.refuse])
        #expect(star.state == .passive)
        // A peer message renews the expiry: still refused 2 s after the first one.
        _ = star.handle(.peerActive, now: t0 + .seconds(1))
        #expect(star.handle(.clientRequest, now: t0 + .milliseconds(2500)) == [.refuse])
        // Peer lost and no request: no failover yet (the guide's rule against split brain).
        #expect(star.state == .passive)
        let actions = star.handle(.clientRequest, now: t0 + .seconds(3))
        #expect(star.state == .active)
        #expect(actions.count == 2)
        #expect(actions.last == .serve)
        if case .changed(.passive, .active, let why) = actions.first { #expect(why == "failover successful, ready active") } else { Issue.record("\(actions)") }
    }

    @Test func aClientRequestDoesNotRenewThePeersExpiry() {
        var star = machine(in: .passive)
        #expect(star.peerExpiry == t0 + timeout)
        _ = star.handle(.clientRequest, now: t0 + .seconds(1))
        #expect(star.peerExpiry == t0 + timeout)
    }

    @Test func theStoreLeaseArbitratesDualActives() {
        // Ours, not the guide's: the active without the job store's lease steps down.
        for state in [State.active, .primary] {
            var star = machine(in: state)
            let actions = star.handle(.storeLeaseLost, now: t0)
            #expect(star.state == .passive)
            #expect(actions.count == 1)
        }
        for state in [State.backup, .passive] {
            var star = machine(in: state)
            #expect(star.handle(.storeLeaseLost, now: t0) == [])
            #expect(star.state == state)
        }
    }

    @Test func aRestartedPrimaryJoinsTheActiveBackupAsPassive() {
        // The backup took over; the old primary comes back and hears it.
        var backup = machine(in: .passive)
        _ = backup.handle(.clientRequest, now: t0 + .seconds(5))
        #expect(backup.state == .active)
        var primary = BinaryStar(role: .primary, now: t0 + .seconds(6), peerTimeout: timeout)
        _ = primary.handle(backup.state.asPeerEvent, now: t0 + .seconds(6))
        #expect(primary.state == .passive)
        // The backup hears the passive primary and stays active.
        #expect(backup.handle(primary.state.asPeerEvent, now: t0 + .seconds(6)) == [])
        #expect(backup.state == .active)
    }
}
