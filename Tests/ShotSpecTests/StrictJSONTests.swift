import Foundation
@testable import ShotSpec
import TestSupport
import Testing

/// The `.json` spec check scans with the wire's grammar (`JSONGrammar`), so it must give
/// Foundation's `JSONSerialization`, the authority, the same verdict on the grammar's edges,
/// except a comma before `}` or `]` (RFC 8259 has none; only `JSONSerialization` lets it through)
/// and a leading byte order mark (`SpecValue.parseJSON` drops one before the check).
@Suite struct StrictJSONTests {
    static func specAccepts(_ text: String) -> Bool {
        (try? StrictJSON.check(Array(text.utf8), file: "edge.json")) != nil
    }

    @Test func everyEdgeCaseGetsJSONSerializationsVerdict() {
        var compared = 0
        for text in JSONEdgeCases.texts where !text.hasPrefix("\u{feff}") {
            let foundation = JSONEdgeCases.foundationAccepts(Data(text.utf8))
            let trailingComma = text.contains(",}") || text.contains(",]")
            #expect(Self.specAccepts(text) == (foundation && !trailingComma), "\(text.debugDescription)")
            compared += 1
        }
        #expect(compared > 90)
    }

    /// Faults the spec check did not find before it shared the wire's grammar: a lone surrogate
    /// escape (libyaml then refused it, naming a column past the escape) and a number beyond
    /// Double (read as infinity, then refused or not by each field's own range check).
    @Test func surrogatesAndHugeNumbersAreRefusedWhereTheyStand() throws {
        let folder = try TemporaryFolder()
        let cases: [(String, String)] = [
            (#"{"show": "\ud800", "shot": "s010"}"#, "not valid JSON: \\u escape of a high surrogate (D800–DBFF) not followed by an escaped low one at line 1, column 11"),
            (#"{"show": "\udc00"}"#, "not valid JSON: \\u escape of a low surrogate (DC00–DFFF) without a high one before it at line 1, column 11"),
            ("{\"show\": \"demo\",\n \"fps\": 1e999}", "not valid JSON: the number 1e999 is too large at line 2, column 9"),
            ("{\"resolution\": [64, -36e400]}", "not valid JSON: the number -36e400 is too large at line 1, column 21"),
            ("{\"show\": \"a\\qb\"}", "not valid JSON: unknown escape '\\q' in a string at line 1, column 12"),
        ]
        for (text, reason) in cases {
            let path = folder.write("bad.json", text)
            #expect(throws: SpecError(path: path, reason: reason), "\(text)") { try ShotSpecLoader.load(path: path) }
        }
        // A surrogate pair is one character, and a tiny number is zero: both are JSON.
        #expect(Self.specAccepts(#"{"show": "\ud83c\udfac", "x": 1e-999}"#))
    }
}
