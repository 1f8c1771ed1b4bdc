import Foundation

/// The JSON grammar (RFC 8259), checked byte by byte without building anything: one scanner for
/// every JSON text SceneFarm reads strictly, `.json` shot specs (`StrictJSON`, in spec wording
/// with a line and column) and the body of every wire message (Farm's `JSONCheck`, with a byte
/// offset). A fault says where it is and what is wrong as a value; each caller words it for its
/// readers and chooses its own nesting limit. Iterative, so no input can overflow the stack.
///
/// - whitespace is space, tab, line feed and carriage return only;
/// - strings: no raw control characters (below U+0020); escapes `\" \\ \/ \b \f \n \r \t` and
///   `\uXXXX`, where a high surrogate must be followed by an escaped low one and a low one may not
///   stand alone;
/// - numbers: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, whose value must be a
///   finite Double (`1e999` is refused, `1e-999` is zero);
/// - no comma before `}` or `]`, no comments, no single quotes, no bare words;
/// - at most `maxDepth` arrays and objects inside one another.
///
/// A byte order mark is not JSON here: callers that accept one (RFC 8259 §8.1 allows ignoring
/// it) skip it before scanning. The bytes should be valid UTF-8, which callers check first: the
/// scanner reads only ASCII bytes as syntax and passes any other byte through inside strings.
public enum JSONGrammar {
    /// What the text's one value is, from its first byte.
    public enum Kind: Equatable, Sendable {
        case object, array, string, number, boolean, null
    }

    /// What is wrong at a fault's offset. `found` is the byte there, nil where the text ends.
    public enum Problem: Equatable, Sendable {
        /// Nothing but whitespace.
        case empty
        /// A value should start here (at the top, after `[`, `,` in an array or `:`).
        case expectedValue(found: UInt8?)
        /// A member name in quotes should start here: after `{` (`orClose`: or `}`) or after a comma.
        case expectedKey(found: UInt8?, orClose: Bool)
        case expectedColon(found: UInt8?)
        /// After an element: a comma or the end of the container. `found` nil: it is not closed.
        case expectedCommaOrClose(object: Bool, found: UInt8?)
        /// A comma just before the `}` (object) or `]` here.
        case trailingComma(object: Bool)
        /// An array or object that would be the `limit + 1`-th inside one another opens here.
        case tooDeep(limit: Int)
        /// More than whitespace after the one value.
        case trailingContent(found: UInt8)
        /// A raw control character inside a string.
        case controlCharacter(UInt8)
        /// A backslash (here) followed by a byte that starts no escape.
        case unknownEscape(UInt8)
        /// A `\u` (here) not followed by four hex digits.
        case badUnicodeEscape
        /// A `\u` (here) of a low surrogate with no high one before it.
        case loneLowSurrogate
        /// A `\u` (here) of a high surrogate not followed by an escaped low one.
        case unpairedHighSurrogate
        /// The text ends inside a string.
        case unterminatedString
        /// A `-` not followed by a digit.
        case numberNeedsDigits
        /// A `0` followed by another digit (here).
        case leadingZero
        /// A `.` not followed by a digit.
        case fractionNeedsDigits
        /// An `e` or `E` (and sign) not followed by a digit.
        case exponentNeedsDigits
        /// A number (starting here) beyond Double's range; `text` is the number, shortened to 40 characters.
        case numberTooLarge(text: String)
    }

    /// Where the text stops being JSON, and why.
    public struct Fault: Error, Equatable, Sendable {
        /// Byte offset into the scanned bytes; their count when the text ends too soon.
        public var offset: Int
        public var problem: Problem

        public init(offset: Int, problem: Problem) {
            self.offset = offset
            self.problem = problem
        }
    }

    /// Checks that `bytes` are exactly one JSON value with optional whitespace around it, and
    /// says what kind of value. `allowTrailingCommas` exists only so a fuzz target can compare
    /// the scanner with parsers that accept them.
    public static func scan(_ bytes: UnsafeRawBufferPointer, maxDepth: Int, allowTrailingCommas: Bool = false) throws(Fault) -> Kind {
        var scanner = Scanner(bytes: bytes, maxDepth: maxDepth, allowTrailingCommas: allowTrailingCommas)
        return try scanner.text()
    }

    /// The value of the four hex digits of a `\uXXXX` escape at `start`, nil if they are not four hex digits.
    static func hex4<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at start: Int) -> UInt32? where Bytes.Index == Int {
        guard start >= bytes.startIndex, start + 4 <= bytes.endIndex else { return nil }
        var value: UInt32 = 0
        for k in start..<start + 4 {
            let c = bytes[k]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// A number as a fault shows it: at most 40 characters, then `…`.
    static func shown(number text: String) -> String {
        text.count > 40 ? text.prefix(40) + "…" : text
    }

    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        let maxDepth: Int
        let allowTrailingCommas: Bool
        var i = 0
        /// Arrays and objects open around the scanner.
        private var depth = 0
        private var expect = Expect.value
        /// Bit d of `objects` (word d / 64): whether container d is an object.
        private var objects: [UInt64]

        init(bytes: UnsafeRawBufferPointer, maxDepth: Int, allowTrailingCommas: Bool) {
            self.bytes = bytes
            self.maxDepth = max(0, maxDepth)
            self.allowTrailingCommas = allowTrailingCommas
            objects = [UInt64](repeating: 0, count: (self.maxDepth + 63) / 64)
        }

        private func fault(_ problem: Problem, at offset: Int? = nil) -> Fault {
            Fault(offset: offset ?? i, problem: problem)
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
            /// A value: at the top, after `:`, or after a comma in an array.
            case value
            /// A value or `]`, just after `[`.
            case valueOrEnd
            /// A member name, after a comma in an object.
            case key
            /// A member name or `}`, just after `{`.
            case keyOrEnd
            case colon
            case commaOrEnd
        }

        mutating func text() throws(Fault) -> Kind {
            skipWhitespace()
            let kind: Kind
            switch current {
            case nil: throw fault(.empty)
            case UInt8(ascii: "{"): kind = .object
            case UInt8(ascii: "["): kind = .array
            case UInt8(ascii: "\""): kind = .string
            case UInt8(ascii: "t"), UInt8(ascii: "f"): kind = .boolean
            case UInt8(ascii: "n"): kind = .null
            default: kind = .number
            }
            while true {
                skipWhitespace()
                guard let c = current else { throw fault(endProblem) }
                switch expect {
                case .value, .valueOrEnd:
                    if c == UInt8(ascii: "]"), depth > 0, !isObject {
                        // `[` then `]`, or `,` then `]` (only `.value` follows a comma in an array).
                        if expect == .value, !allowTrailingCommas { throw fault(.trailingComma(object: false)) }
                        close()
                        break
                    }
                    switch c {
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        guard depth < maxDepth else { throw fault(.tooDeep(limit: maxDepth)) }
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
                        throw fault(.expectedValue(found: c))
                    }
                case .key, .keyOrEnd:
                    if c == UInt8(ascii: "}") {
                        if expect == .key, !allowTrailingCommas { throw fault(.trailingComma(object: true)) }
                        close()
                        break
                    }
                    guard c == UInt8(ascii: "\"") else { throw fault(.expectedKey(found: c, orClose: expect == .keyOrEnd)) }
                    try string()
                    expect = .colon
                case .colon:
                    guard c == UInt8(ascii: ":") else { throw fault(.expectedColon(found: c)) }
                    i += 1
                    expect = .value
                case .commaOrEnd:
                    let object = isObject
                    if c == UInt8(ascii: ",") {
                        i += 1
                        expect = object ? .key : .value
                    } else if c == (object ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                        close()
                    } else {
                        throw fault(.expectedCommaOrClose(object: object, found: c))
                    }
                }
                if depth == 0, expect == .commaOrEnd { break }
            }
            skipWhitespace()
            if let c = current { throw fault(.trailingContent(found: c)) }
            return kind
        }

        /// What is missing where the text ends before its value does.
        private var endProblem: Problem {
            switch expect {
            case .value, .valueOrEnd: .expectedValue(found: nil)
            case .key, .keyOrEnd: .expectedKey(found: nil, orClose: expect == .keyOrEnd)
            case .colon: .expectedColon(found: nil)
            case .commaOrEnd: .expectedCommaOrClose(object: isObject, found: nil)
            }
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

        private mutating func literal(_ word: StaticString) throws(Fault) {
            let n = word.utf8CodeUnitCount
            guard i + n <= bytes.count else { throw fault(.expectedValue(found: current)) }
            for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw fault(.expectedValue(found: current)) }
            i += n
        }

        /// From the opening quote to just past the closing one.
        private mutating func string() throws(Fault) {
            i += 1
            while true {
                guard i < bytes.count else { throw fault(.unterminatedString) }
                let c = bytes[i]
                if c == UInt8(ascii: "\"") {
                    i += 1
                    return
                }
                if c < 0x20 { throw fault(.controlCharacter(c)) }
                guard c == UInt8(ascii: "\\") else {
                    i += 1
                    continue
                }
                guard i + 1 < bytes.count else { throw fault(.unterminatedString, at: bytes.count) }
                switch bytes[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 2
                case UInt8(ascii: "u"):
                    let unit = try hex4(at: i + 2)
                    if (0xDC00...0xDFFF).contains(unit) { throw fault(.loneLowSurrogate) }
                    if (0xD800...0xDBFF).contains(unit) {
                        let low = i + 6
                        guard low + 1 < bytes.count, bytes[low] == UInt8(ascii: "\\"), bytes[low + 1] == UInt8(ascii: "u"),
                              let unit = try? hex4(at: low + 2), (0xDC00...0xDFFF).contains(unit) else {
                            throw fault(.unpairedHighSurrogate)
                        }
                        i = low
                    }
                    i += 6
                default:
                    throw fault(.unknownEscape(bytes[i + 1]))
                }
            }
        }

        /// The four hex digits from `start`, or a fault at the `\u` before them.
        private func hex4(at start: Int) throws(Fault) -> UInt32 {
            guard let value = JSONGrammar.hex4(bytes, at: start) else { throw fault(.badUnicodeEscape) }
            return value
        }

        private mutating func digits() -> Int {
            let start = i
            while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
            return i - start
        }

        private mutating func number() throws(Fault) {
            let start = i
            if bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard let first = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { throw fault(.numberNeedsDigits) }
            let integerDigits: Int
            if first == UInt8(ascii: "0") {
                i += 1
                integerDigits = 1
                if let next = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next) { throw fault(.leadingZero) }
            } else {
                integerDigits = digits()
            }
            if current == UInt8(ascii: ".") {
                i += 1
                guard digits() > 0 else { throw fault(.fractionNeedsDigits) }
            }
            var exponent = false
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                exponent = true
                i += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { i += 1 }
                guard digits() > 0 else { throw fault(.exponentNeedsDigits) }
            }
            // Below 10^300 without an exponent a number is finite; otherwise ask strtod, as
            // Foundation does.
            guard exponent || integerDigits > 300 else { return }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            guard let value = Double(text), value.isFinite else {
                throw fault(.numberTooLarge(text: JSONGrammar.shown(number: text)), at: start)
            }
        }
    }
}
