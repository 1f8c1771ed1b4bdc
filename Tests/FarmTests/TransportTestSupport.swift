import Farm
import Foundation

/// A ROUTER on a free 127.0.0.1 port and a DEALER connected to it, in their own context.
struct TransportPair {
    let context: ZMQContext
    let router: ZMQSocket
    let dealer: ZMQSocket
    let endpoint: String

    init(rules: WireRules? = nil, dealerID: String = "node-1") throws {
        context = try ZMQContext()
        router = try ZMQSocket(context: context, kind: .router)
        try rules?.configure(router)
        try router.bind("tcp://127.0.0.1:*")
        endpoint = try router.lastEndpoint()
        dealer = try TransportPair.dealer(context: context, endpoint: endpoint, id: dealerID)
    }

    /// Another DEALER on the same router.
    static func dealer(context: ZMQContext, endpoint: String, id: String) throws -> ZMQSocket {
        let dealer = try ZMQSocket(context: context, kind: .dealer)
        try dealer.setRoutingID(Data(id.utf8))
        try dealer.connect(endpoint)
        return dealer
    }
}

/// Bodies used across the transport tests.
struct ReadyBody: Codable, Equatable {
    var node: String
    var slots: Int
    var capabilities: [String]
}

struct TaskBody: Codable, Equatable {
    var task: String
    var frames: [Int]
}

/// Generous: tests wait for loopback delivery, never assert how long it took.
let deliveryTimeout: Duration = .seconds(5)

/// Bytes 0…255 repeated, so a payload that loses or reorders a byte is caught.
func binaryPayload(_ count: Int) -> Data {
    Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) })
}
