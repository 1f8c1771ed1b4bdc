import Foundation

/// One SceneFarm protocol message: `["SCENEFARM", "1", COMMAND, JSON-object body, payload?]`.
///
/// A ROUTER receives one more frame in front, the peer's routing id; DEALER peers send no empty
/// delimiter, so the protocol id follows the identity directly (see Docs/protocol.md §2).
public struct WireMessage: Sendable, Equatable {
    /// Frame 0 of every message.
    public static let protocolID = "SCENEFARM"
    /// Frame 1: the protocol version as one ASCII digit.
    public static let version = "1"

    /// The command name, e.g. `READY`, `HEARTBEAT`, `TASK`, `RESULT`.
    public let command: String
    /// The body frame: UTF-8 JSON whose top level is an object.
    public let body: Data
    /// Optional binary frame (e.g. an EXR file); `nil` means the message has 4 frames.
    public let payload: Data?

    /// A message whose body is `body` encoded as JSON (sorted keys, ISO 8601 dates).
    public init(command: String, body: some Encodable, payload: Data? = nil) throws(WireError) {
        let json: Data
        do {
            json = try WireMessage.makeEncoder().encode(body)
        } catch {
            throw WireError.bodyEncoding(type: String(describing: type(of: body)), reason: String(describing: error))
        }
        try self.init(command: command, bodyJSON: json, payload: payload)
    }

    /// A message with an already-encoded body, which must be a JSON object.
    public init(command: String, bodyJSON: Data, payload: Data? = nil) throws(WireError) {
        try WireMessage.checkName(command)
        try WireMessage.checkBody(bodyJSON)
        self.command = command
        self.body = bodyJSON
        self.payload = payload
    }

    /// A message whose body this process's own encoder wrote (a JSON object by construction),
    /// so it is not parsed again to check it (TaskMessages: a TASK's body is most of a job).
    init(validated command: String, body: Data, payload: Data?) {
        self.command = command
        self.body = body
        self.payload = payload
    }

    /// The frames to send from a DEALER; prefix the peer's routing id when sending from a ROUTER.
    public var frames: [Data] {
        var frames = [Data(WireMessage.protocolID.utf8), Data(WireMessage.version.utf8), Data(command.utf8), body]
        if let payload { frames.append(payload) }
        return frames
    }

    /// Decodes the body into `T` with the protocol's decoder.
    public func decodeBody<T: Decodable>(_ type: T.Type) throws(WireError) -> T {
        do {
            return try WireMessage.makeDecoder().decode(T.self, from: body)
        } catch {
            throw WireError.bodyDecoding(command: command, type: String(describing: T.self), reason: String(describing: error))
        }
    }

    // MARK: Decoding

    /// Validates frames received on a DEALER (no identity frame).
    public static func decode(_ frames: [Data], rules: WireRules) throws(WireError) -> WireMessage {
        try checkSize(frames, rules: rules)
        return try decodeFields(frames[...], rules: rules, routed: false)
    }

    /// Validates frames received on a ROUTER: the peer's routing id, then the message.
    public static func decodeRouted(_ frames: [Data], rules: WireRules) throws(WireError) -> (peer: Data, message: WireMessage) {
        try checkSize(frames, rules: rules)
        guard frames.count >= 2 else { throw WireError.tooFewFrames(got: max(0, frames.count - 1), routed: true) }
        if frames[1].isEmpty && frames.count > 2 { throw WireError.unexpectedDelimiter }
        return (frames[0], try decodeFields(frames.dropFirst(), rules: rules, routed: true))
    }

    private static func checkSize(_ frames: [Data], rules: WireRules) throws(WireError) {
        let bytes = frames.reduce(0) { $0 + $1.count }
        guard bytes <= rules.maxMessageBytes else { throw WireError.tooLarge(bytes: bytes, max: rules.maxMessageBytes) }
    }

    private static func decodeFields(_ frames: ArraySlice<Data>, rules: WireRules, routed: Bool) throws(WireError) -> WireMessage {
        guard frames.count >= 4 else { throw WireError.tooFewFrames(got: frames.count, routed: routed) }
        guard frames.count <= 5 else { throw WireError.tooManyFrames(got: frames.count + (routed ? 1 : 0), max: routed ? 6 : 5, routed: routed) }
        let fields = Array(frames)
        guard fields[0] == Data(protocolID.utf8) else { throw WireError.wrongProtocol(found: WireError.shown(fields[0])) }
        guard fields[1] == Data(version.utf8) else { throw WireError.unsupportedVersion(found: WireError.shown(fields[1])) }
        guard let command = String(data: fields[2], encoding: .utf8), rules.commands.contains(command) else {
            throw WireError.unknownCommand(WireError.shown(fields[2]), allowed: rules.commands.sorted())
        }
        try checkBody(fields[3])
        return WireMessage(validated: command, body: fields[3], payload: fields.count == 5 ? fields[4] : nil)
    }

    // MARK: Validation and coding

    private static func checkName(_ command: String) throws(WireError) {
        let allowed = command.utf8.allSatisfy { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_") }
        guard allowed, (1...32).contains(command.utf8.count) else { throw WireError.invalidCommandName(command) }
    }

    /// The check of a body (frame 3), received or built: UTF-8, one JSON text (RFC 8259:
    /// `JSONCheck`), an object, checked without decoding it. Public so `bench wire` can time it.
    public static func checkBody(_ body: Data) throws(WireError) {
        guard JSONCheck.isUTF8(body) else { throw WireError.bodyNotUTF8 }
        let kind: JSONCheck.Kind
        do {
            kind = try JSONCheck.check(body)
        } catch {
            throw WireError.bodyNotJSON(reason: error.description)
        }
        switch kind {
        case .object: return
        case .array: throw WireError.bodyNotObject(found: "an array")
        case .string: throw WireError.bodyNotObject(found: "a string")
        case .number: throw WireError.bodyNotObject(found: "a number")
        case .boolean: throw WireError.bodyNotObject(found: "a boolean")
        case .null: throw WireError.bodyNotObject(found: "null")
        }
    }

    /// The encoder every body uses, so both sides agree on keys and dates.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// The decoder matching `makeEncoder`.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
