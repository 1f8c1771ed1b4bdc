import Foundation

/// Texts at the edges of the JSON grammar (RFC 8259), for the tests that hold a JSON check to
/// Foundation's `JSONSerialization`, the authority on what is JSON: the wire's body check
/// (FarmTests) and the `.json` spec check (ShotSpecTests) scan with the same grammar.
public enum JSONEdgeCases {
    /// What `JSONSerialization` says of `data`: accepted or not (fragments allowed).
    public static func foundationAccepts(_ data: Data) -> Bool {
        (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil
    }

    public static let texts: [String] = [
        "{}", " {} ", "\t\r\n{}\n", "[]", "\"s\"", "1", "-0", "null", "true", "false", "", " ", "{} {}", "{}x", "{\"a\":1}\u{0}",
        // numbers
        "{\"a\":1e999}", "{\"a\":-1e999}", "{\"a\":1e-999}", "{\"a\":01}", "{\"a\":-01}", "{\"a\":00}", "{\"a\":-0}", "{\"a\":1.}",
        "{\"a\":.5}", "{\"a\":1e}", "{\"a\":1e+}", "{\"a\":+1}", "{\"a\":-}", "{\"a\":- 1}", "{\"a\":0.}", "{\"a\":0e5}", "{\"a\":1E+2}",
        "{\"a\":1.5E-3}", "{\"a\":1e5.5}", "{\"a\":123456789012345678901234567890}", "{\"a\":1.7976931348623157e308}",
        "{\"a\":1.7976931348623159e308}", "{\"a\":18446744073709551616}", "{\"a\":-9223372036854775809}", "{\"a\":NaN}",
        "{\"a\":Infinity}", "{\"a\":" + String(repeating: "9", count: 309) + "}", "{\"a\":" + String(repeating: "9", count: 308) + "}",
        "{\"a\":0." + String(repeating: "0", count: 400) + "1e400}",
        // strings and escapes
        "{\"a\":\"\\q\"}", "{\"a\":\"\\u00e9\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}", "{\"a\":\"\\ud800\\udc00\"}",
        "{\"a\":\"\\ud800x\"}", "{\"a\":\"\\ud800\\u0041\"}", "{\"a\":\"\\u0000\"}", "{\"a\":\"\t\"}", "{\"a\":\"\u{7f}\"}",
        "{\"a\":\"\\/\"}", "{\"a\":\"\\uD834\\uDD1E\"}", "{\"a\":\"\\uZZZZ\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\U0041\"}",
        "{\"a\":\"\\\"\"}", "{\"a\":\"\\b\\f\\n\\r\\t\\\\\"}", "{\"a\": \"\u{2028}é😀\"}", "{\"a\":\"x\"\"y\"}", "{\"a\":\"unterminated}",
        "{\"a\":\"\\", "{\"\":1}",
        // structure
        "{\"a\":tru}", "{\"a\":true}", "{\"a\":nul}", "{\"a\":falsey}", "{,}", "[,]", "[1,,2]", "{'a':1}", "{1:2}", "{\"a\" 1}",
        "{\"a\":1 \"b\":2}", "{\"a\":[1 2]}", "{\"a\" :1 , \"a\":2}", "{\"a\":{}}", "{\"a\":[{},[]]}", "{\"a\":[", "{\"a\":{\"b\":",
        "{\"a\"", "{\"a\":", "[1,2", "\u{0b}{}", "\u{0c}{}", "\u{feff}{}", "\u{feff}\u{feff}{}", " \u{feff}{}",
        // trailing commas: only JSONSerialization accepts them
        "{\"a\":null,}", "{\"a\":[1,]}", "[1,]", "{\"a\":1,}", "{\"a\":[1,],}",
    ]
}
