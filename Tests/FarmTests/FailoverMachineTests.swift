import Farm
import Testing

/// The coordinator's serve/step-down decisions from the Binary Star FSM and the job store's
/// active lease, with made-up instants and the store's answers given by the test.
@Suite("Fail-over machine")
struct FailoverMachineTests {
    let t0 = ContinuousClock.now
    let timing = FailoverMachine.Timing.default // 0.5 s states, peer dead after 1 s, 2 s lease renewed every 0.25 s

    @Test func aLoneCoordinatorServesOnlyWhileItsLeaseIsRenewed() {
        var machine = FailoverMachine(role: nil, now: t0, timing: timing)
        #expect(machine.tick(now: t0) == [.claimLease])
        #expect(!machine.serving(at: t0))
        #expect(machine.leaseAnswered(true, claimedAt: t0) == [.takeOver])
        #expect(machine.serving(at: t0 + .milliseconds(1999)))
        // Renewals are due every 0.25 s, not before.
        #expect(machine.tick(now: t0 + .milliseconds(100)) == [])
        #expect(machine.tick(now: t0 + .milliseconds(250)) == [.claimLease])
        #expect(machine.leaseAnswered(true, claimedAt: t0 + .milliseconds(250)) == [])
        // The store stops answering: the lease lapses at its known end and the coordinator stops.
        #expect(machine.leaseAnswered(nil, claimedAt: t0 + .milliseconds(500)) == [])
        #expect(machine.serving(at: t0 + .milliseconds(2249)))
        #expect(!machine.serving(at: t0 + .milliseconds(2250)))
        let actions = machine.tick(now: t0 + .milliseconds(2250))
        #expect(actions.contains { if case .stepDown = $0 { return true } else { return false } })
    }

    @Test func aRefusedRenewalStepsDown() {
        var machine = FailoverMachine(role: nil, now: t0, timing: timing)
        _ = machine.tick(now: t0)
        _ = machine.leaseAnswered(true, claimedAt: t0)
        let actions = machine.leaseAnswered(false, claimedAt: t0 + .milliseconds(250))
        #expect(actions == [.stepDown("another coordinator holds the job store's active lease")])
        #expect(!machine.serving(at: t0 + .milliseconds(300)))
    }

    @Test func theBackupTakesOverWhenAClientComesAfterThePrimaryIsLostAndItsLeaseIsFree() {
        var backup = FailoverMachine(role: .backup, now: t0, timing: timing)
        #expect(backup.tick(now: t0) == [.publish(.backup)]) // a backup claims nothing
        #expect(backup.peer(.active, now: t0).allSatisfy { if case .log = $0 { return true } else { return false } })
        #expect(backup.state == .passive)
        // A request while the primary is heard: refused, no claim.
        #expect(backup.request(now: t0 + .milliseconds(900)).isEmpty)
        #expect(!backup.serving(at: t0 + .milliseconds(900)))
        // The primary is silent for over 1 s and a node comes: claim at once.
        let actions = backup.request(now: t0 + .milliseconds(1100))
        #expect(backup.state == .active)
        #expect(actions.last == .claimLease)
        // The dead primary's lease has not run out yet: wait, still active, not serving.
        #expect(backup.leaseAnswered(false, claimedAt: t0 + .milliseconds(1100)) == [])
        #expect(backup.state == .active && !backup.serving(at: t0 + .milliseconds(1200)))
        let retry = backup.tick(now: t0 + .milliseconds(1350))
        #expect(retry.contains(.claimLease))
        #expect(backup.leaseAnswered(true, claimedAt: t0 + .milliseconds(1350)) == [.takeOver])
        #expect(backup.serving(at: t0 + .milliseconds(1400)))
    }

    @Test func aCoordinatorThatGoesPassiveGivesItsLeaseBack() {
        var primary = FailoverMachine(role: .primary, now: t0, timing: timing)
        _ = primary.tick(now: t0)
        #expect(primary.leaseAnswered(true, claimedAt: t0) == [.takeOver])
        // The backup is active already (it took over while this primary was down).
        let actions = primary.peer(.active, now: t0 + .milliseconds(100))
        #expect(primary.state == .passive)
        #expect(actions.contains(.releaseLease))
        #expect(!primary.serving(at: t0 + .milliseconds(100)))
    }

    @Test func dualActivesAreSettledByTheStoreLease() {
        var holder = FailoverMachine(role: .primary, now: t0, timing: timing)
        _ = holder.peer(.backup, now: t0)
        _ = holder.leaseAnswered(true, claimedAt: t0 + .seconds(5))
        var other = FailoverMachine(role: .backup, now: t0, timing: timing)
        _ = other.peer(.active, now: t0)
        _ = other.request(now: t0 + .seconds(5)) // the link was cut: it failed over
        _ = other.leaseAnswered(false, claimedAt: t0 + .seconds(5))
        #expect(other.state == .active && !other.serving(at: t0 + .seconds(5)))
        // The link heals: each hears the other active.
        _ = holder.peer(.active, now: t0 + .seconds(6))
        _ = other.peer(.active, now: t0 + .seconds(6))
        #expect(holder.state == .active)
        #expect(other.state == .passive)
    }

    @Test func dualPassivesRestartTheFSM() {
        var machine = FailoverMachine(role: .backup, now: t0, timing: timing)
        _ = machine.peer(.active, now: t0)
        _ = machine.peer(.passive, now: t0 + .milliseconds(500))
        #expect(machine.state == .backup)
    }
}
