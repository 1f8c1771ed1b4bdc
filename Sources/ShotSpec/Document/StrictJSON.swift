import Foundation

/// The strict JSON check of `.json` specs: the JSON grammar (`JSONGrammar`: no trailing commas,
/// comments, single quotes or bare words) with nesting bounded by `SpecLimits.maxDepth`, and
/// errors in a spec author's words naming the line and column.
enum StrictJSON {
    static func check(_ bytes: [UInt8], file: String) throws(SpecError) {
        let fault: JSONGrammar.Fault? = bytes.withUnsafeBytes { raw in
            do throws(JSONGrammar.Fault) {
                _ = try JSONGrammar.scan(raw, maxDepth: SpecLimits.maxDepth)
                return nil
            } catch {
                return error
            }
        }
        guard let fault else { return }
        var line = 1, column = 1
        for c in bytes[..<min(fault.offset, bytes.count)] {
            if c == 0x0A { line += 1; column = 1 } else if c & 0xC0 != 0x80 { column += 1 }
        }
        throw SpecError(path: file, reason: "not valid JSON: \(reason(fault.problem)) at line \(line), column \(column)")
    }

    static func reason(_ problem: JSONGrammar.Problem) -> String {
        switch problem {
        case .empty: "the file is empty"
        case .expectedValue(nil): "unexpected end of input: expected a value"
        case .expectedValue(let c?): "expected a value, found \(describe(c))"
        case .expectedKey(nil, _): "unexpected end of input: expected a key"
        case .expectedKey(let c?, _): "expected a quoted key, found \(describe(c))"
        case .expectedColon: "expected ':' after the key"
        case .expectedCommaOrClose(let object, nil): "unexpected end of input: \(object ? "an object" : "an array") is not closed"
        case .expectedCommaOrClose(let object, let c?): "expected ',' or '\(object ? "}" : "]")', found \(describe(c))"
        case .trailingComma(let object): "trailing comma before '\(object ? "}" : "]")'"
        case .tooDeep(let limit): "lists and mappings nest more than \(limit) levels deep"
        case .trailingContent(let c): "unexpected \(describe(c)) after the JSON value"
        case .controlCharacter(let c): "control character \(describe(c)) inside a string; escape it"
        case .unknownEscape(let c) where (0x21..<0x7F).contains(c): "unknown escape '\\\(Character(UnicodeScalar(c)))' in a string"
        case .unknownEscape(let c): "unknown escape: '\\' followed by \(describe(c)) in a string"
        case .badUnicodeEscape: "\\u must be followed by four hex digits"
        case .loneLowSurrogate: "\\u escape of a low surrogate (DC00–DFFF) without a high one before it"
        case .unpairedHighSurrogate: "\\u escape of a high surrogate (D800–DBFF) not followed by an escaped low one"
        case .unterminatedString: "unexpected end of input inside a string"
        case .numberNeedsDigits: "a number needs digits"
        case .leadingZero: "numbers must not have leading zeros"
        case .fractionNeedsDigits: "a decimal point must be followed by digits"
        case .exponentNeedsDigits: "an exponent needs digits"
        case .numberTooLarge(let text): "the number \(text) is too large"
        }
    }

    static func describe(_ c: UInt8) -> String {
        (0x21..<0x7F).contains(c) ? "'\(Character(UnicodeScalar(c)))'" : String(format: "byte 0x%02X", c)
    }
}
