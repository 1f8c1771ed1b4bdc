import Foundation
import Testing
import TestSupport

/// Docs/protocol.md §14's pair link, proved by a Binary Star peer written in Python from the
/// document alone (Farm/examples/python_pair_peer.py) paired with a real `scenefarm coordinator --backup`.
extension FarmProcessTests {
    /// Plain, and with CURVE (the Python peer and the backup sharing the coordinator's key pair,
    /// the client holding a key of its own).
    @Test(arguments: [false, true])
    func aPythonPrimaryWrittenFromTheProtocolDocumentPairsWithARealBackup(curve: Bool) throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let pair = CoordinatorPair(farm: farm)
        var pythonKeys: [String] = [], clientKeys: [String] = []
        if curve {
            let keys = farm.directory.appending("keys"), clients = farm.directory.appending("authorized/clients")
            for name in ["coordinator", "client"] {
                let made = try Tool.run(Repository.scenefarm, ["keygen", "--out", keys.path, "--name", name])
                #expect(made.status == 0, "\(made.stderr)")
            }
            try FileManager.default.createDirectory(at: clients, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: keys.appendingPathComponent("client.pub"), to: clients.appendingPathComponent("client.pub"))
            pair.coordinatorArguments = ["--curve-secret", keys.appendingPathComponent("coordinator.key").path, "--authorized-keys", farm.directory.appending("authorized").path]
            pythonKeys = ["--curve-secret", keys.appendingPathComponent("coordinator.key").path]
            clientKeys = ["--curve-secret", keys.appendingPathComponent("client.key").path, "--server-key", keys.appendingPathComponent("coordinator.pub").path]
        }
        let python = try FarmProcess(name: "python-primary", arguments: [
            "python3", "-u", Repository.path("Farm/examples/python_pair_peer.py"), "--role", "primary",
            "--peer-bind", "tcp://127.0.0.1:\(pair.peerPorts[0])", "--peer", "tcp://127.0.0.1:\(pair.peerPorts[1])", "--seconds", "30",
        ] + pythonKeys, logURL: farm.directory.appending("python-primary.log"), executable: "/usr/bin/env")
        defer {
            python.signal(SIGKILL)
            _ = python.waitForExit(timeout: .seconds(5))
        }
        let backup = try pair.start(1, name: "backup")
        // Each hears the other: the Python primary hears BACKUP and goes active, and the real
        // backup hears that ACTIVE and goes passive, as the table says.
        #expect(FarmHarness.eventually(timeout: .seconds(10)) { python.log.contains("STATE primary -> active") && backup.log.contains("backup → passive") },
                "python: \(python.log)\nbackup: \(backup.log)")
        #expect(FarmHarness.eventually(timeout: .seconds(5)) { python.log.contains("PEER backup") && python.log.contains("PEER passive") }, "python: \(python.log)")
        // While the Python primary is alive the backup refuses clients.
        let refused = try Tool.run(Repository.scenefarm, ["status", "--coordinator", pair.clientEndpoint(1), "--timeout", "1"] + clientKeys)
        #expect(refused.status != 0 && refused.stderr.contains("passive"), "\(refused.stderr)")

        // The Python primary dies: once it has been silent for 1 s, a client's request makes the
        // backup take over, with the store's lease free.
        python.signal(SIGKILL)
        #expect(python.waitForExit(timeout: .seconds(5)) != nil)
        Thread.sleep(forTimeInterval: 1.2)
        let status = try Tool.run(Repository.scenefarm, ["status", "--coordinator", pair.clientEndpoint(1), "--timeout", "5"] + clientKeys)
        #expect(status.status == 0, "\(status.stderr)\nbackup: \(backup.log)")
        #expect(backup.log.contains("failover successful, ready active") && backup.log.contains("active: serving"), "backup: \(backup.log)")
        if curve { #expect(backup.log.contains("(scenefarm-pair)") && backup.log.contains("ZAP: admitted"), "backup: \(backup.log)") }
    }
}
