import ArgumentParser
import Chunking
import Farm
import Foundation
import ShotSpec

/// The check every received message's body passes (`WireMessage.checkBody`: UTF-8, one JSON
/// text, an object) against what it replaced, Foundation's `JSONSerialization` building the
/// body's objects, on the same bodies in the same run; and, for scale, what a node does after
/// the check with a TASK (decoding it).
struct BenchWireCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wire",
        abstract: "The body check of every received message against JSONSerialization (what it replaced), same bodies, same run."
    )

    @Option(help: "Runs of each side, alternating; the median is reported with min–max.") var runs: Int = 5
    @Option(help: "Shot whose job the TASK bodies carry.") var shot: String = "Farm/shots/courtyard_long.yaml"

    func validate() throws {
        guard (1...100).contains(runs) else { throw ValidationError("--runs must be 1…100, got \(runs)") }
    }

    func run() throws {
        let bodies: [(name: String, body: Data)]
        do {
            bodies = try Self.bodies(shot: shot)
        } catch {
            let text = "\(error)"
            throw fail(text.hasPrefix(shot) ? "--shot: \(text)" : "--shot \(shot): \(text)", code: ExitCodes.badInput)
        }
        print("bench wire: µs per body, median (min–max) of \(runs) alternating runs; load \(String(format: "%.2f", Self.load()))")
        print("body                         bytes   WireMessage.checkBody        JSONSerialization             ratio   decode as TaskBody")
        for (name, body) in bodies {
            // Enough repetitions for about 20 ms per side and run.
            let repeats = max(20, 4_000_000 / max(body.count, 1))
            var ours: [Double] = [], peer: [Double] = []
            for _ in 0..<runs {
                ours.append(Self.time(repeats) { try? WireMessage.checkBody(body) })
                peer.append(Self.time(repeats) { _ = Self.foundationCheck(body) })
            }
            let a = RunSpread(ours), b = RunSpread(peer)
            let decode = name.hasPrefix("TASK") ? String(format: "%.1f", RunSpread((0..<runs).map { _ in
                Self.time(max(20, repeats / 4)) { _ = try? WireMessage.makeDecoder().decode(TaskBody.self, from: body) }
            }).median) : "—"
            print(name.padding(toLength: 27, withPad: " ", startingAt: 0)
                  + String(format: "%8d   ", body.count)
                  + String(format: "%.1f (%.1f–%.1f)", a.median, a.min, a.max).padding(toLength: 29, withPad: " ", startingAt: 0)
                  + String(format: "%.1f (%.1f–%.1f)", b.median, b.min, b.max).padding(toLength: 29, withPad: " ", startingAt: 0)
                  + String(format: "%6.1fx   ", b.median / a.median)
                  + decode)
        }
    }

    /// The check as it was: a String made to test UTF-8, then JSONSerialization's objects.
    static func foundationCheck(_ body: Data) -> Bool {
        guard String(data: body, encoding: .utf8) != nil else { return false }
        return (try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])) is [String: Any]
    }

    /// µs per call of `body`, over `repeats` calls.
    static func time(_ repeats: Int, _ body: () -> Void) -> Double {
        let start = ContinuousClock.now
        for _ in 0..<repeats { body() }
        return (ContinuousClock.now - start).seconds * 1e6 / Double(repeats)
    }

    static func load() -> Double {
        var loads = [Double](repeating: 0, count: 3)
        return getloadavg(&loads, 3) > 0 ? loads[0] : .nan
    }

    /// Bodies as the coordinator and nodes send them: a TASK of `shot`'s job and of the farm
    /// bench's no-op job, a RESULT, a READY, and a SUBMIT at the client socket's 1 MiB spec limit.
    static func bodies(shot: String) throws -> [(name: String, body: Data)] {
        let encoder = WireMessage.makeEncoder()
        func task(_ spec: ShotSpec) throws -> Data {
            let plan = try ChunkPlanner.plan(spec)
            let job = ShotJob(id: "j20261203-120000-abcdef", spec: spec, storageRoot: URL(fileURLWithPath: "/srv/plates"), version: 3,
                              plan: plan, mode: .parallel, ocioConfig: nil, owner: "wrangler", submittedAt: Date(timeIntervalSince1970: 1_800_000_000))
            guard let node = TaskGraph.build(plan: plan, mode: .parallel).first(where: { $0.kind == .generate }) else { throw ValidationError("no generate task") }
            return Data("{\"attempt\":\"\(job.id)/\(node.name)/1\",\"job\":".utf8) + (try encoder.encode(job))
                + Data(",\"task\":".utf8) + (try encoder.encode(node)) + Data("}".utf8)
        }
        let noop = try ShotSpecLoader.parse(BenchFarmCommand.noopSpecText(chunks: 1), baseDirectory: URL(fileURLWithPath: "/tmp"), name: "noop.yaml")
        let outcome = TaskOutcome(framesWritten: 252, files: (1001...1010).map { "demo/sh010/plates/main/v003/sh010_main_v003.\($0).exr" }, lightingID: nil, published: nil)
        let result = Data("{\"attempt\":\"j20261203-120000-abcdef/generate-0001/1\",\"outcome\":".utf8) + (try encoder.encode(outcome)) + Data("}".utf8)
        let ready = Data(#"{"cores":64,"draining":false,"generators":[{"conditioningFrames":8,"deterministic":true,"maxFramesPerCall":240,"name":"scenelit","version":"1.4.0"},{"conditioningFrames":0,"deterministic":true,"maxFramesPerCall":240,"name":"testpattern","version":"1"}],"memoryBytes":274877906944,"name":"rack12-node07","running":[],"slots":4,"softwareVersion":"0.1.0","storage":"shared"}"#.utf8)
        let specText = String(repeating: "# " + String(repeating: "x", count: 70) + "\n", count: (1 << 20) / 73)
        let submit = Data("{\"request\":\"r1\",\"specText\":".utf8) + (try encoder.encode(specText)) + Data(",\"specName\":\"big.yaml\",\"baseDirectory\":\"/srv/shots\",\"owner\":\"wrangler\"}".utf8)
        return [
            ("TASK (\(URL(fileURLWithPath: shot).lastPathComponent))", try task(try ShotSpecLoader.load(path: shot))),
            ("TASK (bench farm no-op)", try task(noop)),
            ("RESULT (10 frames)", result),
            ("READY", ready),
            ("SUBMIT (1 MiB spec)", submit),
        ]
    }
}
