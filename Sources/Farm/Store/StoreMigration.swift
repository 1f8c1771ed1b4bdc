import Foundation

/// One step of the job-store schema, applied once, in order, inside the start-up transaction and
/// recorded by `id` in `schema_migrations`. Both backends run the same list; `statements` gets
/// the dialect for the rare statement that must differ (triggers).
public struct StoreMigration: Sendable {
    public let id: String
    public let statements: @Sendable (SQLDialect) -> [String]

    public init(_ id: String, statements: @escaping @Sendable (SQLDialect) -> [String]) {
        self.id = id
        self.statements = statements
    }

    /// Applies the migrations `migrations` that `backend` lacks, in one transaction. PostgreSQL
    /// takes a transaction-scoped advisory lock first, so two coordinators starting together
    /// migrate once; SQLite's write transaction is already exclusive.
    static func migrate(_ backend: any StoreBackend, _ migrations: [StoreMigration]) throws {
        try backend.write { session in
            if backend.dialect == .postgres { try session.execute("SELECT pg_advisory_xact_lock(\(advisoryLockKey))") }
            try session.execute("CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at DOUBLE PRECISION NOT NULL)")
            var applied = Set(try session.query("SELECT id FROM schema_migrations").map { try $0.string("id") })
            if backend.dialect == .sqlite, applied.isEmpty { applied = try adoptGRDBMigrations(session) }
            let unknown = applied.subtracting(migrations.map(\.id))
            guard unknown.isEmpty else { throw StoreError.newerSchema(store: backend.location, unknown: unknown.sorted()) }
            for migration in migrations where !applied.contains(migration.id) {
                for statement in migration.statements(backend.dialect) { try session.execute(statement) }
                try session.execute("INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)", [migration.id, Date().timeIntervalSince1970])
            }
        }
    }

    /// Stores made before `schema_migrations` recorded their steps in GRDB's `grdb_migrations`
    /// under the same ids: take those over so an upgraded coordinator does not apply them again.
    private static func adoptGRDBMigrations(_ session: any StoreSession) throws -> Set<String> {
        guard try session.queryOne("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'grdb_migrations'") != nil else { return [] }
        let ids = try session.query("SELECT identifier FROM grdb_migrations").map { try $0.string("identifier") }
        for id in ids { try session.execute("INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)", [id, Date().timeIntervalSince1970]) }
        return Set(ids)
    }

    /// Any fixed number, the same in every SceneFarm: the key of the migration lock.
    private static let advisoryLockKey = 0x5CE_FA12
}
