/// The `--coordinator` list of a node or client (`tcp://a:5555,tcp://b:5555`, also
/// `$SCENEFARM_COORDINATOR`), checked before anything connects: libzmq takes `tcp://host:99999`
/// or a stray `,` without complaint at connect time and the node would retry it for ever.
public enum CoordinatorEndpoints {
    /// The endpoints of `list` in order, or an error naming the first entry that is not one.
    /// Empty entries (a trailing comma) are skipped; an empty list is an error.
    public static func parse(_ list: String) throws(EndpointError) -> [String] {
        let endpoints = split(list)
        guard !endpoints.isEmpty else { throw EndpointError(entry: list, reason: nil) }
        for endpoint in endpoints { try checkConnect(endpoint) }
        return endpoints
    }

    /// The entries of a comma-separated list, trimmed, empty ones dropped; unchecked.
    public static func split(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Throws unless `endpoint` is one a node or client can connect to (`--peer` too).
    public static func checkConnect(_ endpoint: String) throws(EndpointError) {
        if let reason = problem(endpoint) { throw EndpointError(entry: endpoint, reason: reason) }
    }

    /// Throws unless `endpoint` is one a coordinator can listen on (`--bind`, `--client-bind`,
    /// `--peer-bind`): as a connect endpoint, but the host may be `*` (every interface) and the port
    /// `*` or 0 (any free one). libzmq itself wraps a port of 99999 round to 34463.
    public static func checkBind(_ endpoint: String) throws(EndpointError) {
        if let reason = problem(endpoint, bind: true) { throw EndpointError(entry: endpoint, reason: reason, bind: true) }
    }

    /// Why `endpoint` cannot be connected to (or with `bind`, listened on), nil when it can:
    /// `tcp://HOST:PORT` (HOST a name, an IPv4 address or a bracketed IPv6 one; PORT 1–65535) or
    /// `ipc://PATH`.
    static func problem(_ endpoint: String, bind: Bool = false) -> String? {
        if endpoint.hasPrefix("ipc://") { return endpoint.count > "ipc://".count ? nil : "ipc:// needs a path" }
        guard endpoint.hasPrefix("tcp://") else { return "use tcp://HOST:PORT or ipc://PATH" }
        let address = endpoint.dropFirst("tcp://".count)
        guard let colon = address.lastIndex(of: ":") else { return "no port: use tcp://HOST:PORT" }
        let host = address[..<colon], port = address[address.index(after: colon)...]
        let bracketed = host.hasPrefix("[") && host.hasSuffix("]") && host.count > 2
        let anyInterface = bind && host == "*"
        guard anyInterface || (!host.isEmpty && (bracketed || !host.contains(":")) && !host.contains(where: { $0 == "/" || $0 == "*" || $0 == ";" || $0 == " " })) else {
            return "'\(host)' is not a host name or address"
        }
        if bind, port == "*" { return nil }
        guard port.count <= 5, port.allSatisfy(\.isASCII), let number = Int(port), ((bind ? 0 : 1)...65535).contains(number) else {
            return "the port must be \(bind ? "0" : "1")–65535\(bind ? " or *" : ""), not '\(port)'"
        }
        return nil
    }
}

/// A `--coordinator` entry (or a coordinator's bind) that is not an endpoint.
public struct EndpointError: Error, CustomStringConvertible, Equatable {
    public let entry: String
    /// Nil: the list holds no endpoint at all.
    public let reason: String?
    /// An endpoint to listen on, not one to connect to.
    public var bind = false

    public var description: String {
        guard let reason else { return "'\(entry.prefix(200))' lists no endpoint: give tcp://HOST:PORT, comma-separated for a pair" }
        return "'\(entry.prefix(200))' is not \(bind ? "an endpoint to listen on" : "a coordinator endpoint"): \(reason)"
    }
}
