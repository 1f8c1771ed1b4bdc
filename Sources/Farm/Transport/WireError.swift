import Foundation

/// Why frames are not a valid SceneFarm message; each message names the frame and what was expected.
public enum WireError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooFewFrames(got: Int, routed: Bool)
    case tooManyFrames(got: Int, max: Int, routed: Bool)
    case tooLarge(bytes: Int, max: Int)
    /// A ROUTER got an empty frame where the protocol id belongs: the peer is a REQ socket, which SceneFarm does not speak to.
    case unexpectedDelimiter
    case wrongProtocol(found: String)
    case unsupportedVersion(found: String)
    case unknownCommand(String, allowed: [String])
    /// A command name that is not 1–32 of A–Z, 0–9 and `_` (checked when building a message).
    case invalidCommandName(String)
    case bodyNotUTF8
    case bodyNotJSON(reason: String)
    case bodyNotObject(found: String)
    case bodyEncoding(type: String, reason: String)
    case bodyDecoding(command: String, type: String, reason: String)

    public var description: String {
        let layout = "[\(WireMessage.protocolID), version, command, body, payload?]"
        switch self {
        case .tooFewFrames(let got, let routed):
            return "message: \(got) frames, expected \(routed ? "identity + " : "")4 or 5 \(layout)"
        case .tooManyFrames(let got, let max, let routed):
            return "message: \(got) frames, at most \(max) allowed \(routed ? "(identity + " : "(")\(layout))"
        case .tooLarge(let bytes, let max):
            return "message: \(bytes) bytes exceeds the \(max)-byte limit"
        case .unexpectedDelimiter:
            return "frame 1 (protocol id): empty delimiter frame; SceneFarm peers are DEALER sockets and send none"
        case .wrongProtocol(let found):
            return "frame 0 (protocol id): expected '\(WireMessage.protocolID)', got \(found)"
        case .unsupportedVersion(let found):
            return "frame 1 (version): unsupported version \(found), this build speaks '\(WireMessage.version)'"
        case .unknownCommand(let command, let allowed):
            return "frame 2 (command): unknown command \(command), expected one of \(allowed.joined(separator: ", "))"
        case .invalidCommandName(let command):
            return "command '\(command)': must be 1–32 characters of A–Z, 0–9 and _"
        case .bodyNotUTF8:
            return "frame 3 (body): not valid UTF-8"
        case .bodyNotJSON(let reason):
            return "frame 3 (body): not JSON: \(reason)"
        case .bodyNotObject(let found):
            return "frame 3 (body): expected a JSON object, got \(found)"
        case .bodyEncoding(let type, let reason):
            return "body \(type): cannot encode as JSON: \(reason)"
        case .bodyDecoding(let command, let type, let reason):
            return "\(command) body: not a valid \(type): \(reason)"
        }
    }

    /// Shows an untrusted frame in an error: quoted text when printable, else a short hex prefix.
    static func shown(_ frame: Data) -> String {
        TransportError.printable(frame.prefix(40)) + (frame.count > 40 ? " (\(frame.count) bytes)" : "")
    }
}
