import Foundation

/// A strict RFC 8259 grammar check for `.json` specs: no trailing commas, comments, single
/// quotes or bare words, and nesting bounded by `SpecLimits.maxDepth`. Iterative, so no input
/// can overflow the stack; errors name the line and column.
enum StrictJSON {
    static func check(_ bytes: [UInt8], file: String) throws(SpecError) {
        var checker = Checker(bytes: bytes, file: file)
        try checker.document()
    }

    private struct Checker {
        let bytes: [UInt8]
        let file: String
        var index = 0
        /// Open containers: true for an object, false for an array.
        var open: [Bool] = []

        init(bytes: [UInt8], file: String) {
            self.bytes = bytes
            self.file = file
        }

        mutating func document() throws(SpecError) {
            skipSpace()
            guard index < bytes.count else { throw fail("the file is empty") }
            try value()
            while !open.isEmpty {
                skipSpace()
                guard index < bytes.count else { throw fail("unexpected end of input: \(open.last! ? "an object" : "an array") is not closed") }
                let isObject = open.last!
                let c = bytes[index]
                if c == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    index += 1
                    open.removeLast()
                    continue
                }
                guard c == UInt8(ascii: ",") else {
                    throw fail("expected ',' or '\(isObject ? "}" : "]")', found \(describe(c))")
                }
                index += 1
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") || bytes[index] == UInt8(ascii: "]") {
                    throw fail("trailing comma before '\(Character(UnicodeScalar(bytes[index])))'")
                }
                if isObject { try member() } else { try value() }
            }
            skipSpace()
            guard index == bytes.count else { throw fail("unexpected \(describe(bytes[index])) after the JSON value") }
        }

        /// One value; a container is opened and its first element read, the rest by `document`.
        mutating func value() throws(SpecError) {
            skipSpace()
            guard index < bytes.count else { throw fail("unexpected end of input: expected a value") }
            switch bytes[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let isObject = bytes[index] == UInt8(ascii: "{")
                guard open.count < SpecLimits.maxDepth else {
                    throw fail("lists and mappings nest more than \(SpecLimits.maxDepth) levels deep")
                }
                index += 1
                skipSpace()
                if index < bytes.count, bytes[index] == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    index += 1
                    return
                }
                open.append(isObject)
                if isObject { try member() } else { try value() }
            case UInt8(ascii: "\""): try string()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            default: throw fail("expected a value, found \(describe(bytes[index]))")
            }
        }

        mutating func member() throws(SpecError) {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw fail(index < bytes.count ? "expected a quoted key, found \(describe(bytes[index]))" : "unexpected end of input: expected a key")
            }
            try string()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':' after the key") }
            index += 1
            try value()
        }

        mutating func string() throws(SpecError) {
            index += 1
            while index < bytes.count {
                let c = bytes[index]
                switch c {
                case UInt8(ascii: "\""):
                    index += 1
                    return
                case UInt8(ascii: "\\"):
                    index += 1
                    guard index < bytes.count else { break }
                    switch bytes[index] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                         UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        index += 1
                    case UInt8(ascii: "u"):
                        guard index + 4 < bytes.count, bytes[(index + 1)...(index + 4)].allSatisfy(Self.isHexDigit) else {
                            throw fail("\\u must be followed by four hex digits")
                        }
                        index += 5
                    default:
                        throw fail("unknown escape '\\\(Character(UnicodeScalar(bytes[index])))' in a string")
                    }
                case 0..<0x20:
                    throw fail("control character \(describe(c)) inside a string; escape it")
                default:
                    index += 1
                }
            }
            throw fail("unexpected end of input inside a string")
        }

        mutating func literal(_ word: String) throws(SpecError) {
            let expected = Array(word.utf8)
            guard index + expected.count <= bytes.count, Array(bytes[index..<(index + expected.count)]) == expected else {
                throw fail("expected a value, found \(describe(bytes[index]))")
            }
            index += expected.count
        }

        mutating func number() throws(SpecError) {
            let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
            func run(_ i: inout Int) -> Int {
                let start = i
                while i < bytes.count, digits.contains(bytes[i]) { i += 1 }
                return i - start
            }
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, digits.contains(bytes[index]) else { throw fail("a number needs digits") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
                if index < bytes.count, digits.contains(bytes[index]) { throw fail("numbers must not have leading zeros") }
            } else {
                _ = run(&index)
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard run(&index) > 0 else { throw fail("a decimal point must be followed by digits") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard run(&index) > 0 else { throw fail("an exponent needs digits") }
            }
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        static func isHexDigit(_ c: UInt8) -> Bool {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(c)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(c)
        }

        func describe(_ c: UInt8) -> String {
            (0x21..<0x7F).contains(c) ? "'\(Character(UnicodeScalar(c)))'" : String(format: "byte 0x%02X", c)
        }

        func fail(_ problem: String) -> SpecError {
            var line = 1, column = 1
            for c in bytes[..<min(index, bytes.count)] {
                if c == 0x0A { line += 1; column = 1 } else if c & 0xC0 != 0x80 { column += 1 }
            }
            return SpecError(path: file, reason: "not valid JSON: \(problem) at line \(line), column \(column)")
        }
    }
}
