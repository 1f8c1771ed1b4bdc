/// The `--coordinator` list of a node or client (`tcp://a:5555,tcp://b:5555`, also
/// `$SCENEFARM_COORDINATOR`), checked before anything connects: libzmq takes `tcp://host:99999`
/// or a stray `,` without complaint at connect time and the node would retry it for ever.
public enum CoordinatorEndpoints {
    /// The endpoints of `list` in order, or an error naming the first entry that is not one.
    /// Empty entries (a trailing comma) are skipped; an empty list is an error.
    public static func parse(_ list: String) throws(EndpointError) -> [String] {
        let endpoints = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !endpoints.isEmpty else { throw EndpointError(entry: list, reason: nil) }
        for endpoint in endpoints {
            if let reason = problem(endpoint) { throw EndpointError(entry: endpoint, reason: reason) }
        }
        return endpoints
    }

    /// Why `endpoint` cannot be connected to, nil when it can: `tcp://HOST:PORT` (HOST a name, an
    /// IPv4 address or a bracketed IPv6 one; PORT 1–65535) or `ipc://PATH`.
    static func problem(_ endpoint: String) -> String? {
        if endpoint.hasPrefix("ipc://") { return endpoint.count > "ipc://".count ? nil : "ipc:// needs a path" }
        guard endpoint.hasPrefix("tcp://") else { return "use tcp://HOST:PORT or ipc://PATH" }
        let address = endpoint.dropFirst("tcp://".count)
        guard let colon = address.lastIndex(of: ":") else { return "no port: use tcp://HOST:PORT" }
        let host = address[..<colon], port = address[address.index(after: colon)...]
        let bracketed = host.hasPrefix("[") && host.hasSuffix("]") && host.count > 2
        guard !host.isEmpty, bracketed || !host.contains(":"), !host.contains(where: { $0 == "/" || $0 == "*" || $0 == ";" || $0 == " " }) else {
            return "'\(host)' is not a host name or address"
        }
        guard port.count <= 5, port.allSatisfy(\.isASCII), let number = Int(port), (1...65535).contains(number) else {
            return "the port must be 1–65535, not '\(port)'"
        }
        return nil
    }
}

/// A `--coordinator` entry that is not an endpoint.
public struct EndpointError: Error, CustomStringConvertible, Equatable {
    public let entry: String
    /// Nil: the list holds no endpoint at all.
    public let reason: String?

    public var description: String {
        guard let reason else { return "'\(entry.prefix(200))' lists no endpoint: give tcp://HOST:PORT, comma-separated for a pair" }
        return "'\(entry.prefix(200))' is not a coordinator endpoint: \(reason)"
    }
}
