import Foundation
import Yams

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
        case .string(let s, _): return Self.quote(s)
        case .number(let d, _, _):
            if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
            return "\(d)"
        case .bool(let b, _): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items, _): return "[" + items.map(\.canonicalJSON).joined(separator: ",") + "]"
        case .object(let pairs, _):
            let body = pairs.sorted { $0.key < $1.key }.map { Self.quote($0.key) + ":" + $0.value.canonicalJSON }
            return "{" + body.joined(separator: ",") + "}"
        }
    }

    private static func quote(_ s: String) -> String {
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
    /// Parses YAML text (JSON is accepted too, being a subset in practice).
    public static func parseYAML(_ text: String, file: String) throws(SpecError) -> SpecValue {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw SpecError(path: file, reason: "not valid YAML: \(Self.describe(error))")
        } catch {
            throw SpecError(path: file, reason: "not valid YAML: \(error)")
        }
        guard let node else { throw SpecError(path: file, reason: "the file is empty") }
        return try convert(node, file: file)
    }

    /// Parses JSON text: checked as strict JSON first (for JSON-specific messages), then read
    /// through the same YAML composer so JSON specs get line numbers too.
    public static func parseJSON(_ data: Data, file: String) throws(SpecError) -> SpecValue {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw SpecError(path: file, reason: "not valid JSON: \(detail)")
        }
        let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\t", with: " ")
        return try parseYAML(text, file: file)
    }

    private static func describe(_ error: YamlError) -> String {
        func join(_ context: YamlError.Context?, _ problem: String, _ mark: Mark) -> String {
            // libyaml's context ("while parsing a flow sequence") and problem read as one run-on line unless separated.
            let lead = context.map { $0.text.isEmpty ? "" : "\($0.text): " } ?? ""
            return "\(lead)\(problem) at line \(mark.line), column \(mark.column)"
        }
        switch error {
        case .scanner(let context, let problem, let mark, _): return join(context, problem, mark)
        case .parser(let context, let problem, let mark, _): return join(context, problem, mark)
        case .composer(let context, let problem, let mark, _): return join(context, problem, mark)
        default: return "\(error)"
        }
    }

    private static func convert(_ node: Node, file: String) throws(SpecError) -> SpecValue {
        let line = node.mark.map { $0.line }
        switch node {
        case .scalar(let scalar):
            return scalarValue(scalar, line: line)
        case .sequence(let seq):
            var items: [SpecValue] = []
            for child in seq { items.append(try convert(child, file: file)) }
            return .array(items, line: line)
        case .mapping(let map):
            var pairs: [(key: String, value: SpecValue)] = []
            var seen = Set<String>()
            for (key, value) in map {
                guard let name = key.scalar?.string else {
                    throw SpecError(path: file, reason: "mapping keys must be plain strings", line: key.mark?.line)
                }
                if !seen.insert(name).inserted {
                    throw SpecError(path: file, reason: "key '\(name)' appears twice", line: key.mark?.line)
                }
                pairs.append((name, try convert(value, file: file)))
            }
            return .object(pairs, line: line)
        }
    }

    private static func scalarValue(_ scalar: Node.Scalar, line: Int?) -> SpecValue {
        let text = scalar.string
        // Quoted scalars are always strings; plain ones resolve like YAML 1.2's core schema.
        if scalar.style == .plain {
            switch text {
            case "true", "True", "TRUE": return .bool(true, line: line)
            case "false", "False", "FALSE": return .bool(false, line: line)
            case "null", "Null", "NULL", "~", "": return .null(line: line)
            default: break
            }
            if let number = Double(text), text.rangeOfCharacter(from: .letters.subtracting(CharacterSet(charactersIn: "eE"))) == nil {
                return .number(number, text: text, line: line)
            }
        }
        return .string(text, line: line)
    }
}
