import Foundation

/// The coordinator's face to the HTTP server (issue 13): a snapshot to read and an inbox for
/// actions. Neither lets another thread touch the loop's state or wait on the loop.
extension Coordinator {
    /// Starts publishing snapshots every `interval` (the loop builds them between passes);
    /// `observer` hears attempt durations and job-store write latencies.
    public func publishSnapshots(every interval: Duration = .milliseconds(500), observer: (any FarmObserver)? = nil) throws {
        try snapshots.enable(every: interval, observer: observer)
    }

    /// The snapshot the loop published last (empty until `publishSnapshots` and the first pass).
    public var snapshot: FarmSnapshot { snapshots.snapshot }

    /// Queues `action` for the loop, which answers it as it answers the same request from a
    /// ZeroMQ client; `reply` is called on the loop's thread (or the submit queue's). False when
    /// too many actions are already waiting.
    public func perform(_ action: FarmAction, reply: @escaping @Sendable (FarmActionReply) -> Void) -> Bool {
        inbox.post(action, reply: reply)
    }
}
