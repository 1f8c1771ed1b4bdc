import Foundation
import ImageCore

/// A parsed spec document: YAML and JSON both become this tree, with source lines where known.
public indirect enum SpecValue: Sendable, Equatable {
    case string(String, line: Int?)
    case number(Double, text: String, line: Int?)
    case bool(Bool, line: Int?)
    case null(line: Int?)
    case array([SpecValue], line: Int?)
    /// A mapping in document order.
    case object([(key: String, value: SpecValue)], line: Int?)

    public var line: Int? {
        switch self {
        case .string(_, let line), .number(_, _, let line), .bool(_, let line), .null(let line),
             .array(_, let line), .object(_, let line):
            return line
        }
    }

    /// A short name of the value's type for error messages.
    public var typeName: String {
        switch self {
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        case .array: return "a list"
        case .object: return "a mapping"
        }
    }

    public static func == (lhs: SpecValue, rhs: SpecValue) -> Bool {
        switch (lhs, rhs) {
        case let (.string(a, _), .string(b, _)): return a == b
        case let (.number(a, _, _), .number(b, _, _)): return a == b
        case let (.bool(a, _), .bool(b, _)): return a == b
        case (.null, .null): return true
        case let (.array(a, _), .array(b, _)): return a == b
        case let (.object(a, _), .object(b, _)):
            // Mappings are unordered: the same keys and values in another order are the same document.
            return a.count == b.count && a.allSatisfy { pair in b.contains { $0.key == pair.key && $0.value == pair.value } }
        default: return false
        }
    }

    /// Canonical JSON (sorted keys, no whitespace): the input to spec hashes and the wire form.
    public var canonicalJSON: String {
        switch self {
        case .string(let s, _): return Self.jsonString(s)
        case .number(let d, _, _):
            if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
            return "\(d)"
        case .bool(let b, _): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items, _): return "[" + items.map(\.canonicalJSON).joined(separator: ",") + "]"
        case .object(let pairs, _):
            let body = pairs.sorted { $0.key < $1.key }.map { Self.jsonString($0.key) + ":" + $0.value.canonicalJSON }
            return "{" + body.joined(separator: ",") + "}"
        }
    }

    /// `s` as a JSON string literal (which YAML also reads as a double-quoted scalar).
    public static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20: out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension SpecValue {
    /// Parses YAML text (JSON is accepted too, being a subset in practice), within `SpecLimits`.
    public static func parseYAML(_ text: String, file: String) throws(SpecError) -> SpecValue {
        let bytes = text.utf8.count
        guard bytes <= SpecLimits.maxBytes else {
            throw SpecError(path: file, reason: "is \(bytes) bytes; a spec may be at most \(SpecLimits.maxBytes) bytes (1 MiB)")
        }
        return try YAMLReader.read(text, file: file)
    }

    /// Parses JSON text: checked as strict JSON first (RFC 8259: no trailing commas, no
    /// comments, bounded depth), then read through the same YAML reader so JSON specs get line
    /// numbers too.
    public static func parseJSON(_ data: Data, file: String) throws(SpecError) -> SpecValue {
        guard data.count <= SpecLimits.maxBytes else {
            throw SpecError(path: file, reason: "is \(data.count) bytes; a spec may be at most \(SpecLimits.maxBytes) bytes (1 MiB)")
        }
        // RFC 8259 §8.1 lets a parser ignore a byte order mark, which Windows editors write.
        let bytes = data.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(data.dropFirst(3)) : Array(data)
        guard String(validating: bytes, as: UTF8.self) != nil else { throw SpecError(path: file, reason: "is not UTF-8 text") }
        try StrictJSON.check(bytes, file: file)
        // libyaml reads the strings as JSON means them only after `JSONStringsForYAML`; a tab is
        // whitespace between tokens here (inside a string JSON has none raw), which YAML forbids.
        // The size was checked above: escapes may make the rewritten text longer.
        let yaml = String(decoding: JSONStringsForYAML.rewrite(bytes), as: UTF8.self)
        return try YAMLReader.read(yaml.replacingOccurrences(of: "\t", with: " "), file: file)
    }

    /// Reads and parses a spec-like file (YAML, or JSON when its name ends in `.json`): only a
    /// regular file of at most `SpecLimits.maxBytes`, never a FIFO or device. `kind` names the
    /// file in messages ("is a folder, not a shot spec file").
    public static func load(path: String, kind: String = "a shot spec file") throws(SpecError) -> SpecValue {
        let data: Data
        do {
            data = try InputFile.read(path, limit: Int64(SpecLimits.maxBytes))
        } catch .tooLarge(_, let bytes, _) {
            throw SpecError(path: path, reason: "is \(bytes) bytes; a spec may be at most \(SpecLimits.maxBytes) bytes (1 MiB)")
        } catch .notRegular(_, let what) {
            throw SpecError(path: path, reason: "is \(what), not \(kind)")
        } catch {
            throw SpecError(path: path, reason: error.reason)
        }
        if isJSON(name: path) { return try parseJSON(data, file: path) }
        guard let text = String(validating: data, as: UTF8.self) else { throw SpecError(path: path, reason: "is not UTF-8 text") }
        return try parseYAML(text, file: path)
    }

    /// Parses spec text as its file's name says: JSON when `file` ends in `.json`, as `load`
    /// reads that file, else YAML. A SUBMIT's `specText` is read this way with its `specName`,
    /// so a spec the farm accepts is one `validate` accepts.
    public static func parse(_ text: String, file: String) throws(SpecError) -> SpecValue {
        isJSON(name: file) ? try parseJSON(Data(text.utf8), file: file) : try parseYAML(text, file: file)
    }

    /// Whether a spec file of this name is read as JSON.
    public static func isJSON(name: String) -> Bool {
        URL(fileURLWithPath: name).pathExtension.lowercased() == "json"
    }
}
