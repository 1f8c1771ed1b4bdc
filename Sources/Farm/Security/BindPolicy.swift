/// The rule that an unencrypted coordinator listens on loopback only.
public enum BindPolicy {
    /// Throws `SecurityError.insecureBind` when `endpoint` reaches beyond this machine while
    /// `secured` (CURVE keys given) and `insecure` (the operator's explicit opt-out) are both false.
    public static func check(endpoint: String, secured: Bool, insecure: Bool) throws(SecurityError) {
        guard secured || insecure || isLoopback(endpoint) else {
            throw SecurityError.insecureBind(endpoint: endpoint)
        }
    }

    /// Whether `endpoint` is only reachable from this machine: ipc://, inproc://, or tcp:// on
    /// 127.0.0.0/8, [::1] or localhost. Anything unrecognised counts as not loopback.
    public static func isLoopback(_ endpoint: String) -> Bool {
        let lower = endpoint.lowercased()
        if lower.hasPrefix("ipc://") || lower.hasPrefix("inproc://") { return true }
        guard lower.hasPrefix("tcp://") else { return false }
        let address = lower.dropFirst("tcp://".count)
        // libzmq accepts "source;destination" for connects; a bind has no ';', so refuse it here.
        guard !address.contains(";") else { return false }
        let host: Substring
        if address.hasPrefix("[") {
            guard let close = address.firstIndex(of: "]") else { return false }
            host = address[address.index(after: address.startIndex)..<close]
            guard address[address.index(after: close)...].hasPrefix(":") else { return false }
        } else {
            guard let colon = address.lastIndex(of: ":") else { return false }
            host = address[..<colon]
        }
        return host == "localhost" || host == "::1" || isLoopbackIPv4(host)
    }

    private static func isLoopbackIPv4(_ host: Substring) -> Bool {
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return false }
        let values = octets.map { octet in
            !octet.isEmpty && octet.count <= 3 && octet.allSatisfy({ $0 >= "0" && $0 <= "9" }) ? Int(octet) : nil
        }
        guard values.allSatisfy({ $0.map { (0...255).contains($0) } ?? false }) else { return false }
        return values[0] == 127
    }
}
