/// When the coordinator's loop records the results it holds: at once, or a few milliseconds later
/// with the results of the TASKs its last pass sent, as one pass. A value type driven with
/// explicit instants, so tests use a fake clock.
///
/// Why: each pass is one store transaction whose cost is mostly fixed (its statements, the
/// ready read, COMMIT; on PostgreSQL two waits on the server). Started as soon as any result is
/// in, passes split the farm's slots into waves: the results that arrived during a pass make
/// the next one, while the tasks that pass sent are still running, so each pass carries about
/// half the slots. Waiting up to `window` for the tasks just sent merges the waves: the same
/// results in half the passes (Docs/performance.md, "Passes that gather"). Only tasks sent
/// within `window` are waited for, so a farm whose tasks take seconds never waits; a result
/// waits at most `window` beyond the pass it would have made.
public struct ResultGathering: Sendable {
    /// What the loop does with the results it holds.
    public enum Decision: Equatable, Sendable {
        /// Record them in this pass.
        case now
        /// Hold them; run the pass at this instant at the latest (sooner if everything awaited reports).
        case until(ContinuousClock.Instant)
    }

    /// The longest a result is held for the TASKs just sent; zero turns gathering off.
    public let window: Duration
    /// Attempts sent within the last `window` that have not reported, and when each was sent.
    private var sent: [String: ContinuousClock.Instant] = [:]

    public init(window: Duration) {
        self.window = window
    }

    /// A pass sent these attempts at `now`.
    public mutating func sent(_ attempts: [String], at now: ContinuousClock.Instant) {
        guard window > .zero, !attempts.isEmpty else { return }
        sent = sent.filter { now - $0.value < window }
        for attempt in attempts { sent[attempt] = now }
    }

    /// The loop stops waiting for `attempt`: its result came in, it failed or expired, or its
    /// node left.
    public mutating func ended(_ attempt: String) {
        sent[attempt] = nil
    }

    /// Whether to record the results held now; `holding` is how many there are. They are held
    /// while a task sent less than `window` ago is still out, until that task reports or its
    /// `window` has passed (then the loop asks again).
    public func decide(holding: Int, now: ContinuousClock.Instant) -> Decision {
        guard holding > 0, let first = sent.values.filter({ now - $0 < window }).min() else { return .now }
        return .until(first + window)
    }
}
