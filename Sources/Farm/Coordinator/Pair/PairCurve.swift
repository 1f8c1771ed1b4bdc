/// CURVE on the pair link: this coordinator's key pair and the partner's public key. Each side's
/// state PUB is a CURVE server that admits only the partner's key, and each side's SUB is a CURVE
/// client that trusts only the partner's key as server, so a process without the partner's
/// secret key can neither publish a state the other believes nor read the states.
public struct PairCurve: Sendable, Equatable {
    public var keyPair: CurveKeyPair
    /// The partner coordinator's public key (Z85). Usually this coordinator's own: a pair shares
    /// one key pair so nodes and clients need one `--server-key`.
    public var peerPublicKey: String

    /// The ZAP domain of the state PUB: only `peerPublicKey` is in it.
    public static let domain = "scenefarm-pair"

    public init(keyPair: CurveKeyPair, peerPublicKey: String) throws(SecurityError) {
        try CurveKeyPair.validate(peerPublicKey, source: "the peer coordinator's public key")
        self.keyPair = keyPair
        self.peerPublicKey = peerPublicKey
    }
}
