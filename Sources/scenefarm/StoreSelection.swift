import Farm
import FarmPostgres
import Foundation

/// `--store` (or `$SCENEFARM_STORE`): which job store a coordinator keeps. Unset: SQLite in
/// `--state`. A `postgres://` or `postgresql://` URL: that PostgreSQL database.
enum StoreSelection {
    static let environmentVariable = "SCENEFARM_STORE"

    /// The URL to use, checked but not yet connected; nil for SQLite. Exit 2 on a malformed URL.
    static func url(_ option: String?) throws -> PostgresStoreURL? {
        guard let text = option ?? ProcessInfo.processInfo.environment[environmentVariable], !text.isEmpty else { return nil }
        let source = option == nil ? "$\(environmentVariable)" : "--store"
        guard PostgresStoreURL.isPostgres(text) else {
            throw fail("\(source) \(PostgresStoreURL.masked(text)): expected postgres://user@host:port/database or postgresql:///database?host=/socket/dir (SQLite is --state DIR)", code: ExitCodes.badInput)
        }
        do {
            return try PostgresStoreURL.parse(text)
        } catch {
            throw fail(source == "--store" ? error.description : error.description.replacingOccurrences(of: "--store", with: source), code: ExitCodes.badInput)
        }
    }
}
