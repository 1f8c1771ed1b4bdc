import Farm
import Foundation
import Testing

@Suite("CURVE: encrypted, authorised connections")
struct CurveSecurityTests {
    let rules = WireRules(commands: ["READY", "TASK"])

    /// A CURVE ROUTER on 127.0.0.1 admitting `authorized`, with its running ZAP handler.
    struct SecuredServer {
        let context: ZMQContext
        let keys: CurveKeyPair
        let authenticator: ZAPAuthenticator
        let router: ZMQSocket
        let endpoint: String

        init(authorized: [String: String]) throws {
            context = try ZMQContext()
            keys = try CurveKeyPair.generate()
            authenticator = try ZAPAuthenticator(context: context, authorizedKeys: AuthorizedKeys(authorized))
            router = try ZMQSocket(context: context, kind: .router)
            try router.configureCurveServer(keyPair: keys, authenticator: authenticator)
            try router.bind("tcp://127.0.0.1:*")
            endpoint = try router.lastEndpoint()
        }

        /// A CURVE DEALER with `clientKeys`, in its own context as a node on another machine would be.
        func client(_ clientKeys: CurveKeyPair, id: String, serverKey: String? = nil) throws -> (ZMQContext, ZMQSocket) {
            let context = try ZMQContext()
            let dealer = try ZMQSocket(context: context, kind: .dealer, linger: .zero)
            try dealer.setRoutingID(Data(id.utf8))
            try dealer.configureCurveClient(keyPair: clientKeys, serverPublicKey: serverKey ?? keys.publicKey)
            try dealer.connect(endpoint)
            return (context, dealer)
        }
    }

    @Test func authorisedClientCompletesARoundTrip() throws {
        let nodeKeys = try CurveKeyPair.generate()
        let server = try SecuredServer(authorized: ["node-a": nodeKeys.publicKey])
        defer { server.authenticator.stop() }
        let (_, dealer) = try server.client(nodeKeys, id: "node-a")

        try dealer.send(WireMessage(command: "READY", body: ReadyBody(node: "node-a", slots: 1, capabilities: [])))
        let received = try #require(try server.router.receiveRoutedMessage(rules: rules, timeout: deliveryTimeout))
        #expect(received.peer == Data("node-a".utf8))

        let payload = binaryPayload(1000)
        try server.router.send(WireMessage(command: "TASK", body: TaskBody(task: "t1", frames: [1]), payload: payload), to: received.peer)
        let reply = try #require(try dealer.receiveMessage(rules: rules, timeout: deliveryTimeout))
        #expect(reply.payload == payload)
    }

    @Test func unauthorisedClientNeverGetsItsMessageThrough() throws {
        let trusted = try CurveKeyPair.generate()
        let stranger = try CurveKeyPair.generate()
        let server = try SecuredServer(authorized: ["trusted": trusted.publicKey])
        defer { server.authenticator.stop() }

        let (_, intruder) = try server.client(stranger, id: "intruder")
        try intruder.send(WireMessage(command: "READY", body: ["node": "intruder"]))
        #expect(try server.router.receive(timeout: .seconds(1)) == nil)

        // The same server still admits a listed key, so the silence above was the refusal.
        let (_, node) = try server.client(trusted, id: "trusted")
        try node.send(WireMessage(command: "READY", body: ["node": "trusted"]))
        let received = try #require(try server.router.receiveRoutedMessage(rules: rules, timeout: deliveryTimeout))
        #expect(received.peer == Data("trusted".utf8))
    }

    @Test func plaintextClientNeverGetsThroughToACurveServer() throws {
        let server = try SecuredServer(authorized: ["n": try CurveKeyPair.generate().publicKey])
        defer { server.authenticator.stop() }
        let context = try ZMQContext()
        let plain = try ZMQSocket(context: context, kind: .dealer, linger: .zero)
        try plain.connect(server.endpoint)
        try plain.send([Data("SCENEFARM".utf8)])
        #expect(try server.router.receive(timeout: .milliseconds(500)) == nil)
    }

    @Test func oneAuthenticatorPerContextAndStopFreesTheEndpoint() throws {
        let context = try ZMQContext()
        let keys = try AuthorizedKeys(["n": try CurveKeyPair.generate().publicKey])
        let first = try ZAPAuthenticator(context: context, authorizedKeys: keys)
        #expect(throws: SecurityError.self) { try ZAPAuthenticator(context: context, authorizedKeys: keys) }
        first.stop()
        first.stop()
        // `stop()` returns with the endpoint free, not once libzmq's reaper thread gets round to
        // it: a handler started straight after must bind every time (CI once lost this race).
        for _ in 0..<200 {
            let next = try ZAPAuthenticator(context: context, authorizedKeys: keys)
            next.stop()
        }
    }

    @Test func curveServerRefusesAnAuthenticatorFromAnotherContext() throws {
        let keys = try AuthorizedKeys(["n": try CurveKeyPair.generate().publicKey])
        let authenticator = try ZAPAuthenticator(context: try ZMQContext(), authorizedKeys: keys)
        defer { authenticator.stop() }
        let socket = try ZMQSocket(context: try ZMQContext(), kind: .router)
        #expect(throws: SecurityError.self) {
            try socket.configureCurveServer(keyPair: try CurveKeyPair.generate(), authenticator: authenticator)
        }
    }
}
