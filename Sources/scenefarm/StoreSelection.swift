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
        // Foundation's URL parser refuses a URL whose port is not a number as a whole, which
        // would surface as "not a URL"; name the port instead.
        if let port = badPort(text) {
            throw fail("\(source) \(PostgresStoreURL.masked(text)): port '\(port)' is not a number from 1 to 65535", code: ExitCodes.badInput)
        }
        do {
            return try PostgresStoreURL.parse(text)
        } catch {
            throw fail(source == "--store" ? error.description : error.description.replacingOccurrences(of: "--store", with: source), code: ExitCodes.badInput)
        }
    }

    /// The port written in `text`'s authority (`user:password@host:PORT`) when it is not a
    /// number from 1 to 65535; nil when there is none or it is fine. A bracketed IPv6 host's
    /// colons are not a port.
    static func badPort(_ text: String) -> String? {
        guard let scheme = text.range(of: "://") else { return nil }
        let rest = text[scheme.upperBound...]
        let authority = rest[..<(rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex)]
        let hostPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? authority
        let afterHost = hostPort.hasPrefix("[") ? hostPort[(hostPort.firstIndex(of: "]").map { hostPort.index(after: $0) } ?? hostPort.endIndex)...] : hostPort
        guard let colon = afterHost.lastIndex(of: ":") else { return nil }
        let port = String(afterHost[afterHost.index(after: colon)...])
        if port.isEmpty { return nil }
        if let value = Int(port), (1...65535).contains(value) { return nil }
        return port
    }
}
