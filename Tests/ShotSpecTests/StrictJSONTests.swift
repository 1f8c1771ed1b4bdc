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

/// A `.json` spec is read through libyaml (for line numbers), whose double-quoted strings differ
/// from JSON's in a few characters. What a spec's string holds must be what JSON says it holds,
/// by `JSONSerialization`'s reading of the same text, and must come back the same from the
/// canonical JSON every node reads the job's spec from.
@Suite struct JSONSpecStringsTests {
    /// String bodies as they stand between the quotes of a JSON text.
    static let bodies: [(String, String)] = [
        ("a surrogate pair, as Python's json.dumps writes U+1F3AC", #"clap \ud83c\udfac board"#),
        ("the first and last surrogate pairs", #"\ud800\udc00 \uDBFF\uDFFF"#),
        ("a character beyond U+FFFF written raw", "clap \u{1F3AC} board"),
        ("raw line and paragraph separators and NEL", "a\u{2028}b\u{2029}c\u{85}d"),
        ("the same escaped", #"a\u2028b\u2029c\u0085d"#),
        ("raw DEL and C1 controls", "a\u{7F}b\u{80}c\u{9F}d"),
        ("the same escaped", #"a\u007fb\u0080c\u009Fd"#),
        ("raw and escaped byte order marks and non-characters", "a\u{FEFF}b\u{FFFE}c\u{FFFF}d" + #" \ufeff\ufffe\uffff"#),
        ("an escaped backslash before text that looks like an escape", #"C:\\ud83c\\udfac\\u2028"#),
        ("JSON's other escapes", #"\"\\\/\b\f\n\r\t\u0000\u001f é"#),
    ]

    static func spec(_ body: String) -> String {
        #"{"show": "demo", "shot": "s010", "fps": 24, "frames": {"count": 2}, "resolution": [32, 18], "#
            + #""generator": {"name": "testpattern", "params": {"k": ""# + body + #"", ""# + body + #"": 1}}}"#
    }

    static func params(_ document: SpecValue) -> [(key: String, value: SpecValue)] {
        guard case .object(let top, _) = document, case .object(let generator, _)? = top.first(where: { $0.key == "generator" })?.value,
              case .object(let params, _)? = generator.first(where: { $0.key == "params" })?.value else { return [] }
        return params
    }

    @Test(arguments: bodies) func aStringHoldsWhatJSONSerializationReads(_ what: String, _ body: String) throws {
        let text = Self.spec(body)
        let foundation = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let expected = try #require(((foundation["generator"] as? [String: Any])?["params"] as? [String: Any])?["k"] as? String)
        let document = try SpecValue.parseJSON(Data(text.utf8), file: "strings.json")
        let params = Self.params(document)
        guard case .string(let value, _)? = params.first(where: { $0.key == "k" })?.value else {
            Issue.record("\(what): no string 'k' in \(params)")
            return
        }
        #expect(Array(value.unicodeScalars) == Array(expected.unicodeScalars), "\(what): \(value.debugDescription) for \(expected.debugDescription)")
        #expect(params.map(\.key).contains { Array($0.unicodeScalars) == Array(expected.unicodeScalars) }, "\(what): the key")
        // What a node reads: the canonical JSON, through the same reader.
        let again = try SpecValue.parseJSON(Data(document.canonicalJSON.utf8), file: "job")
        guard case .string(let read, _)? = Self.params(again).first(where: { $0.key == "k" })?.value else {
            Issue.record("\(what): no string 'k' after the canonical JSON")
            return
        }
        #expect(Array(read.unicodeScalars) == Array(expected.unicodeScalars), "\(what): after the canonical JSON, \(read.debugDescription)")
    }

    /// The coordinator reads a SUBMIT's `specText` by its `specName`: a `.json` name is JSON, as
    /// `validate` reads the file (a stranger's client could otherwise submit what validate refuses).
    @Test func submittedTextIsReadAsItsNameSays() throws {
        let base = URL(fileURLWithPath: NSTemporaryDirectory())
        let trailing = #"{"show": "demo", "shot": "s010", "fps": 24, "frames": {"count": 2}, "resolution": [32, 18],}"#
        #expect(throws: SpecError(path: "shot.JSON", reason: "not valid JSON: trailing comma before '}' at line 1, column 92")) {
            try ShotSpecLoader.parse(trailing, baseDirectory: base, name: "shot.JSON")
        }
        // YAML's flow mappings allow that comma: a `.yaml` name reads it as YAML, as before.
        #expect(try ShotSpecLoader.parse(trailing, baseDirectory: base, name: "shot.yaml").shot == "s010")
        let pair = #"{"show": "demo", "shot": "s010", "fps": 24, "frames": {"count": 2}, "resolution": [32, 18], "scene": "s010", "generator": {"name": "testpattern", "params": {"k": "\ud83c\udfac"}}}"#
        #expect(throws: Never.self) { try ShotSpecLoader.parse(pair, baseDirectory: base, name: "/farm/shots/a.json") }
    }

    /// A YAML spec may spell characters that YAML's own reader refuses or folds when raw (YAML 1.1
    /// §5.7: `\x7f`, `\x80`, `\N` = U+0085, `\L` = U+2028, `\P` = U+2029); the canonical JSON a
    /// node reads holds them raw, and must read back to them.
    @Test func yamlEscapesSurviveTheCanonicalJSON() throws {
        let yaml = BadSpec.base + #"generator: {name: testpattern, params: {k: "a\x7fb\x80c\Nd\Le\Pf\U0001F3ACg"}}"# + "\n"
        let spec = try ShotSpecLoader.parse(yaml, baseDirectory: URL(fileURLWithPath: NSTemporaryDirectory()), name: "escapes.yaml")
        let expected: [Unicode.Scalar] = ["a", "\u{7F}", "b", "\u{80}", "c", "\u{85}", "d", "\u{2028}", "e", "\u{2029}", "f", "\u{1F3AC}", "g"]
        for document in [spec.document, try SpecValue.parseJSON(Data(spec.document.canonicalJSON.utf8), file: "job")] {
            guard case .string(let value, _)? = Self.params(document).first(where: { $0.key == "k" })?.value else {
                Issue.record("no string 'k'")
                continue
            }
            #expect(Array(value.unicodeScalars) == expected, "\(value.debugDescription)")
        }
    }

    /// A raw U+2028 was a line break to libyaml: the lines of fields after it were off by one.
    @Test func aRawLineSeparatorDoesNotMoveTheLinesAfterIt() throws {
        let folder = try TemporaryFolder()
        let text = "{\"generator\": {\"name\": \"testpattern\", \"params\": {\"k\": \"a\u{2028}b\"}},\n"
            + " \"show\": \"demo\", \"shot\": \"s010\", \"fps\": -1, \"frames\": {\"count\": 2}, \"resolution\": [32, 18]}"
        let path = folder.write("ls.json", text)
        do {
            _ = try ShotSpecLoader.load(path: path)
            Issue.record("a frame rate of -1 loaded")
        } catch {
            #expect(error.path == "shot.fps" && error.line == 2, "\(error)")
        }
    }
}
