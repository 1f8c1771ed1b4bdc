import Foundation

/// One connection's view inside `StoreBackend.read` or `write`: statements with `?` placeholders,
/// bound in order. The same SQL text runs on both backends (PostgreSQL's `$n` are made from the `?`).
public protocol StoreSession {
    /// Runs a statement; returns how many rows it inserted, changed or deleted.
    @discardableResult
    func execute(_ sql: String, _ arguments: StoreArguments) throws -> Int
    func query(_ sql: String, _ arguments: StoreArguments) throws -> [StoreRow]
    /// Runs a statement whose row count the caller does not need. Inside `write`, a server
    /// backend sends it and goes on without waiting for the answer (the transaction's COMMIT
    /// waits for it; a failure rolls the whole transaction back and is thrown by `write`), so
    /// it costs no round trip of its own. Elsewhere it is `execute`.
    func executeLater(_ sql: String, _ arguments: StoreArguments) throws
    /// Runs a statement whose rows the caller reads only after the transaction has committed:
    /// inside `write`, a server backend sends it unawaited like `executeLater` (a failure rolls
    /// the transaction back and `write` throws it), and `StoreAnswer.rows()` reads its rows once
    /// `write` has returned. Elsewhere it runs at once.
    func queryLater(_ sql: String, _ arguments: StoreArguments) throws -> StoreAnswer
    /// Runs statements in order (a later one sees what an earlier one changed) and returns each
    /// one's rows; a server backend sends them all before waiting, so they cost one round trip
    /// instead of one each.
    func queryAll(_ statements: [(sql: String, arguments: StoreArguments)]) throws -> [[StoreRow]]
}

extension StoreSession {
    public func executeLater(_ sql: String, _ arguments: StoreArguments) throws { try execute(sql, arguments) }
    public func queryLater(_ sql: String, _ arguments: StoreArguments) throws -> StoreAnswer {
        StoreAnswer(rows: try query(sql, arguments))
    }
    public func queryAll(_ statements: [(sql: String, arguments: StoreArguments)]) throws -> [[StoreRow]] {
        try statements.map { try query($0.sql, $0.arguments) }
    }

    @discardableResult
    public func execute(_ sql: String) throws -> Int { try execute(sql, []) }
    public func query(_ sql: String) throws -> [StoreRow] { try query(sql, []) }
    public func queryOne(_ sql: String, _ arguments: StoreArguments = []) throws -> StoreRow? { try query(sql, arguments).first }
}

/// Where the job store keeps its rows: SQLite through GRDB (`SQLiteStore`, the default) or a
/// PostgreSQL server (`PostgresStore` in the FarmPostgres module). `JobStore` holds the SQL; a
/// backend only runs it, one transaction per `write`.
public protocol StoreBackend: Sendable {
    var dialect: SQLDialect { get }
    /// The store for messages and logs: a file path, or a URL without its password.
    var location: String { get }
    /// Reads with a consistent view. Blocks the calling thread.
    func read<T>(_ body: (any StoreSession) throws -> T) throws -> T
    /// Reads as `read` does, for a thread other than the coordinator's loop (its `status`
    /// answers): where the backend holds connections (PostgreSQL) this one has its own, so the
    /// loop's reads never wait for it; its round trips are not counted in `traffic`'s waits,
    /// which are the loop's. SQLite's reader pool already reads beside the writer.
    func readAside<T>(_ body: (any StoreSession) throws -> T) throws -> T
    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// A backend may run `body` again after losing its connection before the commit was
    /// acknowledged (PostgreSQL does), so `body` must touch nothing but the session.
    @discardableResult
    func write<T>(_ body: (any StoreSession) throws -> T) throws -> T
    /// Calls `record` with the seconds each write transaction took, for /metrics.
    func observeWriteLatency(_ record: @escaping @Sendable (Double) -> Void) throws
    /// Round trips and transactions so far (StoreTraffic.swift); nil for a backend without a server.
    var traffic: StoreTraffic? { get }
    /// `count` rows were added to the store's tables (a job was submitted). A backend whose
    /// query planner works from table statistics may refresh them off the caller's thread
    /// (`PostgresStore`); it never blocks the caller. SQLite's plans need none (the store never
    /// gathers them: StoreSchema.v6DispatchOrder).
    func rowsAdded(_ count: Int)
}

extension StoreBackend {
    public var traffic: StoreTraffic? { nil }
    public func rowsAdded(_ count: Int) {}
    public func readAside<T>(_ body: (any StoreSession) throws -> T) throws -> T { try read(body) }
}

/// The few places where SQLite's and PostgreSQL's SQL differ, as fragments the shared SQL embeds.
public enum SQLDialect: Sendable {
    case sqlite
    case postgres

    /// Ends a SELECT whose rows the transaction goes on to change. PostgreSQL locks the rows, so a
    /// second coordinator's transaction on the same rows waits for this one and then reads their
    /// new state (READ COMMITTED re-reads a locked row); SQLite already admits one writer at a time.
    public var forUpdate: String {
        switch self {
        case .sqlite: ""
        case .postgres: " FOR UPDATE"
        }
    }

    /// The 1-based position of `needle` in `haystack` (0 when absent), both SQL expressions.
    public func position(of needle: String, in haystack: String) -> String {
        switch self {
        case .sqlite: "instr(\(haystack), \(needle))"
        case .postgres: "strpos(\(haystack), \(needle))"
        }
    }

    /// Unix seconds with fractions, evaluated when the statement runs (used by triggers).
    public var unixNow: String {
        switch self {
        // julianday keeps milliseconds; strftime('%s') would round to seconds.
        case .sqlite: "((julianday('now') - 2440587.5) * 86400.0)"
        case .postgres: "CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS DOUBLE PRECISION)"
        }
    }
}
