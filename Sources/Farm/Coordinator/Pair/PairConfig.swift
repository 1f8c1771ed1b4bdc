/// One half of a coordinator pair (`scenefarm coordinator --primary|--backup --peer-bind … --peer …`).
public struct PairConfig: Sendable, Equatable {
    public var role: BinaryStar.Role
    /// Where this coordinator publishes its state (PUB), e.g. `tcp://0.0.0.0:5557`.
    public var peerBind: String
    /// The partner's `peerBind`, as reachable from here (SUB), e.g. `tcp://coord-b:5557`.
    public var peer: String
    public var timing: FailoverMachine.Timing
    /// CURVE on the pair link, nil for plain TCP (a farm without keys).
    public var curve: PairCurve?

    public init(role: BinaryStar.Role, peerBind: String, peer: String, timing: FailoverMachine.Timing = .default, curve: PairCurve? = nil) {
        self.role = role
        self.peerBind = peerBind
        self.peer = peer
        self.timing = timing
        self.curve = curve
    }

    /// The name under which a coordinator holds the job store's active lease: its role in the
    /// pair, or `single` alone. A restarted coordinator takes its own unexpired lease back at once.
    public static func leaseHolder(_ pair: PairConfig?) -> String { pair?.role.rawValue ?? "single" }
}
