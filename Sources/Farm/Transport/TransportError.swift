import CZeroMQ
import Foundation

/// Why a ZeroMQ call failed; messages name the call, its target and libzmq's own errno text.
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A libzmq call returned an error (`reason` is `zmq_strerror(code)`).
    case call(name: String, target: String, code: Int32, reason: String)
    /// A send did not complete within the socket's send timeout (`EAGAIN`), e.g. no peer or a full queue.
    case sendTimedOut(target: String)
    /// A ROUTER socket with `router_mandatory` was asked to send to a peer it does not know (`EHOSTUNREACH`).
    case unroutable(peer: Data)
    /// The context is being terminated; the socket should be closed (`ETERM`).
    case contextTerminated
    /// A value we refuse before it reaches libzmq.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .call(let name, let target, let code, let reason):
            return "\(name)(\(target)): \(reason) (errno \(code))"
        case .sendTimedOut(let target):
            return "send on \(target): timed out, no peer ready to take the message (EAGAIN)"
        case .unroutable(let peer):
            return "send: no connected peer with routing id \(TransportError.printable(peer)) (EHOSTUNREACH)"
        case .contextTerminated:
            return "ZeroMQ context terminated; close the socket"
        case .invalidArgument(let message):
            return message
        }
    }

    /// Builds the error for the current `zmq_errno()`, mapping the few codes callers act on.
    static func current(_ name: String, target: String, peer: Data? = nil) -> TransportError {
        let code = zmq_errno()
        switch code {
        case EAGAIN where name == "zmq_send": return .sendTimedOut(target: target)
        case EHOSTUNREACH: return .unroutable(peer: peer ?? Data())
        case ETERM: return .contextTerminated
        default: return .call(name: name, target: target, code: code, reason: String(cString: zmq_strerror(code)))
        }
    }

    /// Routing ids are often readable names; show them as text when they are, hex otherwise.
    static func printable(_ bytes: Data) -> String {
        if let text = String(data: bytes, encoding: .utf8), text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) {
            return "'\(text)'"
        }
        return "0x" + bytes.prefix(32).map { String(format: "%02x", $0) }.joined() + (bytes.count > 32 ? "…" : "")
    }
}
