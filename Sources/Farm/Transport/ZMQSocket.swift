import CZeroMQ
import Foundation

/// One libzmq socket, closed in `deinit`.
///
/// Not `Sendable`, on purpose: a libzmq socket must be used from one thread only. Create it on
/// the thread (a dedicated `Thread`, not the cooperative pool, since receives block) that sends
/// and receives on it, and keep it there. The context it came from may be shared freely.
public final class ZMQSocket {
    /// The socket patterns SceneFarm uses: ROUTER (coordinator) ↔ DEALER (node), REP for ZAP, PAIR for control pipes,
    /// PUB ↔ SUB for the state a coordinator pair exchanges (Binary Star).
    public enum Kind: Int32, Sendable, CustomStringConvertible {
        case pair = 0   // ZMQ_PAIR
        case pub = 1    // ZMQ_PUB
        case sub = 2    // ZMQ_SUB
        case req = 3    // ZMQ_REQ
        case rep = 4    // ZMQ_REP
        case dealer = 5 // ZMQ_DEALER
        case router = 6 // ZMQ_ROUTER

        public var description: String {
            switch self {
            case .pair: return "PAIR"
            case .pub: return "PUB"
            case .sub: return "SUB"
            case .req: return "REQ"
            case .rep: return "REP"
            case .dealer: return "DEALER"
            case .router: return "ROUTER"
            }
        }
    }

    /// Linger given to new sockets: long enough to flush a last reply, short enough that closing
    /// a socket whose peer is gone never hangs context termination (libzmq's default is forever).
    public static let defaultLinger: Duration = .milliseconds(200)

    let handle: UnsafeMutableRawPointer
    /// Keeps the context alive until this socket is closed: `zmq_ctx_term` waits for its sockets.
    public let context: ZMQContext
    public let kind: Kind
    /// The endpoints this socket bound or connected, for error messages.
    private var endpoints: [String] = []

    /// Opens a socket of `kind` in `context`, with `linger` already set.
    public init(context: ZMQContext, kind: Kind, linger: Duration = ZMQSocket.defaultLinger) throws(TransportError) {
        guard let handle = zmq_socket(context.handle, kind.rawValue) else {
            throw TransportError.current("zmq_socket", target: kind.description)
        }
        self.handle = handle
        self.context = context
        self.kind = kind
        try setLinger(linger)
    }

    deinit {
        zmq_close(handle)
    }

    /// What error messages call this socket: its kind and endpoints.
    var target: String {
        endpoints.isEmpty ? kind.description : "\(kind) \(endpoints.joined(separator: ", "))"
    }

    // MARK: Endpoints

    /// Binds to `endpoint`; `tcp://127.0.0.1:*` picks a free port, read it back from `lastEndpoint`.
    public func bind(_ endpoint: String) throws(TransportError) {
        try setOption(ZMQ_IPV6, Self.wantsIPv6(endpoint) ? 1 : 0, name: "ZMQ_IPV6")
        guard zmq_bind(handle, endpoint) == 0 else { throw TransportError.current("zmq_bind", target: endpoint) }
        endpoints.append(endpoint)
    }

    /// Connects to `endpoint`; libzmq connects (and reconnects) in the background.
    public func connect(_ endpoint: String) throws(TransportError) {
        try setOption(ZMQ_IPV6, Self.wantsIPv6(endpoint) ? 1 : 0, name: "ZMQ_IPV6")
        guard zmq_connect(handle, endpoint) == 0 else { throw TransportError.current("zmq_connect", target: endpoint) }
        endpoints.append(endpoint)
    }

    /// Whether `endpoint` needs ZMQ_IPV6: a bracketed IPv6 address, or a host name that may
    /// resolve to one (`tcp://localhost:…`, `tcp://coord:…`; libzmq then still reaches IPv4 hosts
    /// through mapped addresses). IPv4 addresses and `*` keep plain IPv4 sockets.
    static func wantsIPv6(_ endpoint: String) -> Bool {
        guard endpoint.hasPrefix("tcp://") else { return false }
        let address = endpoint.dropFirst("tcp://".count)
        if address.hasPrefix("[") { return true }
        let host = address.split(separator: ":").first ?? ""
        return !(host == "*" || host.allSatisfy { $0 == "." || $0.isNumber })
    }

    /// Stops listening on `endpoint`; for a wildcard bind pass the concrete `lastEndpoint`.
    public func unbind(_ endpoint: String) throws(TransportError) {
        guard zmq_unbind(handle, endpoint) == 0 else { throw TransportError.current("zmq_unbind", target: endpoint) }
        endpoints.removeAll { $0 == endpoint }
    }

    /// Drops the connection to `endpoint`.
    public func disconnect(_ endpoint: String) throws(TransportError) {
        guard zmq_disconnect(handle, endpoint) == 0 else { throw TransportError.current("zmq_disconnect", target: endpoint) }
        endpoints.removeAll { $0 == endpoint }
    }

    /// The endpoint of the last bind or connect, with a wildcard port resolved (`ZMQ_LAST_ENDPOINT`).
    public func lastEndpoint() throws(TransportError) -> String {
        var buffer = [CChar](repeating: 0, count: 1024)
        var size = buffer.count
        guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else {
            throw TransportError.current("zmq_getsockopt(ZMQ_LAST_ENDPOINT)", target: target)
        }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: Options (set them before bind/connect unless noted)

    /// How long `close` waits to flush unsent messages (`ZMQ_LINGER`); applies at any time.
    public func setLinger(_ linger: Duration) throws(TransportError) {
        try setOption(ZMQ_LINGER, Int32(linger.zmqMilliseconds), name: "ZMQ_LINGER")
    }

    /// Blocking-receive timeout (`ZMQ_RCVTIMEO`); `nil` waits forever. `receive(timeout:)` does not need it.
    public func setReceiveTimeout(_ timeout: Duration?) throws(TransportError) {
        try setOption(ZMQ_RCVTIMEO, timeout.map { Int32($0.zmqMilliseconds) } ?? -1, name: "ZMQ_RCVTIMEO")
    }

    /// How long `send` may block before throwing `.sendTimedOut` (`ZMQ_SNDTIMEO`); `nil` blocks forever.
    public func setSendTimeout(_ timeout: Duration?) throws(TransportError) {
        try setOption(ZMQ_SNDTIMEO, timeout.map { Int32($0.zmqMilliseconds) } ?? -1, name: "ZMQ_SNDTIMEO")
    }

    /// The name a ROUTER peer sees as this socket's identity frame (`ZMQ_ROUTING_ID`, 1–255 bytes, not starting with 0x00).
    public func setRoutingID(_ id: Data) throws(TransportError) {
        guard (1...255).contains(id.count), id.first != 0 else {
            throw TransportError.invalidArgument("routing id \(TransportError.printable(id)): must be 1–255 bytes and not start with a zero byte (libzmq reserves those)")
        }
        try setOption(ZMQ_ROUTING_ID, bytes: id, name: "ZMQ_ROUTING_ID")
    }

    /// Largest inbound frame libzmq accepts (`ZMQ_MAXMSGSIZE`); a peer sending more is disconnected. `nil` = no limit.
    public func setMaxMessageSize(_ bytes: Int?) throws(TransportError) {
        var value = Int64(bytes ?? -1)
        try setRaw(ZMQ_MAXMSGSIZE, &value, MemoryLayout<Int64>.size, name: "ZMQ_MAXMSGSIZE")
    }

    /// ROUTER only: fail sends to unknown peers with `.unroutable` instead of dropping them silently.
    public func setRouterMandatory(_ on: Bool) throws(TransportError) {
        try setOption(ZMQ_ROUTER_MANDATORY, on ? 1 : 0, name: "ZMQ_ROUTER_MANDATORY")
    }

    /// Queue messages only to completed connections (`ZMQ_IMMEDIATE`), so sends to a dead coordinator block instead of piling up.
    public func setImmediate(_ on: Bool) throws(TransportError) {
        try setOption(ZMQ_IMMEDIATE, on ? 1 : 0, name: "ZMQ_IMMEDIATE")
    }

    /// Reconnect back-off: start at `interval`, double up to `maximum` (`ZMQ_RECONNECT_IVL`, `ZMQ_RECONNECT_IVL_MAX`).
    public func setReconnect(interval: Duration, maximum: Duration? = nil) throws(TransportError) {
        try setOption(ZMQ_RECONNECT_IVL, Int32(interval.zmqMilliseconds), name: "ZMQ_RECONNECT_IVL")
        try setOption(ZMQ_RECONNECT_IVL_MAX, Int32(maximum?.zmqMilliseconds ?? 0), name: "ZMQ_RECONNECT_IVL_MAX")
    }

    /// Queue limits in messages (`ZMQ_SNDHWM`, `ZMQ_RCVHWM`); 0 means unlimited.
    public func setHighWaterMarks(send: Int32, receive: Int32) throws(TransportError) {
        try setOption(ZMQ_SNDHWM, send, name: "ZMQ_SNDHWM")
        try setOption(ZMQ_RCVHWM, receive, name: "ZMQ_RCVHWM")
    }

    /// ZMTP-level PING/PONG (`ZMQ_HEARTBEAT_IVL/TIMEOUT/TTL`): detects dead TCP peers; application heartbeats are separate.
    public func setHeartbeat(interval: Duration, timeout: Duration, ttl: Duration? = nil) throws(TransportError) {
        try setOption(ZMQ_HEARTBEAT_IVL, Int32(interval.zmqMilliseconds), name: "ZMQ_HEARTBEAT_IVL")
        try setOption(ZMQ_HEARTBEAT_TIMEOUT, Int32(timeout.zmqMilliseconds), name: "ZMQ_HEARTBEAT_TIMEOUT")
        if let ttl {
            try setOption(ZMQ_HEARTBEAT_TTL, Int32(ttl.zmqMilliseconds), name: "ZMQ_HEARTBEAT_TTL")
        }
    }

    /// Sets an `int` socket option.
    func setOption(_ option: Int32, _ value: Int32, name: String) throws(TransportError) {
        var value = value
        try setRaw(option, &value, MemoryLayout<Int32>.size, name: name)
    }

    /// Sets a binary or string socket option.
    func setOption(_ option: Int32, bytes: Data, name: String) throws(TransportError) {
        let status = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        guard status == 0 else { throw TransportError.current("zmq_setsockopt(\(name))", target: target) }
    }

    private func setRaw(_ option: Int32, _ value: UnsafeRawPointer, _ size: Int, name: String) throws(TransportError) {
        guard zmq_setsockopt(handle, option, value, size) == 0 else {
            throw TransportError.current("zmq_setsockopt(\(name))", target: target)
        }
    }

    // MARK: Messages

    /// Sends `frames` as one multipart message; blocks up to the send timeout.
    public func send(_ frames: [Data]) throws(TransportError) {
        guard !frames.isEmpty else { throw TransportError.invalidArgument("send on \(target): a message needs at least one frame") }
        // Routers address a peer by the first frame, which is what `.unroutable` should report.
        let peer = kind == .router ? frames[0] : nil
        for (index, frame) in frames.enumerated() {
            let flags = index < frames.count - 1 ? ZMQ_SNDMORE : 0
            var status: Int32
            repeat {
                status = frame.withUnsafeBytes { buffer in
                    // An empty frame still needs a non-null pointer for libzmq's memcpy.
                    var empty: UInt8 = 0
                    return buffer.count == 0
                        ? zmq_send(handle, &empty, 0, flags)
                        : zmq_send(handle, buffer.baseAddress, buffer.count, flags)
                }
            } while status < 0 && zmq_errno() == EINTR
            guard status >= 0 else { throw TransportError.current("zmq_send", target: target, peer: peer) }
        }
    }

    /// Receives one multipart message, waiting up to `timeout` (`nil`: forever); returns `nil` on timeout.
    public func receive(timeout: Duration?) throws(TransportError) -> [Data]? {
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now + $0 }
        let poller = ZMQPoller([self])
        while true {
            let remaining = deadline.map { max(Duration.zero, $0 - clock.now) }
            guard try !poller.poll(timeout: remaining).isEmpty else { return nil }
            if let frames = try receiveAvailable() { return frames }
            if let deadline, clock.now >= deadline { return nil }
        }
    }

    /// The file descriptor of the connection the last received message came from (ZMQ_SRCFD),
    /// or -1: lets a ROUTER tie a peer to the disconnect events of `monitorDisconnects()`.
    public private(set) var lastSourceDescriptor: Int32 = -1

    /// The ZAP user id of the connection the last received message came from (with CURVE, the
    /// name under which its key is authorised), or nil when the connection has none.
    public private(set) var lastUserID: String?

    /// Starts libzmq's socket monitor for disconnects; returns the PAIR socket the events arrive
    /// on (read them with `ZMQSocket.disconnectedDescriptor(_:)`).
    public func monitorDisconnects() throws(TransportError) -> ZMQSocket {
        let endpoint = "inproc://scenefarm-monitor-\(UUID().uuidString)"
        guard zmq_socket_monitor(handle, endpoint, ZMQ_EVENT_DISCONNECTED) == 0 else {
            throw TransportError.current("zmq_socket_monitor", target: target)
        }
        let monitor = try ZMQSocket(context: context, kind: .pair)
        try monitor.connect(endpoint)
        return monitor
    }

    /// SUB only: receive messages starting with `prefix` (empty: all) (`ZMQ_SUBSCRIBE`).
    public func subscribe(_ prefix: Data = Data()) throws(TransportError) {
        try setOption(ZMQ_SUBSCRIBE, bytes: prefix, name: "ZMQ_SUBSCRIBE")
    }

    /// The monitor events a connecting socket needs to tell a dead endpoint quickly: a connection
    /// made, a connect refused (retried), a connection closed.
    public enum ConnectionEvent: Sendable, Equatable {
        case connected
        case connectRetried
        case disconnected
    }

    /// Starts libzmq's socket monitor for connects, refused connects and disconnects; read the
    /// PAIR socket it returns with `ZMQSocket.connectionEvent(_:)`.
    public func monitorConnections() throws(TransportError) -> ZMQSocket {
        let endpoint = "inproc://scenefarm-monitor-\(UUID().uuidString)"
        guard zmq_socket_monitor(handle, endpoint, ZMQ_EVENT_CONNECTED | ZMQ_EVENT_CONNECT_RETRIED | ZMQ_EVENT_DISCONNECTED) == 0 else {
            throw TransportError.current("zmq_socket_monitor", target: target)
        }
        let monitor = try ZMQSocket(context: context, kind: .pair)
        try monitor.connect(endpoint)
        return monitor
    }

    /// Stops the socket monitor. Call it before closing the monitor's PAIR: libzmq's I/O thread
    /// sends each event with a blocking send, and a monitor PAIR with no peer left blocks it for
    /// ever, stalling every socket of the context (seen: a node whose reconnects all went silent).
    public func stopMonitoring() {
        zmq_socket_monitor(handle, nil, 0)
    }

    /// The event of a `monitorConnections()` message; nil for any other.
    public static func connectionEvent(_ frames: [Data]) -> ConnectionEvent? {
        guard let header = frames.first, header.count >= 2 else { return nil }
        let event = Int32(UInt16(header[header.startIndex]) | UInt16(header[header.startIndex + 1]) << 8)
        switch event {
        case ZMQ_EVENT_CONNECTED: return .connected
        case ZMQ_EVENT_CONNECT_RETRIED: return .connectRetried
        case ZMQ_EVENT_DISCONNECTED: return .disconnected
        default: return nil
        }
    }

    /// The descriptor of a disconnected connection, from a monitor event (two frames: a 16-bit
    /// event id and a 32-bit value, little-endian, then the endpoint); nil for other events.
    public static func disconnectedDescriptor(_ frames: [Data]) -> Int32? {
        guard let header = frames.first, header.count >= 6 else { return nil }
        let bytes = [UInt8](header.prefix(6))
        let event = UInt16(bytes[0]) | UInt16(bytes[1]) << 8
        guard Int32(event) == ZMQ_EVENT_DISCONNECTED else { return nil }
        let value = UInt32(bytes[2]) | UInt32(bytes[3]) << 8 | UInt32(bytes[4]) << 16 | UInt32(bytes[5]) << 24
        return Int32(bitPattern: value)
    }

    /// Reads a whole multipart message that polling said is there (libzmq delivers all parts at
    /// once); `nil` if the readiness zmq_poll reported was stale and nothing is there.
    func receiveAvailable() throws(TransportError) -> [Data]? {
        let message = UnsafeMutablePointer<zmq_msg_t>.allocate(capacity: 1)
        defer { message.deallocate() }
        var frames: [Data] = []
        while true {
            zmq_msg_init(message)
            var received: Int32
            repeat {
                received = zmq_msg_recv(message, handle, frames.isEmpty ? ZMQ_DONTWAIT : 0)
            } while received < 0 && zmq_errno() == EINTR
            guard received >= 0 else {
                if frames.isEmpty && zmq_errno() == EAGAIN {
                    zmq_msg_close(message)
                    return nil
                }
                let error = TransportError.current("zmq_msg_recv", target: target)
                zmq_msg_close(message)
                throw error
            }
            // A ROUTER's identity frame is made locally and carries no descriptor: take the
            // first frame that came off the wire.
            if frames.isEmpty {
                lastSourceDescriptor = -1
                lastUserID = nil
            }
            if lastSourceDescriptor < 0 {
                lastSourceDescriptor = zmq_msg_get(message, ZMQ_SRCFD)
                if lastSourceDescriptor >= 0, let user = zmq_msg_gets(message, "User-Id") { lastUserID = String(cString: user) }
            }
            let size = zmq_msg_size(message)
            frames.append(size == 0 ? Data() : Data(bytes: zmq_msg_data(message), count: size))
            let more = zmq_msg_more(message) == 1
            zmq_msg_close(message)
            if !more { return frames }
        }
    }
}

extension Duration {
    /// Whole milliseconds as libzmq options and `zmq_poll` want them, rounded up so short waits are not 0.
    var zmqMilliseconds: Int {
        let (seconds, attoseconds) = components
        let millis = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int(clamping: max(0, min(millis, Int64(Int32.max))))
    }
}
