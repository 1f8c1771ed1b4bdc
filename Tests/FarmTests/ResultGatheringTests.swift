import Farm
import Testing

/// When the coordinator's loop records the results it holds (StateMachines/ResultGathering.swift),
/// driven with a fake clock: instants built from one start, no sockets, no store.
@Suite("Result gathering")
struct ResultGatheringTests {
    let t0 = ContinuousClock.now
    func at(_ ms: Int) -> ContinuousClock.Instant { t0 + .milliseconds(ms) }

    @Test func resultsWaitForTheTasksThePassJustSentThenGoTogether() {
        var gathering = ResultGathering(window: .milliseconds(3))
        gathering.sent(["a", "b"], at: at(0))
        // One result held, both tasks the pass sent still out: hold until 3 ms after they went.
        #expect(gathering.decide(holding: 1, now: at(1)) == .until(at(3)))
        gathering.ended("a")
        #expect(gathering.decide(holding: 2, now: at(2)) == .until(at(3)))
        // The last one reports: everything awaited is in, record now.
        gathering.ended("b")
        #expect(gathering.decide(holding: 3, now: at(2)) == .now)
    }

    @Test func aResultIsHeldNoLongerThanTheWindowAfterTheSend() {
        var gathering = ResultGathering(window: .milliseconds(3))
        gathering.sent(["slow"], at: at(0))
        #expect(gathering.decide(holding: 1, now: at(2)) == .until(at(3)))
        // A task that takes seconds (a real render) is not waited for past the window.
        #expect(gathering.decide(holding: 1, now: at(3)) == .now)
        #expect(gathering.decide(holding: 1, now: at(500)) == .now)
    }

    @Test func nothingHeldNothingSentOrGatheringOffMeansNow() {
        var gathering = ResultGathering(window: .milliseconds(3))
        #expect(gathering.decide(holding: 4, now: at(0)) == .now)
        gathering.sent(["a"], at: at(0))
        #expect(gathering.decide(holding: 0, now: at(1)) == .now)
        var off = ResultGathering(window: .zero)
        off.sent(["a"], at: at(0))
        #expect(off.decide(holding: 1, now: at(1)) == .now)
    }

    @Test func aTaskThatFailedOrWhoseNodeLeftIsNotWaitedFor() {
        var gathering = ResultGathering(window: .milliseconds(3))
        gathering.sent(["a"], at: at(0))
        gathering.ended("a")
        #expect(gathering.decide(holding: 1, now: at(1)) == .now)
    }

    @Test func aLaterSendWaitsFromItsOwnInstantAndOlderOnesExpire() {
        var gathering = ResultGathering(window: .milliseconds(3))
        gathering.sent(["a"], at: at(0))
        gathering.sent(["b"], at: at(2))
        // The earliest send bounds the first wait; then the later one is still recent.
        #expect(gathering.decide(holding: 1, now: at(2)) == .until(at(3)))
        #expect(gathering.decide(holding: 1, now: at(3)) == .until(at(5)))
        #expect(gathering.decide(holding: 1, now: at(5)) == .now)
        // "a" never reported; sending again forgets it rather than keeping it for ever.
        gathering.sent(["c"], at: at(10))
        gathering.ended("c")
        #expect(gathering.decide(holding: 1, now: at(10)) == .now)
    }
}
