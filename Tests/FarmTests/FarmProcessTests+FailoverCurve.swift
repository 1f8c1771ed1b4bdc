import Farm
import Foundation
import Testing
import TestSupport

/// The pair link under CURVE: the two coordinators' states travel encrypted and authenticated,
/// fail-over still happens, and a process without the pair's key cannot move the backup.
extension FarmProcessTests {
    /// `scenefarm keygen` keys for `names` in `farm`'s folder, and an authorised-keys folder with
    /// `nodes` and `clients` listed; returns (keys folder, authorised folder).
    private func curveKeys(_ farm: FarmHarness, nodes: [String], clients: [String]) throws -> (keys: URL, authorized: URL) {
        let keys = farm.directory.appending("keys"), authorized = farm.directory.appending("authorized")
        for name in ["coordinator"] + nodes + clients {
            let made = try Tool.run(Repository.scenefarm, ["keygen", "--out", keys.path, "--name", name])
            #expect(made.status == 0, "keygen \(name): \(made.stderr)")
        }
        for (names, list) in [(nodes, "nodes"), (clients, "clients")] {
            let folder = authorized.appendingPathComponent(list)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for name in names { try FileManager.default.copyItem(at: keys.appendingPathComponent("\(name).pub"), to: folder.appendingPathComponent("\(name).pub")) }
        }
        return (keys, authorized)
    }

    @Test func aPairWithCurveKeysHearsEachOtherOverCurveAndFailsOver() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let (keys, authorized) = try curveKeys(farm, nodes: ["n1"], clients: ["client"])
        let serverKey = keys.appendingPathComponent("coordinator.pub").path
        let pair = CoordinatorPair(farm: farm)
        // Both coordinators share one key pair, so nodes and clients need one --server-key; the
        // pair link then admits exactly that key (--peer-key's default).
        pair.coordinatorArguments = ["--curve-secret", keys.appendingPathComponent("coordinator.key").path, "--authorized-keys", authorized.path]
        pair.nodeArguments = ["--curve-secret", keys.appendingPathComponent("n1.key").path, "--server-key", serverKey]
        pair.clientArguments = ["--curve-secret", keys.appendingPathComponent("client.key").path, "--server-key", serverKey]
        // The backup goes passive only on hearing the primary's ACTIVE: the state crossed the link.
        let (primary, backup) = try pair.startSettled()
        // Each admitted the other's SUB on the pair's ZAP domain, by key.
        for side in [primary, backup] { #expect(side.log.contains("(\(PairCurve.domain))") && side.log.contains("ZAP: admitted"), "\(side.name): \(side.log)") }
        try pair.startNode("n1")
        let job = try pair.submit(try farm.writeShot(frames: 24))

        primary.signal(SIGKILL)
        #expect(primary.waitForExit(timeout: .seconds(5)) != nil)
        let wait = try pair.cli(["wait", job])
        #expect(wait.status == 0, "wait: \(wait.stderr)\nbackup: \(backup.log)")
        #expect(backup.log.contains("failover successful, ready active") && backup.log.contains("active: serving"), "backup: \(backup.log)")
        #expect(try farm.store().activeHolder()?.holder == "backup")
    }

    @Test func aPeerStateFromAProcessWithoutThePairKeyDoesNotMoveTheBackup() throws {
        // Control, without keys: the impostor's ACTIVE then PRIMARY make a lone backup passive,
        // then active ("primary is restarting"), and with no lease held it serves. This shows
        // the impostor is one the backup would obey.
        do {
            let farm = try FarmHarness()
            defer { farm.shutdown() }
            let pair = CoordinatorPair(farm: farm)
            let impostor = try PeerImpostor(endpoint: "tcp://127.0.0.1:\(pair.peerTargets[1])", curve: nil)
            let backup = try pair.start(1, name: "backup")
            let obeyed = FarmHarness.eventually(timeout: .seconds(10)) {
                try impostor.publishTakeOverSequence()
                return backup.log.contains("active: serving")
            }
            #expect(obeyed, "backup: \(backup.log)")
        }
        // With CURVE on the farm the same impostor is never heard, speaking plain TCP (what the
        // link was before it had CURVE) or CURVE under a key of its own.
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let (keys, authorized) = try curveKeys(farm, nodes: [], clients: ["client"])
        let pair = CoordinatorPair(farm: farm)
        pair.coordinatorArguments = ["--curve-secret", keys.appendingPathComponent("coordinator.key").path, "--authorized-keys", authorized.path]
        let coordinatorKey = try CurveKeyPair.loadPublicKey(from: keys.appendingPathComponent("coordinator.pub"))
        let backup = try pair.start(1, name: "backup")
        for curve in [nil, coordinatorKey] {
            let impostor = try PeerImpostor(endpoint: "tcp://127.0.0.1:\(pair.peerTargets[1])", curve: curve)
            // Longer than the control needs, and past the backup's 1 s peer timeout.
            let moved = FarmHarness.eventually(timeout: .seconds(2.5)) {
                try impostor.publishTakeOverSequence()
                return backup.log.contains("→ passive") || backup.log.contains("active: serving")
            }
            #expect(!moved, "impostor \(curve == nil ? "plain" : "CURVE"): backup: \(backup.log)")
        }
        // A client with a good key is refused: the backup, never having heard a peer, stays backup.
        let status = try Tool.run(Repository.scenefarm, ["status", "--coordinator", pair.clientEndpoint(1), "--timeout", "2",
                                                         "--curve-secret", keys.appendingPathComponent("client.key").path,
                                                         "--server-key", keys.appendingPathComponent("coordinator.pub").path])
        #expect(status.status != 0 && status.stderr.contains("passive"), "status: \(status.stderr)")
        #expect(!backup.log.contains("active: serving"), "backup: \(backup.log)")
        #expect(try farm.store().activeHolder() == nil)
    }
}
