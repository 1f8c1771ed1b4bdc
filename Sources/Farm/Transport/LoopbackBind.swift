/// Binds endpoints the way Docs/protocol.md promises. libzmq does not resolve host names when
/// binding (it takes `localhost` for a network interface and fails with "No such device"), so
/// `tcp://localhost:PORT` binds `tcp://127.0.0.1:PORT` and, where the machine has IPv6 loopback,
/// `tcp://[::1]:PORT` too: peers whose resolver prefers either address reach it.
enum LoopbackBind {
    /// Binds `endpoint` on `socket`; returns the endpoint bound (with the real port for `:*`).
    static func bind(_ socket: ZMQSocket, _ endpoint: String) throws(TransportError) -> String {
        let prefix = "tcp://localhost:"
        guard endpoint.lowercased().hasPrefix(prefix) else {
            try socket.bind(endpoint)
            return try socket.lastEndpoint()
        }
        let port = endpoint.dropFirst(prefix.count)
        try socket.bind("tcp://127.0.0.1:\(port)")
        let bound = try socket.lastEndpoint()
        let realPort = bound[bound.index(after: bound.lastIndex(of: ":")!)...]
        try? socket.bind("tcp://[::1]:\(realPort)")
        return "\(prefix)\(realPort)"
    }
}
