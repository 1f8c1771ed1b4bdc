import Farm
import Foundation
import Logging
import PostgresNIO

/// The job store on a PostgreSQL server (15 or newer), through postgres-nio, for a coordinator
/// pair that shares one database. The coordinator's loop is synchronous, so this backend is a
/// blocking adapter: postgres-nio runs on a private one-thread EventLoopGroup and the caller's
/// thread waits on its futures (never an event-loop thread: that would deadlock, and is refused).
///
/// Three connections: one for write transactions, one for the loop's reads (see `read`), one
/// for reads off the loop (`readAside`: `status` answers), so neither kind of read waits for
/// the other.
///
/// Connection loss (the server restarted, the network dropped): the store logs a warning naming
/// the server (without its password), reconnects with back-off for up to `reconnectFor` seconds,
/// and runs the interrupted read or transaction again from the start. A transaction the server
/// never committed is simply redone; one whose COMMIT was sent but not acknowledged may be redone
/// after it did commit, which the store's conditional updates (`WHERE state = 'leased'`, …) turn
/// into a no-op. So no write is lost.
public final class PostgresStore: StoreBackend, @unchecked Sendable {
    public let dialect = SQLDialect.postgres
    public let location: String
    public let url: PostgresStoreURL
    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger
    private let reconnectFor: TimeInterval
    private let configuration: PostgresConnection.Configuration
    private let writer = Slot()
    private let reader = Slot()
    private let aside = Slot()
    /// Round trips of `readAside`: not the loop's waits, so kept out of `traffic`'s.
    private let asideCounter = TrafficCounter()
    private let latency = LatencyObserver()
    private let ids = Counter()
    private let counter = TrafficCounter()
    private let statistics = StatisticsDue()
    private let statisticsQueue = DispatchQueue(label: "scenefarm.store.statistics", qos: .utility)

    /// Connects at once, so a wrong URL, role, password or database stops the coordinator at
    /// start-up with the server named, instead of at the first job. A server that is down or
    /// starting is waited for, like a lost connection.
    public init(url: PostgresStoreURL, reconnectFor: TimeInterval = 120, logger: Logger = Logger(label: "scenefarm.store")) throws {
        self.url = url
        location = url.redacted
        self.reconnectFor = reconnectFor
        self.logger = logger
        var configuration: PostgresConnection.Configuration
        switch url.endpoint {
        case .tcp(let host, let port):
            // libpq's meanings: prefer and require encrypt without checking who answers (a
            // server's self-signed certificate, as Debian's default, is accepted); verify-full checks.
            var unchecked = TLSConfiguration.makeClientConfiguration()
            unchecked.certificateVerification = .none
            let tls: PostgresConnection.Configuration.TLS
            switch url.sslMode {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: unchecked))
            case .require: tls = .require(try NIOSSLContext(configuration: unchecked))
            case .verifyFull: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            configuration = .init(host: host, port: port, username: url.user, password: url.password, database: url.database, tls: tls)
        case .socket(let path, _, _):
            configuration = .init(unixSocketPath: path, username: url.user, password: url.password, database: url.database)
        }
        // A coordinator that stops answering inside a transaction (its machine lost power, the
        // process hung or was stopped) keeps its row locks until the server notices the dead
        // connection, hours with default TCP keepalives, and the partner's claim of the active
        // lease would wait on them with its whole loop. So the server ends a session idle inside
        // a transaction for longer than the 1.5 s below (under the pair's 2 s lease, so no lock
        // outlives the lease), and a statement waits at most 0.5 s for a lock, fails, and is
        // retried on the loop's next pass while the loop goes on answering nodes. A healthy
        // coordinator's transactions are a few milliseconds of pipelined statements.
        configuration.options.additionalStartupParameters = [
            ("idle_in_transaction_session_timeout", "1500"),
            ("lock_timeout", "500"),
        ]
        self.configuration = configuration
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            try read { _ in }
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
    }

    /// Parses `text` (see `PostgresStoreURL`) and connects.
    public convenience init(_ text: String, reconnectFor: TimeInterval = 120, logger: Logger = Logger(label: "scenefarm.store")) throws {
        try self.init(url: PostgresStoreURL.parse(text), reconnectFor: reconnectFor, logger: logger)
    }

    deinit {
        for slot in [writer, reader, aside] { try? slot.connection?.close().wait() }
        try? group.syncShutdownGracefully()
    }

    /// Reads run statement by statement (autocommit): most are one statement, and wrapping each
    /// in BEGIN … COMMIT would triple its round trips on the dispatch path. The few reads of
    /// several statements (progress, the snapshot's totals and timelines) are for display and
    /// may see a write land between their statements.
    public func read<T>(_ body: (any StoreSession) throws -> T) throws -> T {
        counter.update { $0.reads += 1 }
        return try run(on: reader, begin: nil, body)
    }

    public func readAside<T>(_ body: (any StoreSession) throws -> T) throws -> T {
        counter.update { $0.asideReads += 1 }
        return try run(on: aside, begin: nil, counting: asideCounter, body)
    }

    @discardableResult
    public func write<T>(_ body: (any StoreSession) throws -> T) throws -> T {
        let start = ContinuousClock.now
        counter.update { $0.transactions += 1 }
        let result = try run(on: writer, begin: "BEGIN", body)
        let elapsed = ContinuousClock.now - start
        latency.record(elapsed.seconds)
        return result
    }

    public var traffic: StoreTraffic? { counter.value }

    /// PostgreSQL plans the dispatch statements from its table statistics, and without them it
    /// plans badly: on a new store the ready read gathers and sorts every ready task, the result
    /// and lease updates scan the state index instead of probing by attempt or key (7.8 against
    /// 4.4 ms of the server's time per dispatch pass, one run each: Docs/performance.md, "Passes
    /// that gather, and statistics"). Autovacuum gathers
    /// them only on its next round (up to a minute) and after a tenth of a table has changed, so
    /// the store refreshes them itself, with autovacuum's rule: once the rows added since the last
    /// refresh reach 500 or a tenth of the tables, it runs ANALYZE on a utility queue over the
    /// connection of `readAside` (ANALYZE takes no lock that writes or reads wait for). A refresh
    /// that fails (autovacuum is analyzing the same table and `lock_timeout` ends the wait) is
    /// logged and tried again after the next submission.
    public func rowsAdded(_ count: Int) {
        guard statistics.add(count) else { return }
        statisticsQueue.async { [self] in
            do {
                let rows = try run(on: aside, begin: nil, counting: asideCounter) { db -> Int in
                    try db.execute("ANALYZE jobs, tasks, task_deps")
                    let row = try db.queryOne("SELECT CAST(SUM(GREATEST(reltuples, 0)) AS BIGINT) AS total FROM pg_class WHERE relname IN ('jobs', 'tasks', 'task_deps') AND relkind = 'r'")
                    return try row?.int("total") ?? 0
                }
                statistics.refreshed(rows: rows)
                logger.debug("job store \(location): table statistics refreshed (\(rows) rows)")
            } catch {
                statistics.failed()
                logger.warning("job store \(location): could not refresh the table statistics, will try after the next submission: \(error)")
            }
        }
    }

    /// Seconds from BEGIN sent to COMMIT acknowledged, per write transaction (round trips included).
    public func observeWriteLatency(_ record: @escaping @Sendable (Double) -> Void) throws {
        latency.set(record)
    }

    // MARK: - Transactions and reconnection

    /// Runs `body` on `slot`'s connection, in a transaction opened by `begin` (nil: none).
    private func run<T>(on slot: Slot, begin: String?, counting: TrafficCounter? = nil, _ body: (any StoreSession) throws -> T) throws -> T {
        precondition(MultiThreadedEventLoopGroup.currentEventLoop == nil,
                     "PostgresStore blocks its caller: call it from the coordinator's thread, never from a NIO event loop")
        slot.lock.lock()
        defer { slot.lock.unlock() }
        let deadline = Date().addingTimeInterval(reconnectFor)
        var failures = 0
        while true {
            do {
                // A connection the server closed while idle (a restart) is replaced before use:
                // postgres-nio may leave a query sent on it waiting.
                if let stale = slot.connection, stale.isClosed { slot.connection = nil }
                let connection = try slot.connection ?? connect()
                slot.connection = connection
                let session = Session(connection: connection, logger: logger, location: location, counter: counting ?? counter,
                                      unawaited: begin == nil ? nil : Unawaited())
                // BEGIN is not waited for (one round trip fewer per write): statements on a
                // connection run in order, and a BEGIN that failed (the connection died) is
                // reported by the next statement waited for, at the latest COMMIT.
                if let begin { try session.executeLater(begin, []) }
                let result: T
                do {
                    result = try body(session)
                } catch let error as Lost {
                    throw error
                } catch {
                    if begin != nil { _ = try? session.run("ROLLBACK", []) }
                    throw error
                }
                if begin != nil { try session.commit() }
                if failures > 0 { logger.notice("job store \(location): connected again after \(failures) failed attempt(s); carrying on") }
                return result
            } catch let lost as Lost {
                failures += 1
                try? slot.connection?.close().wait()
                slot.connection = nil
                if lost.retryAtOnce, failures < 5 { continue }
                guard Date() < deadline else {
                    throw StoreError.unavailable(store: location, reason: "\(lost.reason); gave up after \(Int(reconnectFor)) s of retrying")
                }
                let pause = min(2.0, 0.1 * Double(1 << min(failures - 1, 5)))
                logger.warning("job store \(location): \(lost.reason); reconnecting in \(String(format: "%.1f", pause)) s (attempt \(failures), giving up \(Int(max(0, deadline.timeIntervalSinceNow))) s from now)")
                Thread.sleep(forTimeInterval: pause)
            }
        }
    }

    private func connect() throws -> PostgresConnection {
        do {
            return try PostgresConnection.connect(on: group.next(), configuration: configuration, id: ids.next(), logger: logger).wait()
        } catch {
            if let fatal = Self.refusedLogin(error) { throw StoreError.unavailable(store: location, reason: fatal) }
            throw Lost(reason: "cannot connect: \(Self.describe(error))", retryAtOnce: false)
        }
    }

    /// A login the server refused for good (no such role or database, bad password, an
    /// authentication method we cannot do): retrying cannot help, so it is reported at once.
    private static func refusedLogin(_ error: any Error) -> String? {
        guard let error = error as? PSQLError else { return nil }
        switch error.code {
        case .unsupportedAuthMechanism, .authMechanismRequiresPassword, .saslError:
            return "login refused: \(describe(error)) (check the user and password in the URL or $PGPASSWORD, and pg_hba.conf)"
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            if state.hasPrefix("28") || state == "3D000" || state.hasPrefix("42") {
                return "login refused: \(describe(error))"
            }
            return nil
        default:
            return nil
        }
    }

    /// The server's own message and SQLSTATE, or the connection error; postgres-nio's
    /// `description` deliberately hides both.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let info = error.serverInfo, let message = info[.message] {
                return "\(message) (SQLSTATE \(info[.sqlState] ?? "?"))"
            }
            if let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        }
        return "\(error)"
    }

    /// True when `error` means the connection is gone or the transaction can simply be run again.
    static func isLost(_ error: any Error) -> (lost: Bool, retryAtOnce: Bool) {
        guard let error = error as? PSQLError else {
            // NIO's own channel and socket errors.
            return (error is ChannelError || error is IOError, false)
        }
        switch error.code {
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown:
            return (true, false)
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            // 40001 serialization failure, 40P01 deadlock: PostgreSQL asks for the transaction again.
            if state == "40001" || state == "40P01" { return (true, true) }
            // 08: connection exceptions; 57P01/02/03: the server is shutting down, crashed, or starting.
            return (state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state), false)
        default:
            return (false, false)
        }
    }

    // MARK: - Parts

    /// Thrown inside a transaction when the connection is gone; `run` reconnects and starts over.
    struct Lost: Error {
        var reason: String
        var retryAtOnce: Bool
    }

    private struct Session: StoreSession {
        let connection: PostgresConnection
        let logger: Logger
        let location: String
        let counter: TrafficCounter
        /// Statements of the open transaction sent without waiting (BEGIN, `executeLater`);
        /// nil outside a transaction.
        let unawaited: Unawaited?

        func execute(_ sql: String, _ arguments: StoreArguments) throws -> Int {
            try run(sql, arguments).metadata.rows ?? 0
        }

        func query(_ sql: String, _ arguments: StoreArguments) throws -> [StoreRow] {
            try Self.rows(try run(sql, arguments))
        }

        /// Sent now, answered before COMMIT's answer (a connection runs its statements in
        /// order): `commit` checks it then.
        func executeLater(_ sql: String, _ arguments: StoreArguments) throws {
            guard let unawaited else {
                try execute(sql, arguments)
                return
            }
            counter.update { $0.statements += 1 }
            unawaited.items.append((sql, try send(sql, arguments)))
        }

        func queryLater(_ sql: String, _ arguments: StoreArguments) throws -> StoreAnswer {
            guard let unawaited else { return StoreAnswer(rows: try query(sql, arguments)) }
            counter.update { $0.statements += 1 }
            let future = try send(sql, arguments)
            unawaited.items.append((sql, future))
            return StoreAnswer { [self] in try Self.rows(try answer(sql, future)) }
        }

        /// postgres-nio queues the statements on the connection and sends each as the one before
        /// is answered, on its own thread: the caller's thread waits once, not once per statement.
        func queryAll(_ statements: [(sql: String, arguments: StoreArguments)]) throws -> [[StoreRow]] {
            let sent = ContinuousClock.now
            let futures = try statements.map { try send($0.sql, $0.arguments) }
            defer { counted(sent, statements: statements.count) }
            return try zip(statements, futures).map { statement, future in try Self.rows(try answer(statement.sql, future)) }
        }

        func run(_ sql: String, _ arguments: StoreArguments) throws -> PostgresQueryResult {
            let sent = ContinuousClock.now
            let future = try send(sql, arguments)
            defer { counted(sent, statements: 1) }
            return try answer(sql, future)
        }

        /// Every statement goes out here: on a connection the server has closed, postgres-nio
        /// would leave it waiting for an answer that never comes (`ensureOpen`).
        private func send(_ sql: String, _ arguments: StoreArguments) throws -> EventLoopFuture<PostgresQueryResult> {
            try ensureOpen()
            return connection.query(Self.statement(sql, arguments), logger: logger)
        }

        /// COMMIT, then the unawaited statements, all answered by now. PostgreSQL answers the
        /// COMMIT of a transaction that a statement failed in with ROLLBACK, not an error, so a
        /// failed unawaited statement is what tells `write` that nothing was committed.
        func commit() throws {
            let sent = ContinuousClock.now
            defer { counter.update { $0.commitSeconds += (ContinuousClock.now - sent).seconds } }
            _ = try run("COMMIT", [])
            try unawaited?.check(self)
        }

        private func counted(_ sent: ContinuousClock.Instant, statements: Int) {
            let waited = (ContinuousClock.now - sent).seconds
            counter.update {
                $0.statements += statements
                $0.waits += 1
                $0.waitSeconds += waited
            }
        }

        /// The statement's answer. When it failed because an earlier unawaited statement did
        /// (the transaction is aborted), that statement's own error is thrown instead.
        func answer(_ sql: String, _ future: EventLoopFuture<PostgresQueryResult>) throws -> PostgresQueryResult {
            do {
                return try Self.wait(future)
            } catch {
                try unawaited?.check(self)
                throw mapped(error, sql: sql)
            }
        }

        /// postgres-nio leaves a statement sent on a connection the server has already closed
        /// waiting for an answer that never comes (until `answerTimeout`). The server closes one
        /// mid-transaction when it ends a session idle in a transaction too long: a coordinator
        /// that was stopped or frozen and then resumes finds its connection so, and must redo
        /// its transaction at once on a new one rather than hang its loop for a minute.
        func ensureOpen() throws {
            if connection.isClosed { throw Lost(reason: "the server closed the connection", retryAtOnce: true) }
        }

        /// A lost connection as `Lost` (reconnect and run again), anything else as the statement's error.
        func mapped(_ error: any Error, sql: String) -> any Error {
            if error is TimedOut { return Lost(reason: "no answer in \(Self.answerTimeout) s", retryAtOnce: false) }
            let (lost, atOnce) = PostgresStore.isLost(error)
            if lost { return Lost(reason: PostgresStore.describe(error), retryAtOnce: atOnce) }
            // 53100 disk_full: the server could not extend a table or index file. (A full disk
            // under its WAL stops the server instead, which reconnection waits out.)
            if let error = error as? PSQLError, error.serverInfo?[.sqlState] == "53100" {
                return StoreError.full(store: location, reason: "PostgreSQL server: \(PostgresStore.describe(error))")
            }
            return StoreError.statement(store: location, sql: sql, reason: PostgresStore.describe(error))
        }

        static func statement(_ sql: String, _ arguments: StoreArguments) -> PostgresQuery {
            var binds = PostgresBindings(capacity: arguments.count)
            for value in arguments.storeValues {
                switch value {
                case .null: binds.appendNull()
                case .int(let int): binds.append(int)
                case .double(let double): binds.append(double)
                case .text(let text): binds.append(text)
                }
            }
            return PostgresQuery(unsafeSQL: numbered(sql), binds: binds)
        }

        static func rows(_ result: PostgresQueryResult) throws -> [StoreRow] {
            let rows = result.rows
            guard let first = rows.first else { return [] }
            var columns: [String: Int] = [:]
            for (index, cell) in first.enumerated() where columns[cell.columnName] == nil { columns[cell.columnName] = index }
            return try rows.map { row in StoreRow(columns: columns, values: try row.map(value)) }
        }

        /// Longest wait for one statement's answer before the connection is taken for dead: a
        /// half-open TCP connection (the server's machine vanished) would otherwise hang the
        /// coordinator's loop for the kernel's TCP timeout.
        static let answerTimeout: Int64 = 60

        private struct TimedOut: Error {}

        /// `future.wait()`, bounded by `answerTimeout`.
        static func wait<T: Sendable>(_ future: EventLoopFuture<T>) throws -> T {
            let promise = future.eventLoop.makePromise(of: T.self)
            let timer = future.eventLoop.scheduleTask(in: .seconds(answerTimeout)) { promise.fail(TimedOut()) }
            future.whenComplete { result in
                timer.cancel()
                promise.completeWith(result)
            }
            return try promise.futureResult.wait()
        }

        /// The shared SQL's `?` placeholders as PostgreSQL's `$1, $2, …` (outside quoted text).
        static func numbered(_ sql: String) -> String {
            guard sql.contains("?") else { return sql }
            var out = ""
            out.reserveCapacity(sql.utf8.count + 16)
            var n = 0
            var quoted = false
            for character in sql {
                if character == "'" { quoted.toggle() }
                if character == "?", !quoted {
                    n += 1
                    out += "$\(n)"
                } else {
                    out.append(character)
                }
            }
            return out
        }

        static func value(_ cell: PostgresCell) throws -> StoreValue {
            guard cell.bytes != nil else { return .null }
            switch cell.dataType {
            case .int2, .int4, .int8:
                return .int(try cell.decode(Int64.self))
            case .float4, .float8:
                return .double(try cell.decode(Double.self))
            case .numeric:
                // SUM over BIGINT is numeric in PostgreSQL; our sums are whole numbers.
                let number = NSDecimalNumber(decimal: try cell.decode(Decimal.self))
                let double = number.doubleValue
                return double.rounded() == double && abs(double) < 9e15 ? .int(number.int64Value) : .double(double)
            case .bool:
                return .int(try cell.decode(Bool.self) ? 1 : 0)
            default:
                return .text(try cell.decode(String.self))
            }
        }
    }

    /// A transaction's statements sent without waiting for their answers.
    private final class Unawaited {
        var items: [(sql: String, future: EventLoopFuture<PostgresQueryResult>)] = []

        /// Throws the first failed statement's error (they are all answered when this is called:
        /// after a later statement's answer).
        func check(_ session: Session) throws {
            for item in items {
                do { _ = try Session.wait(item.future) } catch { throw session.mapped(error, sql: item.sql) }
            }
        }
    }

    /// One connection and the lock that gives it to one caller at a time.
    private final class Slot: @unchecked Sendable {
        let lock = NSLock()
        var connection: PostgresConnection?
    }

    private final class LatencyObserver: @unchecked Sendable {
        private let lock = NSLock()
        private var callback: (@Sendable (Double) -> Void)?

        func set(_ record: @escaping @Sendable (Double) -> Void) { lock.withLock { callback = record } }
        func record(_ seconds: Double) { lock.withLock { callback }?(seconds) }
    }

    final class TrafficCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var traffic = StoreTraffic()

        var value: StoreTraffic { lock.withLock { traffic } }
        func update(_ change: (inout StoreTraffic) -> Void) { lock.withLock { change(&traffic) } }
    }

    /// When the tables have grown enough since the last ANALYZE (`rowsAdded`): autovacuum's
    /// analyze rule, 500 rows or a tenth of the tables' rows at the last refresh, whichever is
    /// more; one refresh at a time. Until the first refresh the tables count as empty.
    final class StatisticsDue: @unchecked Sendable {
        private let lock = NSLock()
        private var added = 0
        private var rowsAtRefresh = 0
        private var running = false

        /// Rows added that call for a refresh (read under `lock`).
        private var threshold: Int { max(500, rowsAtRefresh / 10) }

        /// Counts `count` rows; true when a refresh should start now (it is then running).
        func add(_ count: Int) -> Bool {
            lock.withLock {
                added += count
                guard !running, added >= threshold else { return false }
                running = true
                added = 0
                return true
            }
        }

        func refreshed(rows: Int) { lock.withLock { rowsAtRefresh = rows; running = false } }
        /// The next `add` starts a refresh again.
        func failed() { lock.withLock { running = false; added = max(added, threshold) } }
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0

        func next() -> Int { lock.withLock { value += 1; return value } }
    }
}
