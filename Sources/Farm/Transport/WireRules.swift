/// What a receiver accepts: the commands of its side of the protocol and a size ceiling.
public struct WireRules: Sendable, Equatable {
    /// Frames and payloads travel in one message, so the default leaves room for a large EXR frame.
    public static let defaultMaxMessageBytes = 256 << 20

    /// Command names this receiver understands; anything else is `WireError.unknownCommand`.
    public var commands: Set<String>
    /// Ceiling on the whole message (all frames, identity included); also each socket's `ZMQ_MAXMSGSIZE`.
    public var maxMessageBytes: Int

    /// Rules accepting `commands`, up to `maxMessageBytes` per message.
    public init(commands: Set<String>, maxMessageBytes: Int = WireRules.defaultMaxMessageBytes) {
        self.commands = commands
        self.maxMessageBytes = maxMessageBytes
    }

    /// Sets `ZMQ_MAXMSGSIZE` so libzmq itself drops (and disconnects) a peer whose single frame is over the limit.
    public func configure(_ socket: ZMQSocket) throws(TransportError) {
        try socket.setMaxMessageSize(maxMessageBytes)
    }
}
