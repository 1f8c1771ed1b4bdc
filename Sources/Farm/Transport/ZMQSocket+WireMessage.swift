import Foundation

/// Sending and receiving `WireMessage`s: DEALER side without an identity frame, ROUTER side with one.
extension ZMQSocket {
    /// Sends `message` from a DEALER (or PAIR).
    public func send(_ message: WireMessage) throws(TransportError) {
        try send(message.frames)
    }

    /// Sends `message` from a ROUTER to the peer with routing id `peer`.
    public func send(_ message: WireMessage, to peer: Data) throws(TransportError) {
        try send([peer] + message.frames)
    }

    /// Receives and validates one message on a DEALER; `nil` on timeout.
    ///
    /// Throws `TransportError` for socket failures and `WireError` for an invalid message, which
    /// has then been consumed: the socket is ready for the next one.
    public func receiveMessage(rules: WireRules, timeout: Duration?) throws -> WireMessage? {
        guard let frames = try receive(timeout: timeout) else { return nil }
        return try WireMessage.decode(frames, rules: rules)
    }

    /// Receives and validates one message on a ROUTER, with the sender's routing id; `nil` on timeout.
    ///
    /// Errors as in `receiveMessage`; an invalid message is consumed and the socket keeps working.
    public func receiveRoutedMessage(rules: WireRules, timeout: Duration?) throws -> (peer: Data, message: WireMessage)? {
        guard let frames = try receive(timeout: timeout) else { return nil }
        return try WireMessage.decodeRouted(frames, rules: rules)
    }
}
