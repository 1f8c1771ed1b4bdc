/// What to log about an operation the coordinator retries several times a second while it fails
/// (renewing the store's active lease, a pass of the loop): the first failure, then a reminder
/// every `remindEvery` with the count and the latest error, and one line when it works again.
/// A value type driven with explicit instants, so tests use a fake clock.
///
/// Why: a coordinator whose job store cannot write (its disk full, its server gone) retries every
/// quarter of a second; one error line each time is a million lines a weekend, and buries the
/// first line that said why.
public struct FailureStreak: Sendable {
    /// A line to log.
    public enum Line: Equatable, Sendable {
        /// The first failure after a success (or since the start).
        case started(error: String)
        /// The streak goes on: `failures` so far, for `lasting`, the latest error.
        case continuing(failures: Int, lasting: Duration, error: String)
        /// It works again after `failures` failures over `lasting`.
        case ended(failures: Int, lasting: Duration)
    }

    /// How often a streak that goes on is logged again.
    public let remindEvery: Duration
    /// When the streak began; nil while the operation works.
    public private(set) var since: ContinuousClock.Instant?
    /// The latest failure's error text, while a streak lasts.
    public private(set) var latestError: String?
    private var failures = 0
    private var lastLogged: ContinuousClock.Instant?
    private var lastFailure: ContinuousClock.Instant?

    public init(remindEvery: Duration = .seconds(60)) {
        self.remindEvery = remindEvery
    }

    /// The operation failed at `now` with `error`; the line to log, if any. A failure more than
    /// `remindEvery` after the one before starts a new streak, whether or not a success was
    /// reported between them: an operation whose successes are not worth reporting (a turn of
    /// the loop that wrote nothing) can leave `succeeded` uncalled.
    public mutating func failed(_ error: String, now: ContinuousClock.Instant) -> Line? {
        if let lastFailure, now - lastFailure > remindEvery { reset() }
        failures += 1
        latestError = error
        lastFailure = now
        guard let since, let lastLogged else {
            self.since = now
            lastLogged = now
            return .started(error: error)
        }
        guard now - lastLogged >= remindEvery else { return nil }
        self.lastLogged = now
        return .continuing(failures: failures, lasting: now - since, error: error)
    }

    /// The operation worked at `now`; the line to log if that ends a streak.
    public mutating func succeeded(now: ContinuousClock.Instant) -> Line? {
        guard let since else { return nil }
        defer { reset() }
        return .ended(failures: failures, lasting: now - since)
    }

    private mutating func reset() {
        since = nil
        latestError = nil
        failures = 0
        lastLogged = nil
        lastFailure = nil
    }
}
