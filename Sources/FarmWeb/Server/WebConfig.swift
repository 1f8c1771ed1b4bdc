import Foundation

/// How the coordinator's HTTP server is set up (`scenefarm coordinator --http …`).
public struct WebConfig: Sendable {
    /// Host to bind: an IPv4 or IPv6 literal, or `localhost`.
    public var host: String
    /// Port; 0 picks a free one (tests).
    public var port: Int
    /// Tokens that may perform actions (and read, on a non-loopback bind).
    public var tokens: BearerTokens
    /// A non-loopback bind without a token file was asked for on purpose.
    public var insecure: Bool

    public init(host: String, port: Int, tokens: BearerTokens, insecure: Bool = false) {
        self.host = host
        self.port = port
        self.tokens = tokens
        self.insecure = insecure
    }

    /// `127.0.0.1:8080`, `[::1]:8080` or `localhost:8080`.
    public static func parseBind(_ text: String) throws(WebError) -> (host: String, port: Int) {
        let host: Substring, port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { throw .badBind(text) }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { throw .badBind(text) }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let number = Int(port), (0...65535).contains(number) else { throw .badBind(text) }
        return (String(host), number)
    }

    /// Whether `host` only accepts connections from this machine.
    public static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    public var isLoopback: Bool { Self.isLoopback(host) }

    /// Reads need a token too when the server is reachable from other machines (unless insecure).
    public var readsNeedToken: Bool { !isLoopback && !insecure }

    /// Refuses a non-loopback bind without tokens, unless insecure.
    public func check() throws(WebError) {
        if !isLoopback && tokens.isEmpty && !insecure { throw .exposedWithoutToken(host) }
    }
}

/// Why the HTTP server cannot start.
public enum WebError: Error, CustomStringConvertible, Equatable {
    case badBind(String)
    case exposedWithoutToken(String)
    case tokenFile(path: String, reason: String)
    case cannotBind(String, String)

    public var description: String {
        switch self {
        case .badBind(let text):
            return "--http: '\(text)' is not HOST:PORT (127.0.0.1:8080, [::1]:8080, localhost:8080, 0.0.0.0:8080)"
        case .exposedWithoutToken(let host):
            return "--http: \(host) is reachable from other machines; give --http-token-file (bearer tokens for actions and reads) or --insecure"
        case .tokenFile(let path, let reason):
            return "--http-token-file \(path): \(reason)"
        case .cannotBind(let address, let reason):
            return "--http: cannot listen on \(address): \(reason)"
        }
    }
}
