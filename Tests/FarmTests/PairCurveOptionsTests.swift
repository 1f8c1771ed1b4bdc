import Foundation
import Testing
import TestSupport

/// `--peer-key` and the pair link's bind are checked before a coordinator starts: exit 2, naming what is wrong.
struct PairCurveOptionsTests {
    @Test func aPeerKeyWithoutCurveKeysOrFromABadFileIsRefused() throws {
        let folder = TemporaryDirectory("scenefarm-pair-options")
        let made = try Tool.run(Repository.scenefarm, ["keygen", "--out", folder.path, "--name", "coordinator"])
        #expect(made.status == 0, "\(made.stderr)")
        try FileManager.default.createDirectory(at: folder.appending("authorized/clients"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: folder.appending("coordinator.pub"), to: folder.appending("authorized/clients/c.pub"))
        let notAKey = try folder.write("peer.pub", "public = not-a-z85-key\n")
        let pair = ["coordinator", "--primary", "--peer-bind", "tcp://127.0.0.1:0", "--peer", "tcp://127.0.0.1:1",
                    "--state", folder.path, "--storage", folder.path, "--bind", "tcp://127.0.0.1:0", "--client-bind", "tcp://127.0.0.1:0"]
        let curve = ["--curve-secret", folder.appending("coordinator.key").path, "--authorized-keys", folder.appending("authorized").path]
        for (arguments, reason) in [
            (pair + ["--peer-key", folder.appending("coordinator.pub").path], "--peer-key needs CURVE keys"),
            (pair + curve + ["--peer-key", notAKey], notAKey),
            (pair + curve + ["--peer-key", folder.appending("missing.pub").path], "missing.pub"),
        ] {
            let result = try Tool.run(Repository.scenefarm, arguments)
            #expect(result.status == 2, "\(arguments.suffix(2)): \(result.stderr)")
            #expect(result.stderr.contains(reason), "\(result.stderr)")
        }
    }

    /// The pair link follows the farm's bind rule: with CURVE keys it is CURVE, so a
    /// non-loopback `--peer-bind` needs no `--insecure`; without keys it does.
    @Test func aNonLoopbackPeerBindNeedsCurveKeysOrInsecure() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let keys = farm.directory.appending("keys")
        let made = try Tool.run(Repository.scenefarm, ["keygen", "--out", keys.path, "--name", "coordinator"])
        #expect(made.status == 0, "\(made.stderr)")
        let authorized = farm.directory.appending("authorized/clients")
        try FileManager.default.createDirectory(at: authorized, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: keys.appendingPathComponent("coordinator.pub"), to: authorized.appendingPathComponent("c.pub"))
        let port = Int.random(in: 20000...59000)
        let pair = ["coordinator", "--primary", "--peer-bind", "tcp://0.0.0.0:\(port)", "--peer", "tcp://127.0.0.1:\(port + 1)",
                    "--state", farm.state.path, "--storage", farm.storage.path, "--bind", "tcp://127.0.0.1:\(port + 2)", "--client-bind", "tcp://127.0.0.1:\(port + 3)"]
        let plain = try Tool.run(Repository.scenefarm, pair)
        #expect(plain.status == 2 && plain.stderr.contains("tcp://0.0.0.0:\(port)"), "\(plain.stderr)")
        let secured = try farm.spawn("secured", pair + ["--curve-secret", keys.appendingPathComponent("coordinator.key").path, "--authorized-keys", farm.directory.appending("authorized").path])
        #expect(FarmHarness.eventually(timeout: .seconds(15)) { secured.log.contains("coordinator listening") }, "\(secured.log)")
    }
}
