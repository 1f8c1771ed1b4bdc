import Farm
import Testing

/// What the coordinator logs about an operation it retries several times a second while it fails
/// (StateMachines/FailureStreak.swift), driven with a fake clock.
@Suite("Failure streak")
struct FailureStreakTests {
    let t0 = ContinuousClock.now
    func at(_ ms: Int) -> ContinuousClock.Instant { t0 + .milliseconds(ms) }

    @Test func theFirstFailureIsLoggedThenOneLineAMinuteThenOneWhenItWorksAgain() {
        var streak = FailureStreak(remindEvery: .seconds(60))
        #expect(streak.succeeded(now: at(0)) == nil)
        #expect(streak.failed("disk full", now: at(0)) == .started(error: "disk full"))
        #expect(streak.since == at(0) && streak.latestError == "disk full")
        // Four tries a second for a minute: not one more line until the minute is up.
        for ms in stride(from: 250, to: 60_000, by: 250) { #expect(streak.failed("disk full", now: at(ms)) == nil) }
        // The reminder counts every try and carries the latest error, which may have changed.
        #expect(streak.failed("server gone", now: at(60_000)) == .continuing(failures: 241, lasting: .seconds(60), error: "server gone"))
        #expect(streak.failed("server gone", now: at(60_250)) == nil)
        #expect(streak.failed("server gone", now: at(120_000)) == .continuing(failures: 243, lasting: .seconds(120), error: "server gone"))
        #expect(streak.succeeded(now: at(121_000)) == .ended(failures: 243, lasting: .seconds(121)))
        #expect(streak.since == nil && streak.latestError == nil)
        #expect(streak.succeeded(now: at(121_250)) == nil)
    }

    @Test func aNewStreakAfterASuccessIsLoggedAfreshAndCountsFromOne() {
        var streak = FailureStreak(remindEvery: .seconds(60))
        #expect(streak.failed("a", now: at(0)) == .started(error: "a"))
        #expect(streak.failed("a", now: at(250)) == nil)
        #expect(streak.succeeded(now: at(500)) == .ended(failures: 2, lasting: .milliseconds(500)))
        #expect(streak.failed("b", now: at(750)) == .started(error: "b"))
        #expect(streak.succeeded(now: at(1_000)) == .ended(failures: 1, lasting: .milliseconds(250)))
    }

    @Test func aFailureLongAfterTheLastStartsANewStreakEvenWithoutASuccess() {
        var streak = FailureStreak(remindEvery: .seconds(60))
        #expect(streak.failed("a", now: at(0)) == .started(error: "a"))
        // Failures between successes nobody reports (turns of the loop that wrote nothing):
        // still one streak while they come less than a minute apart.
        #expect(streak.failed("a", now: at(59_000)) == nil)
        #expect(streak.failed("a", now: at(60_000)) == .continuing(failures: 3, lasting: .seconds(60), error: "a"))
        // An hour of quiet, then one failure: a streak of its own, not "still failing for an hour".
        #expect(streak.failed("b", now: at(3_660_000)) == .started(error: "b"))
        #expect(streak.failed("b", now: at(3_720_000)) == .continuing(failures: 2, lasting: .seconds(60), error: "b"))
    }
}
