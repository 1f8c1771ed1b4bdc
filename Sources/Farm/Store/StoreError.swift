import Foundation

/// Job-store failures a user or operator can act on.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    /// A `--store` URL that cannot be used; the text says which part and why.
    case badURL(String, String)
    /// The database server could not be reached, or went away, for longer than the store waits.
    case unavailable(store: String, reason: String)
    /// The server refused a statement.
    case statement(store: String, sql: String, reason: String)
    /// A row lacked a column or held a value of another type than the schema says.
    case column(String, String)
    /// The database holds migrations this build does not know (a newer SceneFarm wrote it).
    case newerSchema(store: String, unknown: [String])
    /// The store could not write because the disk it lives on is full (SQLite's SQLITE_FULL,
    /// PostgreSQL's SQLSTATE 53100 disk_full): nothing of the transaction was kept, and writes
    /// succeed again once there is room.
    case full(store: String, reason: String)

    public var description: String {
        switch self {
        case .badURL(let url, let reason): "--store \(url): \(reason)"
        case .unavailable(let store, let reason): "job store \(store) unavailable: \(reason)"
        case .statement(let store, let sql, let reason): "job store \(store): \(reason) in: \(sql.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ").prefix(200))"
        case .column(let column, let reason): "job store column \(column): \(reason)"
        case .newerSchema(let store, let unknown): "job store \(store) was migrated by a newer SceneFarm (\(unknown.joined(separator: ", "))); run that version or a newer one"
        case .full(let store, let reason): "job store \(store) is out of disk space (\(reason)); free space on the disk that holds it"
        }
    }
}
