import Farm
import Foundation

/// A `--store` connection string for PostgreSQL, in libpq's URL form:
/// `postgres://user[:password]@host[:port]/database` over TCP, or
/// `postgresql:///database?host=/run/postgresql` over the Unix socket in that folder (libpq's
/// `.s.PGSQL.<port>` inside it). Query parameters: `host`, `port`, `user`, `sslmode` (as
/// libpq: `disable`; `prefer` and `require`, TLS without checking the server's certificate;
/// `verify-full`, TLS with the certificate checked against the system's roots and the host name). A missing user is the login name, a missing database the
/// user's name, a missing password `$PGPASSWORD`, as with psql.
public struct PostgresStoreURL: Sendable, Equatable {
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        /// The socket file itself (`<dir>/.s.PGSQL.<port>`).
        case socket(path: String, directory: String, port: Int)
    }

    public enum SSLMode: String, Sendable, Equatable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public var endpoint: Endpoint
    public var user: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode

    /// The URL without its password, for logs and error messages.
    public var redacted: String {
        switch endpoint {
        case .tcp(let host, let port):
            let shownHost = host.contains(":") ? "[\(host)]" : host
            return "postgres://\(user)@\(shownHost):\(port)/\(database)" + (sslMode == .prefer ? "" : "?sslmode=\(sslMode.rawValue)")
        case .socket(_, let directory, let port):
            return "postgres://\(user)@/\(database)?host=\(directory)" + (port == Self.defaultPort ? "" : "&port=\(port)")
        }
    }

    public static let defaultPort = 5432

    /// True for text that names a PostgreSQL store (`postgres://` or `postgresql://`).
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// The port written in `text`'s authority (`user:password@host:PORT`) when it is not a
    /// number from 1 to 65535; nil when there is none or it is fine. A bracketed IPv6 host's
    /// colons are not a port.
    private static func badPort(_ text: String) -> String? {
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

    public static func parse(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(StoreError) -> PostgresStoreURL {
        // Never echo a password back: errors name the URL with it masked.
        let shown = Self.masked(text)
        guard isPostgres(text) else { throw .badURL(shown, "expected postgres://user@host:port/database or postgresql:///database?host=/socket/dir") }
        guard let components = URLComponents(string: text) else {
            // Foundation refuses a whole URL whose port is not a number: name the port instead.
            if let port = badPort(text) { throw .badURL(shown, "port '\(port)' is not a number from 1 to 65535") }
            throw .badURL(shown, "not a URL (characters such as spaces must be %-encoded)")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard ["host", "port", "user", "sslmode"].contains(item.name) else {
                throw .badURL(shown, "unknown parameter '\(item.name)' (known: host, port, user, sslmode)")
            }
            guard let value = item.value, !value.isEmpty else { throw .badURL(shown, "parameter '\(item.name)' has no value") }
            guard query[item.name] == nil else { throw .badURL(shown, "parameter '\(item.name)' given twice") }
            query[item.name] = value
        }
        let portText = query["port"] ?? components.port.map(String.init)
        var port = defaultPort
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else { throw .badURL(shown, "port '\(portText)' is not a number from 1 to 65535") }
            port = value
        }
        let user = query["user"] ?? components.percentEncodedUser.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["PGUSER"] ?? environment["USER"] ?? NSUserName()
        guard !user.isEmpty else { throw .badURL(shown, "no user name") }
        let password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding } ?? environment["PGPASSWORD"]
        var path = components.percentEncodedPath
        if path.hasPrefix("/") { path.removeFirst() }
        guard !path.contains("/") else { throw .badURL(shown, "the path must be one database name, got '\(path)'") }
        let database = path.removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 } ?? user
        let host = query["host"] ?? components.percentEncodedHost.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
        let endpoint: Endpoint
        switch host {
        case nil:
            // psql's default: the socket in Debian's /var/run/postgresql.
            endpoint = .socket(path: "/var/run/postgresql/.s.PGSQL.\(port)", directory: "/var/run/postgresql", port: port)
        case let directory? where directory.hasPrefix("/"):
            endpoint = .socket(path: "\(directory)/.s.PGSQL.\(port)", directory: directory, port: port)
        case let name?:
            let bare = name.hasPrefix("[") && name.hasSuffix("]") ? String(name.dropFirst().dropLast()) : name
            endpoint = .tcp(host: bare, port: port)
        }
        let sslMode: SSLMode
        if let mode = query["sslmode"] {
            guard let known = SSLMode(rawValue: mode) else { throw .badURL(shown, "sslmode '\(mode)' is not one of disable, prefer, require, verify-full") }
            sslMode = known
        } else {
            // libpq prefers TLS over TCP; a Unix socket never negotiates it.
            if case .socket = endpoint { sslMode = .disable } else { sslMode = .prefer }
        }
        if case .socket = endpoint, sslMode == .require || sslMode == .verifyFull { throw .badURL(shown, "sslmode=require over a Unix socket (PostgreSQL offers no TLS there)") }
        return PostgresStoreURL(endpoint: endpoint, user: user, password: password, database: database, sslMode: sslMode)
    }

    /// `text` with any `:password@` replaced by `:***@`.
    public static func masked(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@"),
              let colon = text[scheme.upperBound..<at].firstIndex(of: ":") else { return text }
        return text[..<text.index(after: colon)] + "***" + text[at...]
    }
}
