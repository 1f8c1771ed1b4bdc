import Foundation

/// Whether a message body is one JSON text (RFC 8259), checked byte by byte without building
/// anything: the check every received message passes before any field of it is decoded, so a
/// member that no command reads can hold nothing invalid either.
///
/// It accepts what Foundation's `JSONSerialization` accepts (which it replaced on the wire: that
/// built every value as an object first, the larger part of a node's time per TASK), except a
/// comma before `}` or `]`, which RFC 8259 does not allow and `JSONSerialization` lets through.
/// `FuzzWire` holds the two to that on every input (`allowTrailingCommas` is there for it):
///
/// - a leading UTF-8 byte order mark is skipped (RFC 8259 §8.1 allows ignoring it);
/// - whitespace is space, tab, line feed and carriage return only;
/// - strings: no raw control characters (below U+0020); escapes `\" \\ \/ \b \f \n \r \t` and
///   `\uXXXX`, where a high surrogate must be followed by an escaped low one and a low one may not
///   stand alone;
/// - numbers: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, whose value must be a
///   finite Double (`1e999` is refused, `1e-999` is zero);
/// - at most `maxDepth` arrays and objects inside one another.
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

    /// What the text's one value is, from its first byte.
    enum Kind: Equatable {
        case object, array, string, number, boolean, null
    }

    /// Checks that `bytes` are exactly one JSON value with optional whitespace around it, and
    /// says what kind of value.
    static func check(_ bytes: UnsafeRawBufferPointer, allowTrailingCommas: Bool = false) throws(Problem) -> Kind {
        var scanner = Scanner(bytes: bytes, allowTrailingCommas: allowTrailingCommas)
        return try scanner.text()
    }

    static func check(_ data: Data, allowTrailingCommas: Bool = false) throws(Problem) -> Kind {
        let result: Result<Kind, Problem> = data.withUnsafeBytes { bytes in
            do throws(Problem) { return .success(try check(bytes, allowTrailingCommas: allowTrailingCommas)) } catch { return .failure(error) }
        }
        return try result.get()
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

    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        let allowTrailingCommas: Bool
        var i = 0
        /// Arrays and objects open around the scanner.
        private var depth = 0
        private var expect = Expect.value
        /// Bit d of `objects` (word d / 64): whether container d is an object.
        private var objects = [UInt64](repeating: 0, count: (JSONCheck.maxDepth + 63) / 64)

        init(bytes: UnsafeRawBufferPointer, allowTrailingCommas: Bool) {
            self.bytes = bytes
            self.allowTrailingCommas = allowTrailingCommas
        }

        private func problem(_ reason: String) -> Problem {
            Problem(offset: i, reason: i < bytes.count ? reason : reason + " (the body ends there)")
        }

        private var current: UInt8? { i < bytes.count ? bytes[i] : nil }

        private mutating func skipWhitespace() {
            while i < bytes.count {
                switch bytes[i] {
                case 0x20, 0x09, 0x0A, 0x0D: i += 1
                default: return
                }
            }
        }

        /// Where the scanner is, between values.
        private enum Expect {
            case value, valueOrEnd, key, keyOrEnd, colon, commaOrEnd
        }

        mutating func text() throws(Problem) -> Kind {
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
            skipWhitespace()
            let kind: Kind
            switch current {
            case UInt8(ascii: "{"): kind = .object
            case UInt8(ascii: "["): kind = .array
            case UInt8(ascii: "\""): kind = .string
            case UInt8(ascii: "t"), UInt8(ascii: "f"): kind = .boolean
            case UInt8(ascii: "n"): kind = .null
            default: kind = .number
            }
            while true {
                skipWhitespace()
                guard let c = current else {
                    throw problem(depth == 0 ? "expected a value" : expect == .colon ? "expected ':'" : "expected ',' or the end of the \(isObject ? "object" : "array")")
                }
                switch expect {
                case .value, .valueOrEnd:
                    if c == UInt8(ascii: "]"), expect == .valueOrEnd {
                        close()
                        break
                    }
                    switch c {
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        guard depth < JSONCheck.maxDepth else { throw problem("more than \(JSONCheck.maxDepth) arrays and objects inside one another") }
                        let object = c == UInt8(ascii: "{")
                        if object { objects[depth >> 6] |= 1 << UInt64(depth & 63) } else { objects[depth >> 6] &= ~(1 << UInt64(depth & 63)) }
                        depth += 1
                        i += 1
                        expect = object ? .keyOrEnd : .valueOrEnd
                    case UInt8(ascii: "\""):
                        try string()
                        expect = .commaOrEnd
                    case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                        try literal(c == UInt8(ascii: "t") ? "true" : c == UInt8(ascii: "f") ? "false" : "null")
                        expect = .commaOrEnd
                    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                        try number()
                        expect = .commaOrEnd
                    default:
                        throw problem("expected a value")
                    }
                case .key, .keyOrEnd:
                    if c == UInt8(ascii: "}"), expect == .keyOrEnd {
                        close()
                        break
                    }
                    guard c == UInt8(ascii: "\"") else { throw problem(expect == .keyOrEnd ? "expected a member name in quotes or '}'" : "expected a member name in quotes") }
                    try string()
                    expect = .colon
                case .colon:
                    guard c == UInt8(ascii: ":") else { throw problem("expected ':'") }
                    i += 1
                    expect = .value
                case .commaOrEnd:
                    let object = isObject
                    if c == UInt8(ascii: ",") {
                        i += 1
                        expect = object ? (allowTrailingCommas ? .keyOrEnd : .key) : (allowTrailingCommas ? .valueOrEnd : .value)
                    } else if c == (object ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                        close()
                    } else {
                        throw problem("expected ',' or '\(object ? "}" : "]")'")
                    }
                }
                if depth == 0, expect == .commaOrEnd { break }
            }
            skipWhitespace()
            guard i == bytes.count else { throw problem("expected the end of the body after its value") }
            return kind
        }

        /// Whether the innermost open container is an object.
        private var isObject: Bool {
            depth > 0 && objects[(depth - 1) >> 6] & (1 << UInt64((depth - 1) & 63)) != 0
        }

        /// Past the `]` or `}` that closes the innermost container.
        private mutating func close() {
            i += 1
            depth -= 1
            expect = .commaOrEnd
        }

        private mutating func literal(_ word: StaticString) throws(Problem) {
            let n = word.utf8CodeUnitCount
            guard i + n <= bytes.count else { throw problem("expected a value") }
            for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw problem("expected a value") }
            i += n
        }

        /// From the opening quote to just past the closing one.
        private mutating func string() throws(Problem) {
            i += 1
            while true {
                guard i < bytes.count else { throw problem("expected '\"' to end the string") }
                let c = bytes[i]
                if c == UInt8(ascii: "\"") {
                    i += 1
                    return
                }
                if c < 0x20 { throw problem("a control character (\(c)) must be escaped in a string") }
                guard c == UInt8(ascii: "\\") else {
                    i += 1
                    continue
                }
                guard i + 1 < bytes.count else { throw problem("expected an escape after '\\'") }
                switch bytes[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 2
                case UInt8(ascii: "u"):
                    let unit = try hex4(at: i + 2)
                    if (0xDC00...0xDFFF).contains(unit) { throw problem("\\u escape of a low surrogate without a high one before it") }
                    i += 6
                    if (0xD800...0xDBFF).contains(unit) {
                        guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u"),
                              (0xDC00...0xDFFF).contains(try hex4(at: i + 2)) else {
                            throw problem("\\u escape of a high surrogate not followed by an escaped low one")
                        }
                        i += 6
                    }
                default:
                    throw problem("'\\\(Character(Unicode.Scalar(bytes[i + 1])))' is not a JSON escape")
                }
            }
        }

        private func hex4(at start: Int) throws(Problem) -> UInt32 {
            guard start + 4 <= bytes.count else { throw problem("expected four hex digits after '\\u'") }
            var value: UInt32 = 0
            for k in start..<start + 4 {
                let c = bytes[k]
                let digit: UInt8
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
                default: throw problem("expected four hex digits after '\\u'")
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }

        private mutating func digits() -> Int {
            let start = i
            while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
            return i - start
        }

        private mutating func number() throws(Problem) {
            let start = i
            if bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard let first = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { throw problem("expected a digit") }
            let integerDigits: Int
            if first == UInt8(ascii: "0") {
                i += 1
                integerDigits = 1
                if let next = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next) { throw problem("a number may not start with 0 and another digit") }
            } else {
                integerDigits = digits()
            }
            if current == UInt8(ascii: ".") {
                i += 1
                guard digits() > 0 else { throw problem("expected a digit after '.'") }
            }
            var exponent = false
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                exponent = true
                i += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { i += 1 }
                guard digits() > 0 else { throw problem("expected a digit in the exponent") }
            }
            // Below 10^300 without an exponent a number is finite; otherwise ask strtod, as
            // Foundation does.
            guard exponent || integerDigits > 300 else { return }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            guard let value = Double(text), value.isFinite else {
                i = start
                throw problem("the number \(text.count > 40 ? text.prefix(40) + "…" : text) is too large for a Double")
            }
        }
    }
}
