/// Rewrites the strings of a checked JSON text so that libyaml, which reads `.json` specs (and
/// every job's spec on the nodes) to give them line numbers, reads each string as JSON means it.
/// YAML's double-quoted scalars take JSON's escapes except two things:
///
/// - a surrogate pair (`\ud83c\udfac`, how JSON writers such as Python's `json.dumps` spell a
///   character beyond U+FFFF) is refused as an invalid escape; it becomes YAML's `\U0001F3AC`;
/// - raw characters outside YAML's printable set (DEL, the C1 controls U+0080–U+009F, U+FFFE,
///   U+FFFF) are refused, and raw line breaks YAML knows beyond `\n` (NEL U+0085, U+2028, U+2029)
///   are folded into spaces; these, and a stray byte order mark (U+FEFF), become `\uXXXX`.
///
/// Everything else is copied byte for byte, so lines stay where they were. The input must have
/// passed `JSONGrammar` (UTF-8, strings closed, escapes well formed).
enum JSONStringsForYAML {
    static func rewrite(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(where: { $0 == UInt8(ascii: "\\") || $0 >= 0x7F }) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var i = 0, inString = false
        while i < bytes.count {
            let c = bytes[i]
            if !inString {
                if c == UInt8(ascii: "\"") { inString = true }
                out.append(c)
                i += 1
            } else if c == UInt8(ascii: "\"") {
                inString = false
                out.append(c)
                i += 1
            } else if c == UInt8(ascii: "\\") {
                let length = bytes[i + 1] == UInt8(ascii: "u") ? 6 : 2
                if length == 6, let high = JSONGrammar.hex4(bytes, at: i + 2), (0xD800...0xDBFF).contains(high),
                   i + 11 < bytes.count, bytes[i + 6] == UInt8(ascii: "\\"), bytes[i + 7] == UInt8(ascii: "u"),
                   let low = JSONGrammar.hex4(bytes, at: i + 8), (0xDC00...0xDFFF).contains(low) {
                    let scalar = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                    out += Array("\\U\(hex(scalar, digits: 8))".utf8)
                    i += 12
                } else {
                    out += bytes[i..<(i + length)]
                    i += length
                }
            } else if c < 0x7F {
                out.append(c)
                i += 1
            } else if c == 0x7F {
                out += Array("\\u007F".utf8)
                i += 1
            } else {
                let length = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4
                let sequence = bytes[i..<(i + length)]
                let scalar = String(decoding: sequence, as: UTF8.self).unicodeScalars.first!.value
                if Self.escaped(scalar) {
                    out += Array("\\u\(hex(scalar, digits: 4))".utf8)
                } else {
                    out += sequence
                }
                i += length
            }
        }
        return out
    }

    /// Raw characters a YAML double-quoted scalar refuses or folds, which JSON strings may hold.
    static func escaped(_ scalar: UInt32) -> Bool {
        (0x7F...0x9F).contains(scalar) || scalar == 0x2028 || scalar == 0x2029 || scalar == 0xFEFF || scalar == 0xFFFE || scalar == 0xFFFF
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
