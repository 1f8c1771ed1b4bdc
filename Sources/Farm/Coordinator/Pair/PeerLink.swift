import Foundation

/// The pair's own link (the guide's Binary Star "statepub"/"statesub"): a PUB this coordinator
/// publishes its state on, and a SUB connected to the partner's PUB. Nothing but the state
/// travels here; jobs live in the shared store.
///
/// With CURVE (`PairConfig.curve`) the PUB is a CURVE server admitting only the partner's key and
/// the SUB a CURVE client trusting only the partner as server. Both sockets then live in a
/// context of their own with its own ZAP handler: libzmq allows one ZAP handler per context, and
/// the coordinator's serves only the node and client domains.
final class PeerLink {
    static let command = "PAIR_STATE"
    static let rules = WireRules(commands: [command], maxMessageBytes: 4096)

    /// The body of PAIR_STATE.
    struct StateBody: Codable, Equatable {
        var role: BinaryStar.Role
        var state: BinaryStar.State
    }

    private let publisher: ZMQSocket
    /// Polled by the coordinator's loop beside its ROUTERs.
    let subscriber: ZMQSocket
    let boundEndpoint: String
    /// The pair link's own ZAP handler, with CURVE only; stopped before its context ends.
    private let authenticator: ZAPAuthenticator?

    init(context: ZMQContext, config: PairConfig) throws {
        if let curve = config.curve {
            let own = try ZMQContext()
            let authenticator = try ZAPAuthenticator(context: own, domains: [(PairCurve.domain, try AuthorizedKeys(["peer": curve.peerPublicKey]))])
            self.authenticator = authenticator
            publisher = try ZMQSocket(context: own, kind: .pub, linger: .zero)
            subscriber = try ZMQSocket(context: own, kind: .sub, linger: .zero)
            try publisher.configureCurveServer(keyPair: curve.keyPair, authenticator: authenticator, domain: PairCurve.domain)
            try subscriber.configureCurveClient(keyPair: curve.keyPair, serverPublicKey: curve.peerPublicKey)
        } else {
            authenticator = nil
            publisher = try ZMQSocket(context: context, kind: .pub, linger: .zero)
            subscriber = try ZMQSocket(context: context, kind: .sub, linger: .zero)
        }
        try Self.rules.configure(subscriber)
        try subscriber.subscribe()
        boundEndpoint = try LoopbackBind.bind(publisher, config.peerBind)
        try subscriber.connect(config.peer)
    }

    deinit {
        authenticator?.stop()
    }

    func publish(role: BinaryStar.Role, state: BinaryStar.State) throws {
        try publisher.send(WireMessage(command: Self.command, body: StateBody(role: role, state: state)))
    }

    /// The partner's states waiting on the SUB, oldest first; malformed ones are skipped.
    func received() throws -> [StateBody] {
        var states: [StateBody] = []
        for _ in 0..<64 {
            do {
                guard let message = try subscriber.receiveMessage(rules: Self.rules, timeout: .zero) else { break }
                states.append(try message.decodeBody(StateBody.self))
            } catch is WireError {
                continue
            }
        }
        return states
    }
}
