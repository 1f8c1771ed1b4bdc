import Farm
import Foundation
import Plates
import ShotSpec
import Testing
import TestSupport

/// Issue 10: specs written to crash or stall the coordinator, sent over the real client socket
/// while two real nodes render a job. Each must be answered `bad_input`, the coordinator must
/// stay up, and the running job must publish the same frames as a local render.
extension FarmProcessTests {
    static func hostileSpecs(fifo: String) -> [(name: String, text: String, answer: String)] {
        let base = "show: demo\nshot: evil_010\nfps: 24\nframes: {count: 10}\nresolution: [64, 36]\ngenerator: {name: testpattern}\n"
        var laughs = base + "generator:\n  name: testpattern\n  params:\n    a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        laughs = laughs.replacingOccurrences(of: "generator: {name: testpattern}\n", with: "")
        for level in 1...7 { laughs += "    a\(level): &a\(level) [\(Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", "))]\n" }
        return [
            ("20,000 nested lists", base.replacingOccurrences(of: "resolution: [64, 36]", with: "resolution: " + String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)),
             "lists and mappings nest more than 32 levels deep"),
            ("10,000 nested mappings", base + "camera: " + String(repeating: "{a: ", count: 10_000) + "1" + String(repeating: "}", count: 10_000) + "\n",
             "lists and mappings nest more than 32 levels deep"),
            ("a billion laughs", laughs, "holds more than 100000 values"),
            ("an fps with 19-digit terms", base.replacingOccurrences(of: "fps: 24", with: "fps: \"9223372036854775807/9223372036854775806\""),
             "numerator and denominator may be at most 1000000"),
            ("a 1000-character shot name", base.replacingOccurrences(of: "shot: evil_010", with: "shot: " + String(repeating: "a", count: 1000)),
             "names may have at most 64"),
            ("a camera at 1e308", base + "camera: {position: [0, 1e308, 0]}\n", "1e+308 is out of range"),
            ("a 2 MiB spec", base + String(repeating: "# filler filler filler filler filler filler filler filler filler\n", count: 33_000),
             "a spec may be at most 1048576 bytes"),
            ("an HDRI that is a FIFO", base + "environment:\n  hdri: {path: \(fifo)}\n", "is a named pipe (FIFO), not a regular file"),
        ]
    }

    @Test func hostileSpecsAreAnsweredBadInputWhileAJobRendersCorrectly() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let coordinator = try farm.startCoordinator()
        try farm.startNode("n1")
        try farm.startNode("n2")
        let client = try farm.client()
        #expect(farm.waitForNodes(["n1", "n2"], client: client))
        let shot = try farm.writeShot(frames: 600)
        let job = try farm.submit(shot)

        let fifo = farm.directory.appending("sky.exr").path
        #expect(mkfifo(fifo, 0o600) == 0)
        for hostile in Self.hostileSpecs(fifo: fifo) {
            do {
                _ = try client.submit(specText: hostile.text, specName: "evil.yaml", baseDirectory: farm.directory.path)
                Issue.record("\(hostile.name) was accepted")
            } catch ClientError.refused(let message, let badInput) {
                #expect(badInput, "\(hostile.name): \(message)")
                #expect(message.contains(hostile.answer), "\(hostile.name): \(message)")
            }
            #expect(coordinator.isRunning, "the coordinator died on \(hostile.name)")
        }
        // An overlap that overflowed 2 × overlap in the planner.
        #expect(throws: ClientError.refused(message: "shot.chunking.overlap: 4611686018427387904 frames is at least half of the 252-frame chunk limit at 24 fps; use at most 125", badInput: true)) {
            try client.submit(specText: try String(contentsOfFile: shot, encoding: .utf8), specName: "shot.yaml", baseDirectory: farm.directory.path, overlap: 4_611_686_018_427_387_904)
        }

        // Bodies that are not specs at all: deeply nested JSON on both sockets.
        let context = try ZMQContext()
        let nested = Data((String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)).utf8)
        for endpoint in [farm.clientEndpoint, farm.nodeEndpoint] {
            let peer = try ZMQSocket(context: context, kind: .dealer)
            try peer.connect(endpoint)
            for command in ["SUBMIT", "STATUS", "READY", "HEARTBEAT"] {
                try peer.send([Data("SCENEFARM".utf8), Data("1".utf8), Data(command.utf8), nested])
            }
        }
        #expect(FarmHarness.eventually(timeout: .seconds(5)) { try client.status(job: job).first != nil })
        #expect(coordinator.isRunning, "the coordinator died on a deeply nested message body")

        let wait = try farm.cli(["wait", job])
        #expect(wait.status == 0, "wait: \(wait.stderr)")
        #expect(coordinator.isRunning)
        // No healthy node was declared dead while the hostile specs were being checked.
        let tasks = try farm.store().tasks(job: job)
        #expect(tasks.allSatisfy { $0.attempts == 1 }, "\(tasks.map { "\($0.node.name): \($0.attempts)" })")
        #expect(!coordinator.log.contains("lost"), "\(coordinator.log)")
        // Nothing of the refused specs was reserved or written.
        #expect(!FileManager.default.fileExists(atPath: farm.storage.appendingPathComponent("demo/evil_010").path))

        let published = try #require(try farm.statusJSON(job)?.published)
        let local = try farm.renderLocally(shot)
        #expect(framesWithDifferentPixels(try publishedFrames(farm.storage.appendingPathComponent(published)), try publishedFrames(local)).isEmpty)
    }
}
