import Foundation
import GRDB

/// The default job-store backend: SQLite in WAL mode, through GRDB, in `scenefarm.sqlite` under
/// `--state`. Readers see the last commit while the writer works; a second process on the same
/// file (a test reading beside a coordinator) waits for the write lock rather than failing.
public final class SQLiteStore: StoreBackend {
    public let dialect = SQLDialect.sqlite
    public let location: String
    private let pool: DatabasePool

    public init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        location = directory.appendingPathComponent("scenefarm.sqlite").path
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        pool = try Self.open(location, configuration)
    }

    /// Seconds a statement waits for another process's lock before failing.
    static let busyTimeout: TimeInterval = 10

    /// Opens the pool. Two processes opening one new file at once (a coordinator pair started
    /// together) race to switch it to WAL, which needs an exclusive lock, and SQLite answers the
    /// loser SQLITE_BUSY at once, without calling its busy handler: so the open is retried, with
    /// a growing pause, for as long as a statement would wait.
    private static func open(_ location: String, _ configuration: Configuration) throws -> DatabasePool {
        let deadline = Date().addingTimeInterval(busyTimeout)
        var pause = 0.005
        while true {
            do {
                return try DatabasePool(path: location, configuration: configuration)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                Thread.sleep(forTimeInterval: pause)
                pause = min(pause * 2, 0.25)
            }
        }
    }

    public func read<T>(_ body: (any StoreSession) throws -> T) throws -> T {
        try named { try pool.read { db in try body(Session(db: db)) } }
    }

    @discardableResult
    public func write<T>(_ body: (any StoreSession) throws -> T) throws -> T {
        try named { try pool.write { db in try body(Session(db: db)) } }
    }

    /// SQLITE_FULL (the disk holding the file, its WAL or a temporary file is full) becomes
    /// `StoreError.full`, which names the file: "database or disk is full" alone does not say
    /// which disk. GRDB has rolled the transaction back by then.
    private func named<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            throw StoreError.full(store: location, reason: "SQLite: \(error.message ?? "database or disk is full")")
        }
    }

    /// Seconds SQLite spent in each write transaction (from BEGIN to the end of COMMIT,
    /// statements only), from GRDB's profile trace on the writer's thread.
    public func observeWriteLatency(_ record: @escaping @Sendable (Double) -> Void) throws {
        let sum = LockedSeconds()
        pool.writeWithoutTransaction { db in
            db.trace(options: .profile) { event in
                guard case .profile(let statement, let duration) = event else { return }
                let sql = statement.sql
                if sql.hasPrefix("BEGIN") {
                    sum.reset(to: duration)
                } else if sql.hasPrefix("COMMIT") {
                    record(sum.add(duration))
                } else {
                    _ = sum.add(duration)
                }
            }
        }
    }

    private struct Session: StoreSession {
        let db: Database

        func execute(_ sql: String, _ arguments: StoreArguments) throws -> Int {
            if Self.cacheable(sql) {
                try db.cachedStatement(sql: sql).execute(arguments: Self.bind(arguments))
            } else {
                try db.execute(sql: sql, arguments: Self.bind(arguments))
            }
            return db.changesCount
        }

        func query(_ sql: String, _ arguments: StoreArguments) throws -> [StoreRow] {
            let cursor = Self.cacheable(sql)
                ? try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: Self.bind(arguments))
                : try Row.fetchCursor(db, sql: sql, arguments: Self.bind(arguments))
            var columns: [String: Int]?
            var rows: [StoreRow] = []
            while let row = try cursor.next() {
                if columns == nil {
                    // First name wins, as GRDB's own subscript does for duplicate names.
                    columns = Dictionary(row.columnNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
                }
                rows.append(StoreRow(columns: columns ?? [:], values: row.databaseValues.map(Self.value)))
            }
            return rows
        }

        /// Whether `sql` is one plain statement worth keeping compiled on this connection: the
        /// job store runs the same few statements for every task, and compiling each anew was a
        /// large part of the coordinator's time per task. Schema changes (migrations) and the
        /// snapshot's `IN (?,?,…)` lists over its jobs are compiled each time. The batch
        /// statements' `VALUES (?, ?), …` lists are kept, one text per batch size: small batches
        /// are the common case, and the sizes are bounded (`JobStore.maxLeaseBatch`, the 1000
        /// messages of one pass), so the cache stays bounded too.
        private static func cacheable(_ sql: String) -> Bool {
            guard let first = sql.utf8.first(where: { $0 != 32 && $0 != 10 }) else { return false }
            // SELECT, INSERT, UPDATE, DELETE, WITH; not CREATE, ALTER, DROP, PRAGMA.
            guard [UInt8(ascii: "S"), UInt8(ascii: "I"), UInt8(ascii: "U"), UInt8(ascii: "D"), UInt8(ascii: "W")].contains(first),
                  !sql.hasPrefix("DROP") else { return false }
            // `IN (?,?,…)` lists built for a snapshot's jobs: one text per count, rarely repeated.
            return !sql.contains("?,?")
        }

        private static func bind(_ arguments: StoreArguments) -> StatementArguments {
            StatementArguments(arguments.storeValues.map { value -> DatabaseValue in
                switch value {
                case .null: .null
                case .int(let int): int.databaseValue
                case .double(let double): double.databaseValue
                case .text(let text): text.databaseValue
                }
            })
        }

        private static func value(_ value: DatabaseValue) -> StoreValue {
            switch value.storage {
            case .null: .null
            case .int64(let int): .int(int)
            case .double(let double): .double(double)
            case .string(let text): .text(text)
            case .blob(let data): .text(String(decoding: data, as: UTF8.self))
            }
        }
    }
}

/// Seconds summed across the statements of one transaction (the writer's trace callback).
private final class LockedSeconds: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds = 0.0

    func reset(to value: Double) {
        lock.lock()
        seconds = value
        lock.unlock()
    }

    func add(_ value: Double) -> Double {
        lock.lock()
        defer { lock.unlock() }
        seconds += value
        return seconds
    }
}
