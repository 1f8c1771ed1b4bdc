@testable import Farm
import Foundation

/// A third process on the pair link: it binds the endpoint a coordinator's state SUB connects to
/// and publishes Binary Star states in the primary's name. Without `curve` it speaks plain TCP;
/// with it, CURVE under a key pair of its own (it knows the coordinators' public key, not their
/// secret), the best an outsider without the pair's key can do.
final class PeerImpostor {
    private let context: ZMQContext
    private let authenticator: ZAPAuthenticator?
    private let publisher: ZMQSocket

    init(endpoint: String, curve admitting: String?) throws {
        context = try ZMQContext()
        publisher = try ZMQSocket(context: context, kind: .pub, linger: .zero)
        if let admitting {
            let authenticator = try ZAPAuthenticator(context: context, domains: [(PairCurve.domain, try AuthorizedKeys(["coordinator": admitting]))])
            self.authenticator = authenticator
            try publisher.configureCurveServer(keyPair: try CurveKeyPair.generate(), authenticator: authenticator, domain: PairCurve.domain)
        } else {
            authenticator = nil
        }
        try publisher.bind(endpoint)
    }

    /// Publishes ACTIVE then PRIMARY, the two states that move a backup to passive and then, as
    /// if the primary had restarted, to active (the guide's table); from the calling thread.
    func publishTakeOverSequence() throws {
        for state in [BinaryStar.State.active, .primary] {
            try publisher.send(WireMessage(command: PeerLink.command, body: PeerLink.StateBody(role: .primary, state: state)))
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    deinit {
        authenticator?.stop()
    }
}
