@testable import Farm
import Foundation
import TestSupport
import Testing

/// The wire's body check (`JSONCheck`) against Foundation's `JSONSerialization`, the parser it
/// replaced, as the authority on what is JSON: every verdict must be the same, except a comma
/// before `}` or `]`, which only `JSONSerialization` accepts (RFC 8259 does not). FuzzWire holds
/// the two to the same on every input it makes; these are the cases at the edges of the grammar,
/// and a seeded run of mutated protocol bodies.
@Suite struct JSONCheckTests {
    static func ours(_ data: Data, trailingCommas: Bool) -> Bool {
        (try? JSONCheck.check(data, allowTrailingCommas: trailingCommas)) != nil
    }

    @Test func everyEdgeCaseGetsJSONSerializationsVerdict() {
        for text in JSONEdgeCases.texts {
            let data = Data(text.utf8)
            #expect(Self.ours(data, trailingCommas: true) == JSONEdgeCases.foundationAccepts(data), "\(text.debugDescription)")
        }
    }

    @Test func aCommaBeforeTheEndOfAnArrayOrObjectIsRefused() throws {
        for text in ["{\"a\":null,}", "{\"a\":[1,]}", "[1,]", "{\"a\":[1,],}"] {
            #expect(JSONEdgeCases.foundationAccepts(Data(text.utf8)), "JSONSerialization lets \(text) through")
            #expect(!Self.ours(Data(text.utf8), trailingCommas: false), "\(text)")
        }
        #expect(throws: JSONCheck.Problem(offset: 10, reason: "expected a member name in quotes")) {
            try JSONCheck.check(Data("{\"a\":null,}".utf8))
        }
    }

    @Test func theWireNamesTheByteInItsLogText() {
        #expect(throws: WireError.bodyNotJSON(reason: "at byte 10: expected a member name in quotes")) { try WireMessage.checkBody(Data("{\"a\":null,}".utf8)) }
        #expect(WireError.bodyNotJSON(reason: "at byte 10: expected a member name in quotes").description
                == "frame 3 (body): not JSON: at byte 10: expected a member name in quotes")
        #expect(throws: WireError.bodyNotObject(found: "null")) { try WireMessage.checkBody(Data(" null ".utf8)) }
        #expect(throws: WireError.bodyNotObject(found: "a boolean")) { try WireMessage.checkBody(Data("true".utf8)) }
        #expect(throws: WireError.bodyNotObject(found: "a number")) { try WireMessage.checkBody(Data("-1.5".utf8)) }
        #expect(throws: WireError.bodyNotUTF8) { try WireMessage.checkBody(Data([0x7B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x3A, 0x31, 0x7D])) }
        #expect(throws: Never.self) { try WireMessage.checkBody(Data("\u{feff} {\"a\": [1, {\"b\": \"\\u00e9\"}]}\n".utf8)) }
    }

    @Test func nestingStopsAtJSONSerializationsDepth() {
        for depth in [JSONCheck.maxDepth - 1, JSONCheck.maxDepth, JSONCheck.maxDepth + 1, 10_000] {
            for inner in ["[", "{\"k\":"] {
                let close = inner == "[" ? "]" : "}"
                let data = Data((String(repeating: inner, count: depth) + "0" + String(repeating: close, count: depth)).utf8)
                #expect(Self.ours(data, trailingCommas: true) == JSONEdgeCases.foundationAccepts(data), "depth \(depth) of \(inner)")
                #expect(Self.ours(data, trailingCommas: false) == (depth <= JSONCheck.maxDepth), "depth \(depth) of \(inner)")
            }
        }
    }

    @Test func theProblemSaysWhereAndWhat() {
        let cases: [(String, JSONCheck.Problem)] = [
            ("{\"a\":01}", .init(offset: 6, reason: "a number may not start with 0 and another digit")),
            ("{\"a\":\"\\q\"}", .init(offset: 6, reason: "'\\q' is not a JSON escape")),
            ("{\"a\":\"\t\"}", .init(offset: 6, reason: "a control character (9) must be escaped in a string")),
            ("{\"a\":1e999}", .init(offset: 5, reason: "the number 1e999 is too large for a Double")),
            ("{\"a\":1", .init(offset: 6, reason: "expected ',' or the end of the object (the body ends there)")),
            ("{\"a\":1} x", .init(offset: 8, reason: "expected the end of the body after its value")),
            ("{\"a\" 1}", .init(offset: 5, reason: "expected ':'")),
        ]
        for (text, problem) in cases {
            #expect(throws: problem, "\(text.debugDescription)") { try JSONCheck.check(Data(text.utf8)) }
        }
    }

    /// Bodies of the protocol's messages, each mutated a few thousand times (a byte replaced,
    /// inserted, removed or a span repeated) from a fixed seed: the verdicts must agree.
    @Test func mutatedProtocolBodiesGetJSONSerializationsVerdict() throws {
        let encoder = WireMessage.makeEncoder()
        let job = String(decoding: try encoder.encode(try JobStoreTests.job(id: "j-1")), as: UTF8.self)
        let bodies = [
            #"{"attempt":"a-1","outcome":{"framesWritten":10,"published":null,"seams":[{"score":0.25}]},"note":"\u00e9\ud83d\ude00 \/ \\"}"#,
            #"{"node":"n1","slots":4,"generators":[{"name":"scenelit","version":"1.4.0"}],"memoryBytes":18446744073709551615,"x":-1.5e-7}"#,
            #"{"attempt":"a","job":\#(job),"task":{"kind":"generate","name":"generate-0"}}"#,
        ]
        var generator = SplitMix64(seed: 0x5CE_FA12)
        let alphabet = Array(#"{}[],:"\/bfnrtu0123456789.eE+-aflsn "#.utf8) + [0x00, 0x09, 0x0A, 0x1F, 0xC3, 0xA9]
        var agreed = 0, accepted = 0
        for body in bodies {
            let bytes = Array(body.utf8)
            #expect(Self.ours(Data(bytes), trailingCommas: false) && JSONEdgeCases.foundationAccepts(Data(bytes)), "\(body)")
            for _ in 0..<3000 {
                var mutated = bytes
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    let at = Int.random(in: 0..<mutated.count, using: &generator)
                    switch Int.random(in: 0..<4, using: &generator) {
                    case 0: mutated[at] = alphabet.randomElement(using: &generator)!
                    case 1: mutated.insert(alphabet.randomElement(using: &generator)!, at: at)
                    case 2: if mutated.count > 1 { mutated.remove(at: at) }
                    default: mutated.insert(contentsOf: mutated[at..<min(mutated.count, at + Int.random(in: 1...8, using: &generator))], at: at)
                    }
                }
                let data = Data(mutated)
                guard JSONCheck.isUTF8(data) else { continue }
                let foundation = JSONEdgeCases.foundationAccepts(data)
                #expect(Self.ours(data, trailingCommas: true) == foundation, "\(String(decoding: mutated, as: UTF8.self).debugDescription)")
                agreed += 1
                if foundation { accepted += 1 }
            }
        }
        // The mutations reach both verdicts often enough to mean something.
        #expect(agreed > 6000 && accepted > 300 && agreed - accepted > 3000, "\(agreed) compared, \(accepted) accepted")
    }

    @Test func utf8IsCheckedAsStringDoes() {
        var generator = SplitMix64(seed: 8259)
        var samples: [[UInt8]] = [
            [0xC0, 0xAF], [0xC1, 0xBF], [0xC2, 0x80], [0xE0, 0x80, 0x80], [0xE0, 0xA0, 0x80], [0xED, 0xA0, 0x80], [0xED, 0x9F, 0xBF],
            [0xEF, 0xBF, 0xBF], [0xF0, 0x8F, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
            [0xF5, 0x80, 0x80, 0x80], [0xFF], [0x80], [0xE2, 0x82], [0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0xE9],
        ]
        for _ in 0..<20_000 {
            samples.append((0..<Int.random(in: 1...12, using: &generator)).map { _ in
                Bool.random(using: &generator) ? UInt8.random(in: 0x20...0x7E, using: &generator) : UInt8.random(in: 0x80...0xFF, using: &generator)
            })
        }
        for bytes in samples {
            #expect(JSONCheck.isUTF8(Data(bytes)) == (String(data: Data(bytes), encoding: .utf8) != nil), "\(bytes)")
        }
    }
}
