import Farm
import Foundation
import Testing

/// The coordinator's liveness and lease clocks with made-up instants (0.5 s heartbeats, a node
/// silent for 3 s = dead, 1.5 s after a closed connection, as Docs/protocol.md §1 and §7 say).
@Suite("Liveness machine")
struct LivenessMachineTests {
    let t0 = ContinuousClock.now
    let a = Data("a".utf8), b = Data("b".utf8)

    @Test func aNodeSilentForTheLivenessWindowIsLostAndHeartbeatsGoOutEveryHalfSecond() {
        var machine = LivenessMachine(now: t0)
        #expect(machine.window == .seconds(3))
        machine.heard(a, at: t0)
        machine.heard(b, at: t0)
        #expect(machine.tick(now: t0 + .milliseconds(400)) == [])
        #expect(machine.tick(now: t0 + .milliseconds(500)) == [.sendHeartbeats])
        machine.heard(b, at: t0 + .seconds(2))
        #expect(machine.tick(now: t0 + .seconds(3)) == [.sendHeartbeats]) // exactly 3 s: not yet
        #expect(machine.tick(now: t0 + .milliseconds(3100)) == [.nodeLost(peer: a)])
        #expect(machine.lastSeen(a) == nil)
        #expect(machine.tick(now: t0 + .milliseconds(5100)) == [.nodeLost(peer: b), .sendHeartbeats])
    }

    /// Live (READY refuses a second node of the same name while the first is): heard within
    /// the last 1.5 s (three heartbeats) and its connection not seen closed since.
    @Test func aNodeIsLiveWhileItSpeaksAndNotOnceItsConnectionClosed() {
        var machine = LivenessMachine(now: t0)
        #expect(!machine.isLive(a, at: t0))
        machine.heard(a, at: t0)
        machine.heard(b, at: t0)
        #expect(machine.isLive(a, at: t0 + .milliseconds(1400)))
        #expect(!machine.isLive(a, at: t0 + .milliseconds(1500)))
        machine.heard(a, at: t0 + .seconds(2))
        #expect(machine.isLive(a, at: t0 + .seconds(2)))
        machine.connectionClosed(b, at: t0 + .milliseconds(100))
        #expect(!machine.isLive(b, at: t0 + .milliseconds(100)))
        machine.forget(a)
        #expect(!machine.isLive(a, at: t0 + .seconds(2)))
    }

    @Test func aClosedConnectionLeavesTheNodeOneAndAHalfSeconds() {
        var machine = LivenessMachine(now: t0)
        machine.heard(a, at: t0 + .milliseconds(500))
        machine.connectionClosed(a, at: t0 + .milliseconds(600))
        #expect(machine.tick(now: t0 + .milliseconds(2000)) == [.sendHeartbeats])
        #expect(machine.tick(now: t0 + .milliseconds(2150)) == [.nodeLost(peer: a)])
        // One that speaks again (it reconnected) is alive.
        machine.heard(b, at: t0)
        machine.connectionClosed(b, at: t0 + .milliseconds(100))
        machine.heard(b, at: t0 + .milliseconds(1000))
        #expect(machine.tick(now: t0 + .milliseconds(2200)) == [])
    }

    @Test func leasesExpireOnTheHeartbeatAfterTheirDeadlineAndEndedOnesDoNot() {
        var machine = LivenessMachine(now: t0)
        machine.leaseStarted("x", seconds: 2.5, at: t0)
        machine.leaseStarted("y", seconds: 2.5, at: t0)
        machine.leaseEnded("y")
        #expect(machine.tick(now: t0 + .seconds(2)) == [.sendHeartbeats])
        #expect(machine.tick(now: t0 + .milliseconds(2500)) == [.sendHeartbeats]) // exactly the deadline: not yet
        // Past the deadline, but lease clocks are read on heartbeats only.
        #expect(machine.tick(now: t0 + .milliseconds(2700)) == [])
        #expect(machine.tick(now: t0 + .seconds(3)) == [.sendHeartbeats, .leaseExpired(attempt: "x", seconds: 2.5)])
        #expect(machine.tick(now: t0 + .seconds(4)) == [.sendHeartbeats])
    }

    @Test func anInheritedLeaseNotClaimedInTimeIsRequeued() {
        var machine = LivenessMachine(now: t0)
        machine.inherited("kept", until: t0 + .seconds(6))
        machine.inherited("lost", until: t0 + .seconds(6))
        machine.claimed("kept")
        #expect(machine.orphanCount == 1)
        #expect(!machine.tick(now: t0 + .seconds(6)).contains(.orphanUnclaimed(attempt: "lost")))
        #expect(machine.tick(now: t0 + .milliseconds(6100)) == [.orphanUnclaimed(attempt: "lost")])
        #expect(machine.orphanCount == 0)
    }

    @Test func aHugeLeaseIsClampedToAYear() {
        var machine = LivenessMachine(now: t0)
        machine.leaseStarted("x", seconds: 1e300, at: t0)
        #expect(!machine.tick(now: t0 + .seconds(364 * 86_400)).contains { if case .leaseExpired = $0 { return true } else { return false } })
    }
}
