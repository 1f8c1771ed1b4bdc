import Foundation

/// What a backend's callers waited for, counted since the backend opened: for `bench farm`,
/// which prints it per task so a change to the loop's write path shows its round trips, not
/// only its rate. A server backend (PostgreSQL) counts each statement the caller's thread
/// blocked on as one round trip; SQLite, in the caller's own process, has none.
public struct StoreTraffic: Sendable, Equatable {
    /// Statements sent to the server (waited for or not).
    public var statements = 0
    /// Times the calling thread blocked for the server's answer.
    public var waits = 0
    /// Seconds the calling thread spent blocked on those answers.
    public var waitSeconds = 0.0
    /// Write transactions (`StoreBackend.write`), each one commit.
    public var transactions = 0
    /// Seconds of `waitSeconds` spent waiting for COMMIT (on PostgreSQL with durable commits,
    /// the WAL's fsync is in there).
    public var commitSeconds = 0.0
    /// Read calls (`StoreBackend.read`).
    public var reads = 0
    /// Read calls off the loop (`StoreBackend.readAside`), whose round trips are not in `waits`.
    public var asideReads = 0

    public init() {}

    /// The traffic between `earlier` and this count.
    public func since(_ earlier: StoreTraffic) -> StoreTraffic {
        var delta = StoreTraffic()
        delta.statements = statements - earlier.statements
        delta.waits = waits - earlier.waits
        delta.waitSeconds = waitSeconds - earlier.waitSeconds
        delta.transactions = transactions - earlier.transactions
        delta.commitSeconds = commitSeconds - earlier.commitSeconds
        delta.reads = reads - earlier.reads
        delta.asideReads = asideReads - earlier.asideReads
        return delta
    }
}
