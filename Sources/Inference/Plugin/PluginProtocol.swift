import Foundation
import ImageCore
import ShotSpec

/// The stdin/stdout protocol spoken with process plugins (Docs/inference.md is its reference):
/// JSON lines both ways, with raw little-endian Float32 pixels after `frame`/`conditioning` lines.
enum PluginProtocol {
    static let version = 1
    /// A JSON line from a plugin longer than this is garbage (pixels travel as binary, not JSON).
    static let maxLineLength = 1 << 20

    /// What the plugin says about itself before anything else.
    struct Hello: Equatable {
        var name: String
        var version: String
        var deterministic: Bool
        var conditioningFrames: Int
        var maxFramesPerCall: Int
        var maxWidth: Int
        var maxHeight: Int
    }

    /// Announces one frame; its pixels follow as `bytes` raw bytes or lie in an EXR at `path`.
    struct FrameHeader: Equatable {
        enum Payload: Equatable {
            case bytes(Int)
            case path(String)
        }
        var frame: Int
        var width: Int
        var height: Int
        var channels: Int
        var payload: Payload
    }

    enum Message: Equatable {
        case hello(Hello)
        case progress(String)
        case frame(FrameHeader)
        case error(message: String, field: String?)
        case done
    }

    /// A line that is not a valid message; `reason` says what is wrong with it.
    struct Violation: Error {
        let reason: String
    }

    static func decode(_ line: [UInt8]) throws(Violation) -> Message {
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw Violation(reason: "expected a JSON object, got \(preview(line))")
            }
            object = parsed
        } catch let violation as Violation {
            throw violation
        } catch {
            throw Violation(reason: "not a JSON message: \(preview(line))")
        }
        let fields = Fields(object: object)
        let type = try fields.string("type")
        switch type {
        case "hello":
            let protocolVersion = try fields.int("protocol")
            guard protocolVersion == version else {
                throw Violation(reason: "hello speaks protocol \(protocolVersion); this SceneFarm speaks protocol \(version)")
            }
            let hello = Hello(
                name: try fields.string("name"),
                version: try fields.string("version"),
                deterministic: try fields.bool("deterministic"),
                conditioningFrames: try fields.int("conditioning_frames", in: 0...10_000),
                maxFramesPerCall: try fields.int("max_frames_per_call", in: 1...10_000_000),
                maxWidth: try fields.optionalInt("max_width", in: 1...Resolution.maxDimension) ?? Resolution.maxDimension,
                maxHeight: try fields.optionalInt("max_height", in: 1...Resolution.maxDimension) ?? Resolution.maxDimension
            )
            return .hello(hello)
        case "progress":
            var parts: [String] = []
            if let done = try fields.optionalInt("done", in: 0...Int.max) {
                parts.append(try fields.optionalInt("total", in: 0...Int.max).map { "\(done)/\($0)" } ?? "\(done)")
            }
            if let message = object["message"] as? String { parts.append(message) }
            return .progress(parts.joined(separator: " "))
        case "frame":
            let width = try fields.int("width", in: 1...Resolution.maxDimension)
            let height = try fields.int("height", in: 1...Resolution.maxDimension)
            let channels = try fields.int("channels", in: 1...16)
            let payload: FrameHeader.Payload
            if let path = object["path"] {
                guard let path = path as? String, !path.isEmpty else { throw Violation(reason: "frame field 'path' must be a non-empty string") }
                payload = .path(path)
            } else {
                payload = .bytes(try fields.int("bytes", in: 0...Int(Int32.max) * 4))
            }
            return .frame(FrameHeader(frame: try fields.int("frame"), width: width, height: height, channels: channels, payload: payload))
        case "error":
            let field = object["field"] as? String
            return .error(message: (object["message"] as? String) ?? "(no message)", field: field?.isEmpty == true ? nil : field)
        case "done":
            return .done
        default:
            throw Violation(reason: "unknown message type '\(type)'")
        }
    }

    /// The `task` line: everything a plugin needs to produce `request.frames`.
    static func taskLine(_ request: GenerationRequest, generator: String, conditioningCount: Int, frameDirectory: URL?) -> [UInt8] {
        let spec = request.spec
        let members: [(String, String)] = [
            ("type", quote("task")),
            ("protocol", "\(version)"),
            ("generator", quote(generator)),
            ("spec", spec.document.canonicalJSON),
            ("params", spec.generator.params?.value.canonicalJSON ?? "{}"),
            ("frames", "{\"first\":\(request.frames.lowerBound),\"last\":\(request.frames.upperBound)}"),
            ("shot_frames", "{\"first\":\(spec.frames.first),\"last\":\(spec.frames.last)}"),
            ("fps", quote("\(spec.fps.numerator)/\(spec.fps.denominator)")),
            ("resolution", "{\"width\":\(spec.resolution.width),\"height\":\(spec.resolution.height)}"),
            ("chunk_index", "\(request.chunkIndex)"),
            ("conditioning_frames", "\(conditioningCount)"),
            ("frame_transport", quote(frameDirectory == nil ? "raw" : "exr")),
            ("frame_directory", frameDirectory.map { quote($0.path) } ?? "null"),
        ]
        return Array(("{" + members.map { "\(quote($0.0)):\($0.1)" }.joined(separator: ",") + "}\n").utf8)
    }

    /// The header line before conditioning frame `index` (0 is the oldest).
    static func conditioningHeader(index: Int, image: RGBAImage) -> [UInt8] {
        let bytes = image.pixelCount * 4 * MemoryLayout<Float>.size
        return Array("{\"type\":\"conditioning\",\"index\":\(index),\"width\":\(image.width),\"height\":\(image.height),\"channels\":4,\"bytes\":\(bytes)}\n".utf8)
    }

    static func quote(_ text: String) -> String { SpecValue.string(text, line: nil).canonicalJSON }

    /// A short, printable rendering of bytes a plugin should not have sent.
    static func preview(_ bytes: [UInt8]) -> String {
        var out = ""
        for byte in bytes.prefix(60) {
            if byte >= 0x20 && byte < 0x7F && byte != 0x22 && byte != 0x5C {
                out.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                out += String(format: "\\x%02x", byte)
            }
        }
        return "\"\(out)\"" + (bytes.count > 60 ? "… (\(bytes.count) bytes)" : "")
    }

    /// Typed access to a decoded JSON object's members.
    private struct Fields {
        let object: [String: Any]

        func string(_ key: String) throws(Violation) -> String {
            guard let value = object[key] else { throw Violation(reason: "missing field '\(key)'") }
            guard let text = value as? String else { throw Violation(reason: "field '\(key)' must be a string") }
            return text
        }

        func bool(_ key: String) throws(Violation) -> Bool {
            guard let value = object[key] else { throw Violation(reason: "missing field '\(key)'") }
            guard Self.isBoolean(value), let flag = value as? Bool else { throw Violation(reason: "field '\(key)' must be true or false") }
            return flag
        }

        func int(_ key: String, in range: ClosedRange<Int> = Int.min...Int.max) throws(Violation) -> Int {
            guard let value = try optionalInt(key, in: range) else { throw Violation(reason: "missing field '\(key)'") }
            return value
        }

        /// JSON booleans decode as NSNumber too, and Linux Foundation casts 0 and 1 to Bool, so
        /// the decoded class is the only reliable tell.
        static func isBoolean(_ value: Any) -> Bool {
            guard let number = value as? NSNumber else { return false }
            return type(of: number) == type(of: NSNumber(value: true))
        }

        func optionalInt(_ key: String, in range: ClosedRange<Int>) throws(Violation) -> Int? {
            guard let value = object[key], !(value is NSNull) else { return nil }
            guard !Self.isBoolean(value), let number = value as? NSNumber, number.doubleValue.rounded() == number.doubleValue,
                  abs(number.doubleValue) < 9e15
            else { throw Violation(reason: "field '\(key)' must be a whole number") }
            let int = number.intValue
            guard range.contains(int) else { throw Violation(reason: "field '\(key)' is \(int), outside \(range.lowerBound)…\(range.upperBound)") }
            return int
        }
    }
}
