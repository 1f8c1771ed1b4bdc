import Chunking
import Foundation
import ShotSpec

/// The command lines a farm queue runs for a `QueueJob`: one `scenefarm task run` per task,
/// grouped into steps (Open Job Description) or layers (OpenCue) by task kind.
public struct QueueExport: Sendable {
    public let queueJob: QueueJob
    /// The `scenefarm` executable the queue's workers run (an absolute path, or a name on PATH).
    public let executable: String
    /// The job file as the queue's workers see it.
    public let jobFile: String

    public init(queueJob: QueueJob, executable: String, jobFile: String) {
        self.queueJob = queueJob
        self.executable = executable
        self.jobFile = jobFile
    }

    /// One step or layer: the task kind, the indices it covers, and its dependencies.
    public struct Stage: Sendable, Equatable {
        public let kind: TaskKind
        /// Chunk indices (generate), boundary indices (blend), or [0].
        public let indices: [Int]
        /// Stages this one waits for, by kind.
        public let after: [TaskKind]
        /// Sequential chunking: each index waits for the one before it.
        public let chained: Bool

        public var name: String { kind.rawValue.capitalized }
    }

    /// The stages in dependency order; a shot with one chunk has no blend stage.
    public var stages: [Stage] {
        // Sequential chunking never splits, so there part i is chunk i.
        let chained = queueJob.tasks.contains { $0.kind == .generate && $0.dependsOn.contains { $0.hasPrefix("generate-") } }
        var stages = [Stage(kind: .lighting, indices: [0], after: [], chained: false)]
        // Generate tasks by part number: whole chunks, or the parts chunks were split into.
        stages.append(Stage(kind: .generate, indices: Array(generateTasks.indices), after: [.lighting], chained: chained))
        let boundaries = queueJob.tasks.filter { $0.kind == .blend }.map(\.index)
        if !boundaries.isEmpty { stages.append(Stage(kind: .blend, indices: boundaries, after: [.generate], chained: false)) }
        stages.append(Stage(kind: .publish, indices: [0], after: [boundaries.isEmpty ? .generate : .blend], chained: false))
        return stages
    }

    /// The generate tasks in graph order: part `p` of the queue's Generate step or layer.
    public var generateTasks: [TaskNode] { queueJob.tasks.filter { $0.kind == .generate } }

    /// `scenefarm task run JOB --task KIND [--part P | --index N]` with `index` standing for the
    /// queue's own placeholder (`{{Task.Param.Index}}`, `#IFRAME#`): a generate part, or a
    /// blend boundary.
    public func arguments(_ kind: TaskKind, index: String?) -> [String] {
        let flag = kind == .generate ? "--part" : "--index"
        return ["task", "run", jobFile, "--task", kind.rawValue] + (index.map { [flag, $0] } ?? [])
    }

    /// `0-2`, or `0,2,5` for indices that are not one run.
    static func range(_ indices: [Int]) -> String {
        guard let first = indices.first, let last = indices.last else { return "0" }
        if indices == Array(first...last) { return first == last ? "\(first)" : "\(first)-\(last)" }
        return indices.map(String.init).joined(separator: ",")
    }

    /// Memory a worker should have: a few Float32 frames of the shot plus the generator's own.
    public var memoryMiB: Int {
        let spec = (try? queueJob.job.spec())
        let pixels = (spec?.resolution.width ?? 1920) * (spec?.resolution.height ?? 1080)
        return max(2048, pixels * 16 * 8 / (1 << 20) + 1024)
    }

    // MARK: - Open Job Description

    /// An Open Job Description job template (`jobtemplate-2023-09`): the Deadline Cloud format.
    public func openJobDescription() -> String {
        let job = queueJob.job
        let names = (try? job.spec()).map { "\($0.show)/\($0.shot) v\(String(format: "%03d", job.version))" } ?? job.id
        var steps: [YAMLText.Node] = []
        for stage in stages {
            var step: [(String, YAMLText.Node)] = [("name", .string(stage.name))]
            if !stage.after.isEmpty {
                step.append(("dependencies", .list(stage.after.map { .map([("dependsOn", .string($0.rawValue.capitalized))]) })))
            }
            let indexed = stage.kind == .generate || stage.kind == .blend
            if indexed {
                step.append(("parameterSpace", .map([
                    ("taskParameterDefinitions", .list([.map([("name", .string("Index")), ("type", .string("INT")), ("range", .string(Self.range(stage.indices)))])])),
                ])))
            }
            let args = arguments(stage.kind, index: indexed ? "{{Task.Param.Index}}" : nil).map { $0 == jobFile ? "{{Param.JobFile}}" : $0 }
            step.append(("script", .map([
                ("actions", .map([("onRun", .map([
                    ("command", .string("{{Param.SceneFarm}}")),
                    ("args", .list(args.map { .string($0) })),
                ]))])),
            ])))
            var amounts: [YAMLText.Node] = [
                .map([("name", .string("amount.worker.vcpu")), ("min", .int(stage.kind == .publish || stage.kind == .lighting ? 1 : 2))]),
                .map([("name", .string("amount.worker.memory")), ("min", .int(memoryMiB))]),
            ]
            if stage.kind == .generate, !queueJob.generatorBuiltIn {
                amounts.append(.map([("name", .string("amount.worker.gpu")), ("min", .int(1))]))
            }
            step.append(("hostRequirements", .map([("amounts", .list(amounts))])))
            steps.append(.map(step))
        }
        let template: YAMLText.Node = .map([
            ("specificationVersion", .string("jobtemplate-2023-09")),
            ("name", .string("SceneFarm \(names)")),
            ("description", .string("SceneFarm job \(job.id): lighting, \(job.plan.chunks.count) chunk(s), blend, publish. Each task runs `scenefarm task run`; see Docs/farm-queues.md.")),
            ("parameterDefinitions", .list([
                // A PATH default is relative to the template's folder, where the job file sits.
                .map([("name", .string("JobFile")), ("type", .string("PATH")), ("objectType", .string("FILE")), ("dataFlow", .string("IN")),
                      ("description", .string("The SceneFarm job file written by `scenefarm export openjd`.")),
                      ("default", .string(URL(fileURLWithPath: jobFile).lastPathComponent))]),
                .map([("name", .string("SceneFarm")), ("type", .string("STRING")),
                      ("description", .string("The scenefarm executable on the workers.")), ("default", .string(executable))]),
                .map([("name", .string("PlateRoot")), ("type", .string("STRING")),
                      ("description", .string("Plate root the version is published under (fixed at export; informational).")), ("default", .string(job.storageRoot))]),
                .map([("name", .string("PlateVersion")), ("type", .string("STRING")),
                      ("description", .string("Version reserved at export (informational).")), ("default", .string(String(format: "v%03d", job.version)))]),
                .map([("name", .string("OcioConfig")), ("type", .string("STRING")),
                      ("description", .string("OCIO config the plates use (empty: the workers' $OCIO or the bundled ACES config; fixed at export).")),
                      ("default", .string(job.ocioConfig ?? ""))]),
            ])),
            ("steps", .list(steps)),
        ])
        return YAMLText.render(template)
    }

    /// `parameter_values.yaml` of a Deadline Cloud job bundle.
    public func parameterValues() -> String {
        YAMLText.render(.map([("parameterValues", .list([
            .map([("name", .string("JobFile")), ("value", .string(jobFile))]),
            .map([("name", .string("SceneFarm")), ("value", .string(executable))]),
        ]))]))
    }

    // MARK: - OpenCue

    /// An OpenCue job in cjsl 1.15 XML (what PyOutline serialises and Cuebot validates): one
    /// layer per task kind, the chunk or boundary index as the layer's frame, and the
    /// dependencies as layer-on-layer or frame-on-frame where they apply.
    public func openCue(user: String) -> String {
        let job = queueJob.job
        let spec = try? job.spec()
        let jobName = Self.token("\(spec?.show ?? "scenefarm")-\(spec?.shot ?? job.id)-v\(String(format: "%03d", job.version))-\(job.id)")
        var xml = """
            <?xml version="1.0"?>
            <!DOCTYPE spec PUBLIC "SPI Cue Specification Language" "http://localhost:8080/spcue/dtd/cjsl-1.15.dtd">
            <spec>
              <show>\(Self.escape(spec?.show ?? "scenefarm"))</show>
              <shot>\(Self.escape(spec?.shot ?? job.id))</shot>
              <user>\(Self.escape(user))</user>
              <job name="\(jobName)">
                <paused>False</paused>
                <maxretries>3</maxretries>
                <autoeat>False</autoeat>
                <layers>

            """
        for stage in stages {
            let indexed = stage.kind == .generate || stage.kind == .blend
            let command = ([executable] + arguments(stage.kind, index: indexed ? "#IFRAME#" : nil)).map(Self.shellQuoted).joined(separator: " ")
            xml += """
                      <layer name="\(stage.kind.rawValue)" type="\(stage.kind == .publish ? "Post" : "Render")">
                        <cmd>\(Self.escape(command))</cmd>
                        <range>\(Self.range(stage.indices))</range>
                        <chunk>1</chunk>
                        <cores>\(stage.kind == .generate || stage.kind == .blend ? 2 : 1)</cores>
                        <memory>\(memoryMiB)m</memory>
                      </layer>

                """
        }
        xml += "    </layers>\n  </job>\n  <depends>\n"
        func depend(_ type: String, _ layer: TaskKind, _ frame: Int?, on onLayer: TaskKind, _ onFrame: Int?) {
            xml += "    <depend type=\"\(type)\">\n      <depjob>\(jobName)</depjob>\n      <deplayer>\(layer.rawValue)</deplayer>\n"
            if let frame { xml += "      <depframe>\(frame)</depframe>\n" }
            xml += "      <onjob>\(jobName)</onjob>\n      <onlayer>\(onLayer.rawValue)</onlayer>\n"
            if let onFrame { xml += "      <onframe>\(onFrame)</onframe>\n" }
            xml += "    </depend>\n"
        }
        for stage in stages {
            if stage.kind == .blend {
                // Boundary b needs exactly the generate parts of chunks b and b + 1.
                let parts = generateTasks
                for b in stage.indices {
                    for (part, task) in parts.enumerated() where task.index == b || task.index == b + 1 {
                        depend("FRAME_ON_FRAME", .blend, b, on: .generate, part)
                    }
                }
            } else {
                for after in stage.after { depend("LAYER_ON_LAYER", stage.kind, nil, on: after, nil) }
            }
            if stage.chained {
                for i in stage.indices.dropFirst() { depend("FRAME_ON_FRAME", stage.kind, i, on: stage.kind, i - 1) }
            }
        }
        xml += "  </depends>\n</spec>\n"
        return xml
    }

    /// An XML NMTOKEN: letters, digits, '.', '-', '_', ':'.
    static func token(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-:".contains($0)) ? $0 : "_" })
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A word for a POSIX shell command line (OpenCue runs `cmd` through a shell).
    static func shellQuoted(_ word: String) -> String {
        if !word.isEmpty, word.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/._-#:=+,".contains($0)) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// A small YAML writer for the templates above: block mappings and lists, every string
/// double-quoted with JSON escapes (valid YAML), so no value can change the document's shape.
enum YAMLText {
    indirect enum Node {
        case map([(String, Node)])
        case list([Node])
        case string(String)
        case int(Int)
    }

    static func render(_ node: Node) -> String {
        var out = ""
        write(node, indent: 0, into: &out)
        return out
    }

    private static func write(_ node: Node, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        switch node {
        case .map(let pairs):
            for (key, value) in pairs {
                if isBlock(value) {
                    out += "\(pad)\(key):\n"
                    write(value, indent: indent + 2, into: &out)
                } else {
                    out += "\(pad)\(key): \(scalar(value))\n"
                }
            }
        case .list(let items):
            for item in items {
                if case .map = item, isBlock(item) {
                    // The mapping written two spaces in, its first line starting "- " instead.
                    var block = ""
                    write(item, indent: indent + 2, into: &block)
                    out += pad + "- " + block.dropFirst(indent + 2)
                } else if isBlock(item) {
                    out += "\(pad)-\n"
                    write(item, indent: indent + 2, into: &out)
                } else {
                    out += "\(pad)- \(scalar(item))\n"
                }
            }
        default:
            out += "\(pad)\(scalar(node))\n"
        }
    }

    /// A non-empty mapping or list, written over several lines.
    private static func isBlock(_ node: Node) -> Bool {
        switch node {
        case .map(let pairs): return !pairs.isEmpty
        case .list(let items): return !items.isEmpty
        default: return false
        }
    }

    private static func scalar(_ node: Node) -> String {
        switch node {
        case .string(let s): return SpecValue.jsonString(s)
        case .int(let i): return String(i)
        case .map(let pairs) where pairs.isEmpty: return "{}"
        case .list(let items) where items.isEmpty: return "[]"
        default: return ""
        }
    }
}
