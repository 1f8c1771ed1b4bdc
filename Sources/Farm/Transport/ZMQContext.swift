import CZeroMQ

/// Owns one libzmq context; every socket, and the ZAP handler that secures them, lives in one.
///
/// `@unchecked Sendable`: a libzmq context is documented thread-safe, and this class holds
/// nothing but the immutable pointer. Sockets keep their context alive, so `zmq_ctx_term` in
/// `deinit` only runs once every socket has been closed (and has finished lingering).
public final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    /// Creates a context with libzmq's defaults (one I/O thread).
    public init() throws(TransportError) {
        guard let handle = zmq_ctx_new() else {
            throw TransportError.current("zmq_ctx_new", target: "context")
        }
        self.handle = handle
    }

    deinit {
        // EINTR means a signal arrived mid-term; termination must finish before the pointer dies.
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }

    /// Whether this libzmq was built with a capability, e.g. "curve" (libsodium) or "ipc".
    public static func has(_ capability: String) -> Bool {
        zmq_has(capability) == 1
    }
}
