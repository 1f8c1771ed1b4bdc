import Foundation
import ShotSpec

/// Whether a message body is one JSON text (RFC 8259), checked byte by byte without building
/// anything: the check every received message passes before any field of it is decoded, so a
/// member that no command reads can hold nothing invalid either. The grammar is ShotSpec's
/// `JSONGrammar`, the one `.json` specs are checked with; this is the wire's side of it: a
/// leading UTF-8 byte order mark is skipped (RFC 8259 §8.1 allows ignoring it), nesting stops at
/// `maxDepth`, and a fault is worded for the coordinator's log with its byte offset.
///
/// It accepts what Foundation's `JSONSerialization` accepts (which it replaced on the wire: that
/// built every value as an object first, the larger part of a node's time per TASK), except a
/// comma before `}` or `]`, which RFC 8259 does not allow and `JSONSerialization` lets through.
/// `FuzzWire` holds the two to that on every input (`allowTrailingCommas` is there for it).
///
/// The bytes must already be valid UTF-8 (`isUTF8`), as the wire checks first.
enum JSONCheck {
    /// Arrays and objects nested deeper than this are refused (JSONSerialization's limit).
    static let maxDepth = 512

    /// Why a body is not JSON: where, and what was expected there.
    struct Problem: Error, Equatable, CustomStringConvertible {
        /// Byte offset into the body.
        var offset: Int
        var reason: String

        var description: String { "at byte \(offset): \(reason)" }
    }

    typealias Kind = JSONGrammar.Kind

    /// Checks that `bytes` are exactly one JSON value with optional whitespace around it, and
    /// says what kind of value.
    static func check(_ bytes: UnsafeRawBufferPointer, allowTrailingCommas: Bool = false) throws(Problem) -> Kind {
        let mark = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        let text = UnsafeRawBufferPointer(rebasing: bytes[mark...])
        do {
            return try JSONGrammar.scan(text, maxDepth: maxDepth, allowTrailingCommas: allowTrailingCommas)
        } catch {
            let reason = Self.reason(error.problem)
            throw Problem(offset: mark + error.offset, reason: error.offset < text.count ? reason : reason + " (the body ends there)")
        }
    }

    static func check(_ data: Data, allowTrailingCommas: Bool = false) throws(Problem) -> Kind {
        let result: Result<Kind, Problem> = data.withUnsafeBytes { bytes in
            do throws(Problem) { return .success(try check(bytes, allowTrailingCommas: allowTrailingCommas)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// A fault in the log's words: what was expected where.
    static func reason(_ problem: JSONGrammar.Problem) -> String {
        switch problem {
        case .empty, .expectedValue: "expected a value"
        case .expectedKey(_, let orClose): orClose ? "expected a member name in quotes or '}'" : "expected a member name in quotes"
        case .expectedColon: "expected ':'"
        case .expectedCommaOrClose(let object, nil): "expected ',' or the end of the \(object ? "object" : "array")"
        case .expectedCommaOrClose(let object, _?): "expected ',' or '\(object ? "}" : "]")'"
        case .trailingComma(let object): object ? "expected a member name in quotes" : "expected a value"
        case .tooDeep(let limit): "more than \(limit) arrays and objects inside one another"
        case .trailingContent: "expected the end of the body after its value"
        case .controlCharacter(let c): "a control character (\(c)) must be escaped in a string"
        case .unknownEscape(let c) where (0x21..<0x7F).contains(c): "'\\\(Character(Unicode.Scalar(c)))' is not a JSON escape"
        case .unknownEscape(let c): "'\\' followed by byte \(c) is not a JSON escape"
        case .badUnicodeEscape: "expected four hex digits after '\\u'"
        case .loneLowSurrogate: "\\u escape of a low surrogate without a high one before it"
        case .unpairedHighSurrogate: "\\u escape of a high surrogate not followed by an escaped low one"
        case .unterminatedString: "expected '\"' to end the string"
        case .numberNeedsDigits: "expected a digit"
        case .leadingZero: "a number may not start with 0 and another digit"
        case .fractionNeedsDigits: "expected a digit after '.'"
        case .exponentNeedsDigits: "expected a digit in the exponent"
        case .numberTooLarge(let text): "the number \(text) is too large for a Double"
        }
    }

    /// Whether `data` is valid UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF),
    /// as `String(data:encoding: .utf8)` decides, without making the string.
    static func isUTF8(_ data: Data) -> Bool {
        data.withUnsafeBytes { bytes in
            var i = 0
            let n = bytes.count
            while i < n {
                // Eight ASCII bytes at a time.
                if i + 8 <= n, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                    continue
                }
                let b0 = bytes[i]
                if b0 < 0x80 {
                    i += 1
                    continue
                }
                let length: Int, low: UInt8, high: UInt8
                switch b0 {
                case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
                case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
                case 0xE1...0xEC, 0xEE...0xEF: (length, low, high) = (3, 0x80, 0xBF)
                case 0xED: (length, low, high) = (3, 0x80, 0x9F)
                case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
                case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
                case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
                default: return false
                }
                guard i + length <= n, (low...high).contains(bytes[i + 1]) else { return false }
                for k in 2..<max(2, length) where !(0x80...0xBF).contains(bytes[i + k]) { return false }
                i += length
            }
            return true
        }
    }
}
