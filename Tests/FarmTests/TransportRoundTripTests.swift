import Farm
import Foundation
import Testing

@Suite("Transport: ROUTER/DEALER round trips")
struct TransportRoundTripTests {
    let rules = WireRules(commands: ["READY", "TASK"], maxMessageBytes: 1 << 20)

    @Test func routerAndDealerExchangeWireMessagesWithBinaryPayload() throws {
        let pair = try TransportPair(rules: rules, dealerID: "node-7")
        #expect(pair.endpoint.hasPrefix("tcp://127.0.0.1:"))
        #expect(!pair.endpoint.hasSuffix(":*"))

        let ready = ReadyBody(node: "node-7", slots: 2, capabilities: ["scene-lit", "test-pattern"])
        try pair.dealer.send(WireMessage(command: "READY", body: ready))
        let received = try #require(try pair.router.receiveRoutedMessage(rules: rules, timeout: deliveryTimeout))
        #expect(received.peer == Data("node-7".utf8))
        #expect(received.message.command == "READY")
        #expect(received.message.payload == nil)
        #expect(try received.message.decodeBody(ReadyBody.self) == ready)

        let task = TaskBody(task: "shot-010/chunk-2", frames: [1001, 1002])
        let payload = binaryPayload(70_000)
        try pair.router.send(WireMessage(command: "TASK", body: task, payload: payload), to: received.peer)
        let reply = try #require(try pair.dealer.receiveMessage(rules: rules, timeout: deliveryTimeout))
        #expect(reply.command == "TASK")
        #expect(try reply.decodeBody(TaskBody.self) == task)
        #expect(reply.payload == payload)
    }

    @Test func routerSeesEachDealersIdentityFrame() throws {
        let pair = try TransportPair(dealerID: "alpha")
        let second = try TransportPair.dealer(context: pair.context, endpoint: pair.endpoint, id: "beta")
        try pair.dealer.send([Data("from alpha".utf8)])
        try second.send([Data("from beta".utf8)])
        var seen: [Data: Data] = [:]
        for _ in 0..<2 {
            let frames = try #require(try pair.router.receive(timeout: deliveryTimeout))
            #expect(frames.count == 2)
            seen[frames[0]] = frames[1]
        }
        #expect(seen == [Data("alpha".utf8): Data("from alpha".utf8), Data("beta".utf8): Data("from beta".utf8)])

        try pair.router.send([Data("beta".utf8), Data("to beta".utf8)])
        #expect(try second.receive(timeout: deliveryTimeout) == [Data("to beta".utf8)])
        #expect(try pair.dealer.receive(timeout: .milliseconds(100)) == nil)
    }

    @Test func receiveReturnsNilWhenNothingArrivesInTime() throws {
        let pair = try TransportPair()
        #expect(try pair.dealer.receive(timeout: .milliseconds(50)) == nil)
        #expect(try pair.router.receiveRoutedMessage(rules: rules, timeout: .milliseconds(50)) == nil)
    }

    @Test func emptyFramesSurviveTheRoundTrip() throws {
        let pair = try TransportPair()
        try pair.dealer.send([Data(), Data("x".utf8), Data()])
        #expect(try pair.router.receive(timeout: deliveryTimeout) == [Data("node-1".utf8), Data(), Data("x".utf8), Data()])
    }

    @Test func pollerReportsOnlyTheSocketWithAMessage() throws {
        let pair = try TransportPair(dealerID: "one")
        let other = try TransportPair.dealer(context: pair.context, endpoint: pair.endpoint, id: "two")
        try other.send([Data("hello".utf8)])
        let poller = ZMQPoller([pair.dealer, pair.router])
        #expect(try poller.poll(timeout: deliveryTimeout) == [1])
        _ = try pair.router.receive(timeout: .zero)
        #expect(try poller.poll(timeout: .milliseconds(50)) == [])
    }

    @Test func routerMandatoryReportsAnUnknownPeer() throws {
        let pair = try TransportPair()
        try pair.router.setRouterMandatory(true)
        #expect(throws: TransportError.unroutable(peer: Data("ghost".utf8))) {
            try pair.router.send(WireMessage(command: "TASK", body: TaskBody(task: "t", frames: [1])), to: Data("ghost".utf8))
        }
    }

    @Test func bindingATakenPortNamesTheEndpointAndErrnoText() throws {
        let pair = try TransportPair()
        let intruder = try ZMQSocket(context: pair.context, kind: .router)
        do {
            try intruder.bind(pair.endpoint)
            Issue.record("second bind to \(pair.endpoint) succeeded")
        } catch {
            #expect(error.description.contains(pair.endpoint))
            #expect(error.description.contains("Address already in use"))
        }
    }

    @Test func unbindStopsNewConnections() throws {
        let pair = try TransportPair()
        try pair.router.unbind(pair.endpoint)
        let late = try TransportPair.dealer(context: pair.context, endpoint: pair.endpoint, id: "late")
        try late.setSendTimeout(.zero)
        try? late.send([Data("anyone?".utf8)])
        #expect(try pair.router.receive(timeout: .milliseconds(200)) == nil)
    }

    @Test func invalidRoutingIDIsRefusedBeforeLibzmq() throws {
        let context = try ZMQContext()
        let dealer = try ZMQSocket(context: context, kind: .dealer)
        #expect(throws: TransportError.self) { try dealer.setRoutingID(Data([0, 1, 2])) }
        #expect(throws: TransportError.self) { try dealer.setRoutingID(Data()) }
    }
}
