import CZeroMQ
import Foundation

/// CURVE setup for the two ends of a connection; call before `bind` / `connect`.
extension ZMQSocket {
    /// Makes this socket a CURVE server with `keyPair`, admitting only clients that `authenticator` (same context) approves.
    ///
    /// Taking the running authenticator matters: libzmq admits every client when no ZAP handler is bound.
    /// `domain` picks which of the authenticator's key lists applies (default: its first).
    public func configureCurveServer(keyPair: CurveKeyPair, authenticator: ZAPAuthenticator, domain: String? = nil) throws {
        guard ZMQContext.has("curve") else { throw SecurityError.curveUnavailable }
        guard authenticator.context === context else {
            throw SecurityError.zapHandlerFailed(reason: "the authenticator runs in another ZeroMQ context; ZAP only serves sockets of its own context")
        }
        let domain = domain ?? authenticator.domain
        guard authenticator.domains[domain] != nil else {
            throw SecurityError.zapHandlerFailed(reason: "the authenticator serves no ZAP domain '\(domain)'")
        }
        try setOption(ZMQ_CURVE_SERVER, 1, name: "ZMQ_CURVE_SERVER")
        try setOption(ZMQ_CURVE_SECRETKEY, bytes: Data(keyPair.secretKey.utf8), name: "ZMQ_CURVE_SECRETKEY")
        try setOption(ZMQ_ZAP_DOMAIN, bytes: Data(domain.utf8), name: "ZMQ_ZAP_DOMAIN")
    }

    /// Makes this socket a CURVE client with its own `keyPair`, trusting only the server with `serverPublicKey`.
    public func configureCurveClient(keyPair: CurveKeyPair, serverPublicKey: String) throws {
        guard ZMQContext.has("curve") else { throw SecurityError.curveUnavailable }
        try CurveKeyPair.validate(serverPublicKey, source: "server public key")
        try setOption(ZMQ_CURVE_SERVERKEY, bytes: Data(serverPublicKey.utf8), name: "ZMQ_CURVE_SERVERKEY")
        try setOption(ZMQ_CURVE_PUBLICKEY, bytes: Data(keyPair.publicKey.utf8), name: "ZMQ_CURVE_PUBLICKEY")
        try setOption(ZMQ_CURVE_SECRETKEY, bytes: Data(keyPair.secretKey.utf8), name: "ZMQ_CURVE_SECRETKEY")
    }
}
