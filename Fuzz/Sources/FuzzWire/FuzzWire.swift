#if FUZZING
import Chunking
@testable import Farm
import Foundation
import FuzzSupport
import Inference
import ShotSpec

/// Wire-message decoder: the input is one multipart message as a receiver sees it, then each
/// body is decoded into the type that receiver decodes it into, and used as far as parsing goes
/// (a FILE's path resolved under the storage root, a TASK's job spec validated as a node does,
/// a SUBMIT's spec text validated as the coordinator does).
///
/// Input layout: byte 0 picks the receiver (`Receiver`); the rest is the frames, separated by
/// the three bytes `|`, NUL, `|` (`WireInput.separator`). Routed receivers read frame 0 as the
/// peer's routing id, as a ROUTER does.
@main enum FuzzWire {
    enum Receiver: UInt8, CaseIterable {
        /// The coordinator's node socket (ROUTER).
        case coordinatorFromNode
        /// The coordinator's client socket (ROUTER).
        case coordinatorFromClient
        /// A node's socket to the coordinator (DEALER).
        case nodeFromCoordinator
        /// A client's socket to the coordinator (DEALER).
        case clientFromCoordinator

        var rules: WireRules {
            switch self {
            case .coordinatorFromNode: return WireRules(commands: FarmProtocol.nodeCommands, maxMessageBytes: WireRules.defaultMaxMessageBytes)
            case .coordinatorFromClient: return WireRules(commands: FarmProtocol.clientCommands, maxMessageBytes: 16 << 20)
            case .nodeFromCoordinator: return WireRules(commands: FarmProtocol.coordinatorCommands)
            case .clientFromCoordinator: return WireRules(commands: FarmProtocol.clientReplies, maxMessageBytes: 64 << 20)
            }
        }
    }

    static let storageRoot = URL(fileURLWithPath: "/nonexistent/fuzz-storage", isDirectory: true)

    static func main() {
        let receivers = Receiver.allCases.map { ($0, $0.rules) }
        Fuzzer.main("FuzzWire", seeds: writeSeeds) { bytes in
            guard let first = bytes.first else { return }
            let (receiver, rules) = receivers[Int(first) % receivers.count]
            let frames = WireInput.split(bytes.dropFirst())
            for frame in frames { checkAgreesWithFoundation(frame) }
            let message: WireMessage
            switch receiver {
            case .coordinatorFromNode, .coordinatorFromClient:
                guard let routed = try? WireMessage.decodeRouted(frames, rules: rules) else { return }
                message = routed.message
            case .nodeFromCoordinator, .clientFromCoordinator:
                guard let plain = try? WireMessage.decode(frames, rules: rules) else { return }
                message = plain
            }
            decodeBody(message, receiver: receiver)
        }
    }

    /// The wire's JSON check (`JSONCheck`) must give JSONSerialization's verdict on any UTF-8
    /// frame holding an object or array, trailing commas allowed for the comparison (Farm/Transport/JSONCheck.swift): an
    /// oracle from outside our code for every body the fuzzer makes.
    static func checkAgreesWithFoundation(_ frame: Data) {
        guard JSONCheck.isUTF8(frame) == (String(data: frame, encoding: .utf8) != nil) else {
            fatalError("JSONCheck.isUTF8 disagrees with String(data:encoding:) on \(Array(frame))")
        }
        guard JSONCheck.isUTF8(frame) else { return }
        // Only texts whose value is an object or array: JSONSerialization reads a number at the
        // top level as C text, so `1` followed by a NUL passes it (a body must be an object,
        // so the wire refuses that either way).
        guard let first = frame.drop(while: { [0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }).first,
              first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { return }
        let ours = (try? JSONCheck.check(frame, allowTrailingCommas: true)) != nil
        let foundation = (try? JSONSerialization.jsonObject(with: frame, options: [.fragmentsAllowed])) != nil
        if ours != foundation { fatalError("JSONCheck says \(ours ? "JSON" : "not JSON"), JSONSerialization \(foundation ? "JSON" : "not JSON"): \(String(decoding: frame, as: UTF8.self).debugDescription)") }
    }

    static func decodeBody(_ message: WireMessage, receiver: Receiver) {
        switch (receiver, message.command) {
        case (.coordinatorFromNode, FarmProtocol.ready): _ = try? message.decodeBody(ReadyBody.self)
        case (.coordinatorFromNode, FarmProtocol.heartbeat): _ = try? message.decodeBody(NodeHeartbeatBody.self)
        case (.coordinatorFromNode, FarmProtocol.progress): _ = try? message.decodeBody(ProgressBody.self)
        case (.coordinatorFromNode, FarmProtocol.file):
            if let body = try? message.decodeBody(FileBody.self) { _ = StoragePath.resolve(body.path, under: storageRoot) }
        case (.coordinatorFromNode, FarmProtocol.result): _ = try? message.decodeBody(ResultBody.self)
        case (.coordinatorFromNode, FarmProtocol.failed): _ = try? message.decodeBody(FailedBody.self)
        case (.coordinatorFromClient, FarmProtocol.submit):
            if let body = try? message.decodeBody(SubmitBody.self) {
                _ = try? ShotSpecLoader.parse(body.specText, baseDirectory: URL(fileURLWithPath: body.baseDirectory), name: body.specName)
            }
        case (.coordinatorFromClient, _): _ = try? message.decodeBody(TargetBody.self)
        case (.nodeFromCoordinator, FarmProtocol.task):
            if let body = try? message.decodeBody(TaskBody.self) { _ = try? body.job.spec() }
        case (.nodeFromCoordinator, FarmProtocol.cancel): _ = try? message.decodeBody(CancelBody.self)
        case (.nodeFromCoordinator, FarmProtocol.welcome): _ = try? message.decodeBody(WelcomeBody.self)
        case (.clientFromCoordinator, FarmProtocol.error): _ = try? message.decodeBody(ErrorReply.self)
        case (.clientFromCoordinator, FarmProtocol.reply): _ = try? message.decodeBody(ClientReply.self)
        default: break
        }
    }

    /// Seeds: one message of each kind each receiver takes, encoded by `WireMessage` itself.
    static func writeSeeds(_ folder: URL) throws {
        func seed(_ name: String, _ receiver: Receiver, _ message: WireMessage) throws {
            let frames = (receiver == .coordinatorFromNode || receiver == .coordinatorFromClient ? [Data("node-1".utf8)] : []) + message.frames
            try Fuzzer.write(WireInput.join(frames, receiver: receiver.rawValue), to: folder, "\(name).bin")
        }
        let spec = try ShotSpecLoader.load(path: "Farm/shots/testpattern.yaml")
        let plan = try ChunkPlanner.plan(spec)
        let job = ShotJob(id: "j20260101-000000-abcdef", spec: spec, storageRoot: URL(fileURLWithPath: "/srv/plates"), version: 1,
                          plan: plan, mode: .parallel, ocioConfig: nil, owner: "fuzz", submittedAt: Date(timeIntervalSince1970: 0))
        let tasks = TaskGraph.build(plan: plan, mode: .parallel)
        let caps = GeneratorCapabilities(name: "testpattern", version: "1", deterministic: true, conditioningFrames: 0, maxFramesPerCall: 240)
        let attempt = "\(job.id)/generate-0000/1"

        try seed("ready", .coordinatorFromNode, WireMessage(command: FarmProtocol.ready, body: ReadyBody(
            name: "node-1", slots: 2, cores: 2, memoryBytes: 1 << 34, generators: [caps], storage: .transfer,
            running: [attempt], draining: false, softwareVersion: "0.1.0")))
        try seed("heartbeat", .coordinatorFromNode, WireMessage(command: FarmProtocol.heartbeat, body: NodeHeartbeatBody(running: [attempt], draining: true)))
        try seed("progress", .coordinatorFromNode, WireMessage(command: FarmProtocol.progress, body: ProgressBody(attempt: attempt, framesDone: 3)))
        try seed("file", .coordinatorFromNode, WireMessage(command: FarmProtocol.file,
            body: FileBody(attempt: attempt, path: "demo/tp010/plates/main/v001/tp010_main_v001.1001.exr"), payload: Data([0x76, 0x2F, 0x31, 0x01, 2, 0, 0, 0])))
        try seed("result", .coordinatorFromNode, WireMessage(command: FarmProtocol.result, body: ResultBody(attempt: attempt,
            outcome: TaskOutcome(framesWritten: 2, files: ["a/b.exr"], lightingID: "lit-1", published: "demo/v001"))))
        try seed("failed", .coordinatorFromNode, WireMessage(command: FarmProtocol.failed, body: FailedBody(attempt: attempt, error: "boom", retryable: true)))
        try seed("bye", .coordinatorFromNode, WireMessage(command: FarmProtocol.bye, body: EmptyBody()))

        let specText = try String(contentsOfFile: "Farm/shots/testpattern.yaml", encoding: .utf8)
        try seed("submit", .coordinatorFromClient, WireMessage(command: FarmProtocol.submit, body: SubmitBody(
            request: "r1", specText: specText, specName: "testpattern.yaml", baseDirectory: "/srv/shots", plateVersion: "next", overlap: 2, owner: "fuzz")))
        // Issue 10's one-message coordinator crash: a SUBMIT whose spec nests 10,000 flow lists.
        let deep = "show: demo\nshot: sh010\nfps: 24\nframes: {count: 1}\nresolution: " + String(repeating: "[", count: 10_000) + "\n"
        try seed("submit-deep", .coordinatorFromClient, WireMessage(command: FarmProtocol.submit, body: SubmitBody(
            request: "r9", specText: deep, specName: "deep.yaml", baseDirectory: "/srv/shots", plateVersion: nil, overlap: nil, owner: "fuzz")))
        try seed("status", .coordinatorFromClient, WireMessage(command: FarmProtocol.status, body: TargetBody(request: "r2", job: job.id)))
        try seed("drain-node", .coordinatorFromClient, WireMessage(command: FarmProtocol.drainNode, body: TargetBody(request: "r3", node: "node-1")))

        try seed("task", .nodeFromCoordinator, WireMessage(command: FarmProtocol.task, body: TaskBody(attempt: attempt, job: job, task: tasks[1])))
        try seed("cancel", .nodeFromCoordinator, WireMessage(command: FarmProtocol.cancel, body: CancelBody(attempt: attempt)))
        try seed("welcome", .nodeFromCoordinator, WireMessage(command: FarmProtocol.welcome, body: WelcomeBody(heartbeatIntervalMS: 1000, liveness: 3)))

        try seed("error", .clientFromCoordinator, WireMessage(command: FarmProtocol.error, body: ErrorReply(request: "r1", code: "bad_input", message: "shot.fps: …")))
        let status = JobStatus(job: job.id, show: "demo", shot: "tp010", state: .running, version: "v001", framesDone: 1, framesTotal: 24,
                               chunksDone: 0, chunks: 1, tasksRunning: 1, nodes: ["node-1"], etaSeconds: 2.5, error: nil, published: nil,
                               seamScores: [0.5, nil], submittedAt: Date(timeIntervalSince1970: 0))
        let node = NodeStatus(name: "node-1", state: "busy", slots: 2, running: [attempt], generators: ["testpattern"], storage: .shared,
                              lastSeenSecondsAgo: 0.2, tasksDone: 4)
        try seed("reply", .clientFromCoordinator, WireMessage(command: FarmProtocol.reply, body: ClientReply(request: "r2", job: job.id, jobs: [status], nodes: [node])))
    }
}

/// The fuzz input's framing: frames joined by a separator libFuzzer can find and mutate.
enum WireInput {
    static let separator: [UInt8] = [0x7C, 0x00, 0x7C]

    static func split(_ bytes: UnsafeRawBufferPointer.SubSequence) -> [Data] {
        var frames: [Data] = []
        var start = bytes.startIndex, i = bytes.startIndex
        while i + separator.count <= bytes.endIndex {
            if bytes[i] == separator[0], bytes[i + 1] == separator[1], bytes[i + 2] == separator[2] {
                frames.append(Data(bytes[start..<i]))
                i += separator.count
                start = i
            } else {
                i += 1
            }
        }
        frames.append(Data(bytes[start..<bytes.endIndex]))
        return frames
    }

    static func join(_ frames: [Data], receiver: UInt8) -> [UInt8] {
        var out: [UInt8] = [receiver]
        for (i, frame) in frames.enumerated() {
            if i > 0 { out += separator }
            out += frame
        }
        return out
    }
}
#else
import FuzzSupport

@main enum FuzzWire {
    static func main() { Fuzzer.main("FuzzWire", seeds: { _ in }, test: { _ in }) }
}
#endif
