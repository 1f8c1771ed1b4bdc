import Farm
import Foundation
import Testing

/// Messages a hostile or broken peer might send, each with the error it must produce.
enum BadMessage: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case arbitraryBytes, arbitraryFrames, emptyDelimiter, wrongProtocol, wrongVersion, binaryVersion
    case unknownCommand, arrayBody, stringBody, notJSONBody, badEscapeInUnreadField, notUTF8Body, tooManyFrames, oversized

    static let maxBytes = 64 * 1024

    var testDescription: String { rawValue }

    var frames: [Data] {
        let arbitrary = Data((0..<64).map { UInt8(truncatingIfNeeded: $0 &* 73 &+ 41) })
        let good = [Data("SCENEFARM".utf8), Data("1".utf8), Data("READY".utf8), Data("{}".utf8)]
        func replacing(_ index: Int, with frame: Data) -> [Data] {
            var frames = good
            frames[index] = frame
            return frames
        }
        switch self {
        case .arbitraryBytes: return [arbitrary]
        case .arbitraryFrames: return [arbitrary, arbitrary, arbitrary, arbitrary]
        case .emptyDelimiter: return [Data()] + good
        case .wrongProtocol: return replacing(0, with: Data("SCENEFARN".utf8))
        case .wrongVersion: return replacing(1, with: Data("2".utf8))
        case .binaryVersion: return replacing(1, with: Data([1]))
        case .unknownCommand: return replacing(2, with: Data("SHUTDOWN_EVERYTHING".utf8))
        case .arrayBody: return replacing(3, with: Data("[1, 2]".utf8))
        case .stringBody: return replacing(3, with: Data("\"ready\"".utf8))
        case .notJSONBody: return replacing(3, with: Data("{node: 1".utf8))
        // RFC 8259 allows no `\q` escape. In a member no command reads, so only a check of the
        // whole body (not the fields a command decodes) refuses it.
        case .badEscapeInUnreadField: return replacing(3, with: Data(#"{"note": "\q"}"#.utf8))
        case .notUTF8Body: return replacing(3, with: Data([0x7B, 0xFF, 0x7D]))
        case .tooManyFrames: return good + [Data("payload".utf8), Data("extra".utf8)]
        case .oversized:
            // Every frame fits ZMQ_MAXMSGSIZE, so libzmq delivers it; only the total is over.
            return good + [Data(repeating: 0x55, count: BadMessage.maxBytes - 10)]
        }
    }

    func matches(_ error: WireError) -> Bool {
        switch (self, error) {
        case (.arbitraryBytes, .tooFewFrames(got: 1, routed: true)),
             (.arbitraryFrames, .wrongProtocol),
             (.emptyDelimiter, .unexpectedDelimiter),
             (.wrongProtocol, .wrongProtocol(found: "'SCENEFARN'")),
             (.wrongVersion, .unsupportedVersion(found: "'2'")),
             (.binaryVersion, .unsupportedVersion(found: "0x01")),
             (.unknownCommand, .unknownCommand("'SHUTDOWN_EVERYTHING'", allowed: ["HEARTBEAT", "READY"])),
             (.arrayBody, .bodyNotObject(found: "an array")),
             (.stringBody, .bodyNotObject(found: "a string")),
             (.notJSONBody, .bodyNotJSON),
             (.badEscapeInUnreadField, .bodyNotJSON),
             (.notUTF8Body, .bodyNotUTF8),
             (.tooManyFrames, .tooManyFrames(got: 7, max: 6, routed: true)),
             (.oversized, .tooLarge(bytes: _, max: BadMessage.maxBytes)):
            return true
        default:
            return false
        }
    }
}

@Suite("Transport: wire envelope validation")
struct TransportWireDecodingTests {
    let rules = WireRules(commands: ["READY", "HEARTBEAT"], maxMessageBytes: BadMessage.maxBytes)

    @Test(arguments: BadMessage.allCases)
    func routerRejectsBadMessageAndKeepsWorking(_ bad: BadMessage) throws {
        let pair = try TransportPair(rules: rules)
        try pair.dealer.send(bad.frames)
        do {
            let accepted = try pair.router.receiveRoutedMessage(rules: rules, timeout: deliveryTimeout)
            Issue.record("accepted \(bad): \(String(describing: accepted))")
        } catch let error as WireError {
            #expect(bad.matches(error), "\(bad) gave: \(error)")
        }

        let good = try WireMessage(command: "HEARTBEAT", body: ["seq": 1])
        try pair.dealer.send(good)
        let next = try #require(try pair.router.receiveRoutedMessage(rules: rules, timeout: deliveryTimeout))
        #expect(next.message == good)
        #expect(next.peer == Data("node-1".utf8))
    }

    @Test func libzmqDropsAFrameOverMaxMessageSizeAndTheRouterServesOthers() throws {
        let pair = try TransportPair(rules: rules, dealerID: "flooder")
        let huge = try WireMessage(command: "READY", body: ["node": "flooder"], payload: Data(repeating: 1, count: BadMessage.maxBytes + 1))
        try pair.dealer.send(huge)
        #expect(try pair.router.receive(timeout: .milliseconds(500)) == nil)

        let honest = try TransportPair.dealer(context: pair.context, endpoint: pair.endpoint, id: "honest")
        try honest.send(WireMessage(command: "READY", body: ["node": "honest"]))
        let next = try #require(try pair.router.receiveRoutedMessage(rules: rules, timeout: deliveryTimeout))
        #expect(next.peer == Data("honest".utf8))
    }

    @Test func decodeOnDealerSideTakesNoIdentityFrame() throws {
        let message = try WireMessage(command: "READY", body: ["node": "n"], payload: Data([0, 1, 2]))
        #expect(message.frames.count == 5)
        #expect(try WireMessage.decode(message.frames, rules: rules) == message)
        #expect(throws: WireError.tooManyFrames(got: 6, max: 5, routed: false)) {
            try WireMessage.decode(message.frames + [Data()], rules: rules)
        }
    }

    @Test func buildingAMessageChecksNameAndBody() throws {
        #expect(throws: WireError.invalidCommandName("ready")) { try WireMessage(command: "ready", body: ["a": 1]) }
        #expect(throws: WireError.invalidCommandName("")) { try WireMessage(command: "", body: ["a": 1]) }
        #expect(throws: WireError.bodyNotObject(found: "an array")) { try WireMessage(command: "READY", body: [1, 2]) }
        #expect(throws: WireError.bodyNotObject(found: "an array")) { try WireMessage(command: "READY", bodyJSON: Data("[]".utf8)) }
    }

    @Test func decodingABodyOfTheWrongShapeNamesCommandAndType() throws {
        let message = try WireMessage(command: "READY", body: ["node": "n"])
        do {
            _ = try message.decodeBody(ReadyBody.self)
            Issue.record("decoded a body without slots")
        } catch {
            guard case .bodyDecoding(command: "READY", type: "ReadyBody", reason: _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
        }
    }

    @Test func errorMessagesNameTheFrame() {
        #expect(WireError.unsupportedVersion(found: "'2'").description == "frame 1 (version): unsupported version '2', this build speaks '1'")
        #expect(WireError.unknownCommand("'X'", allowed: ["READY"]).description == "frame 2 (command): unknown command 'X', expected one of READY")
        #expect(WireError.tooLarge(bytes: 10, max: 5).description == "message: 10 bytes exceeds the 5-byte limit")
    }
}
