import Farm
import FarmPostgres
import Foundation
import Testing

/// The job-store backends every job-store test runs on.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

/// A fresh, empty job-store database for one test; `open` may be called several times to get
/// several stores (separate connections) on the same database.
struct TestDatabase: Sendable {
    let kind: StoreKind
    /// SQLite: the `--state` folder. PostgreSQL: the database's name on the shared cluster.
    let name: String

    func open() throws -> JobStore {
        try JobStore(backend: openBackend())
    }

    /// A backend on this database without a `JobStore` (no migration run): for statement-level tests.
    func openBackend() throws -> any StoreBackend {
        switch kind {
        case .sqlite: try SQLiteStore(directory: URL(fileURLWithPath: name))
        case .postgres: try PostgresStore(try StoreFixture.cluster().url(database: name), reconnectFor: 30)
        }
    }

    func drop() {
        switch kind {
        case .sqlite: try? FileManager.default.removeItem(atPath: name)
        case .postgres: try? StoreFixture.cluster().dropDatabase(name)
        }
    }
}

enum StoreFixture {
    static func database(_ kind: StoreKind) throws -> TestDatabase {
        switch kind {
        case .sqlite:
            return TestDatabase(kind: kind, name: FileManager.default.temporaryDirectory.appendingPathComponent("scenefarm-store-\(UUID().uuidString.prefix(8))").path)
        case .postgres:
            let name = "t_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "_"))"
            try cluster().createDatabase(name)
            return TestDatabase(kind: kind, name: name)
        }
    }

    /// One PostgreSQL cluster for the whole test process, started by the first test that needs
    /// it (initdb and start take a second or two) and stopped when the process exits; each test
    /// gets its own database in it.
    static func cluster() throws -> ScratchPostgres {
        try shared.get()
    }

    private static let shared: Result<ScratchPostgres, any Error> = {
        let result = Result { try ScratchPostgres(fsync: false) }
        if case .success(let cluster) = result {
            clusterToStop = cluster
            atexit { StoreFixture.clusterToStop?.remove() }
        }
        return result
    }()

    nonisolated(unsafe) private static var clusterToStop: ScratchPostgres?
}
