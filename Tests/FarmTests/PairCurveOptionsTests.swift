import Foundation
import Testing
import TestSupport

/// `--peer-key` is checked before a coordinator starts: exit 2, naming what is wrong.
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
}
