import ArgumentParser
import Farm
import Foundation
import Plates
import ShotSpec

/// `scenefarm export openjd|opencue`: hand a shot's tasks to a studio's own farm queue.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a shot's task graph for another farm queue (Deadline Cloud / Open Job Description, OpenCue).",
        discussion: "The version is reserved at export. Every task runs `scenefarm task run JOB.json --task KIND [--index N]` on shared storage; see Docs/farm-queues.md.",
        subcommands: [ExportOpenJDCommand.self, ExportOpenCueCommand.self]
    )
}

/// What both exports share: the spec, where plates go, and the executable the workers run.
struct ExportOptions: ParsableArguments {
    @Argument(help: "Shot spec, YAML or JSON.") var spec: String
    @Option(help: "Plate root (overrides output.root in the spec); must be shared storage the workers mount at the same path.") var root: String?
    @Option(name: .customLong("plate-version"), help: "v001, v002, … or next (overrides output.version); resolved and reserved now.") var plateVersion: String?
    @Option(help: "Overlap frames between chunks.") var overlap: Int?
    @Option(help: "OCIO config the plates use (overrides the spec's output.ocio_config).") var ocio: String?
    @Option(help: "Plugin generators file, when the spec names a plugin.") var plugins: String?
    @Option(help: "The scenefarm executable as the workers see it (default: this one's absolute path).") var executable: String?
    @Option(name: .customLong("task-frames"), help: "Split chunks into generate tasks of about this many frames (deterministic generators in parallel mode), so more workers share a shot; default: whole chunks.") var taskFrames: Int?

    func validate() throws {
        if let taskFrames, taskFrames < 1 { throw ValidationError("--task-frames must be at least 1, got \(taskFrames)") }
        // Workers run it from their own working folder: an absolute path, or a bare name they
        // find on their PATH.
        if let executable {
            guard !executable.isEmpty, executable.hasPrefix("/") || !executable.contains("/"),
                  !executable.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw ValidationError("--executable must be an absolute path as the workers see it (/opt/scenefarm/bin/scenefarm) or a command on their PATH, got '\(executable.prefix(200))'")
            }
        }
    }

    /// Checks the shot, reserves its version and returns the job with the executable to run.
    func prepare() throws -> (job: QueueJob, executable: String) {
        let shot = try loadSpec(spec)
        let version = try parsePlateVersion(plateVersion)
        let preparation = JobPreparation(registry: try loadRegistry(plugins: plugins), ocioOverride: ocio)
        // The root is the workers' shared storage: missing here, it is not mounted (or mistyped),
        // and reserving the version would create a local folder where the mount belongs.
        let plateRoot = PlateLayout(spec: shot, rootOverride: root).root.path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: plateRoot, isDirectory: &isFolder), isFolder.boolValue else {
            throw fail("\(root == nil ? "\(spec): output.root" : "--root"): the plate root \(plateRoot) is not a folder here; mount the shared storage the workers use (or create it) and export again", code: ExitCodes.badInput)
        }
        let job: QueueJob
        do {
            job = try QueueJob.prepare(shot, preparation: preparation, rootOverride: root, versionOverride: version, overlap: overlap, taskFrames: taskFrames)
        } catch {
            throw specFailure(error, file: spec)
        }
        return (job, executable ?? Self.ownExecutable())
    }

    /// This process's executable, absolute (farm workers do not share our working folder).
    static func ownExecutable() -> String {
        let path = CommandLine.arguments[0]
        guard path.contains("/") else { return path }
        return URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// Writes `data` to `url` through a temporary name in the same folder.
    static func write(_ text: String, to url: URL) throws {
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw fail("\(url.path): cannot write: \(error.localizedDescription)", code: ExitCodes.failure)
        }
    }
}

struct ExportOpenJDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openjd",
        abstract: "Write an Open Job Description job bundle (template.yaml, parameter_values.yaml, job.json) for Deadline Cloud or `openjd run`."
    )

    @OptionGroup var options: ExportOptions
    @Option(help: "Bundle folder to create (must not exist or be empty).") var out: String

    func run() throws {
        let bundle = URL(fileURLWithPath: out).standardizedFileURL
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: bundle.path), !existing.isEmpty {
            throw fail("\(bundle.path): is not empty; give a new folder for the bundle", code: ExitCodes.badInput)
        }
        // The folder first: a bundle that cannot be written must not leave a version reserved.
        let existed = FileManager.default.fileExists(atPath: bundle.path)
        do {
            try FileManager.default.createDirectory(at: bundle, withIntermediateDirectories: true)
        } catch {
            throw fail("\(bundle.path): cannot create the bundle folder (\(error.localizedDescription))", code: ExitCodes.badInput)
        }
        let job: QueueJob, executable: String
        do {
            (job, executable) = try options.prepare()
        } catch {
            if !existed { try? FileManager.default.removeItem(at: bundle) }
            throw error
        }
        let jobFile = bundle.appendingPathComponent("job.json")
        let export = QueueExport(queueJob: job, executable: executable, jobFile: jobFile.path)
        do {
            try ExportOptions.write(String(decoding: try job.encoded(), as: UTF8.self), to: jobFile)
            try ExportOptions.write(export.openJobDescription(), to: bundle.appendingPathComponent("template.yaml"))
            try ExportOptions.write(export.parameterValues(), to: bundle.appendingPathComponent("parameter_values.yaml"))
        } catch {
            job.discardReservation()
            if !existed { try? FileManager.default.removeItem(at: bundle) }
            throw error
        }
        print(bundle.path)
        FileHandle.standardError.write(Data("job \(job.job.id): \(job.tasks.count) tasks in \(export.stages.count) steps, version v\(String(format: "%03d", job.job.version)) reserved under \(job.job.storageRoot)\n".utf8))
    }
}

struct ExportOpenCueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "opencue",
        abstract: "Write an OpenCue job (cjsl 1.15 XML) and its job.json beside it, for `cuerun` or Cuebot."
    )

    @OptionGroup var options: ExportOptions
    @Option(help: "The job XML to write (JOB.xml); the job file goes beside it as JOB.job.json.") var out: String
    @Option(help: "OpenCue user (default $USER).") var user: String = ProcessInfo.processInfo.environment["USER"] ?? "scenefarm"

    func run() throws {
        let xml = URL(fileURLWithPath: out).standardizedFileURL
        guard !FileManager.default.fileExists(atPath: xml.path) else {
            throw fail("\(xml.path): exists; give a new file name", code: ExitCodes.badInput)
        }
        guard FileManager.default.isWritableFile(atPath: xml.deletingLastPathComponent().path) else {
            throw fail("\(xml.deletingLastPathComponent().path): is not a folder this user can write", code: ExitCodes.badInput)
        }
        let (job, executable) = try options.prepare()
        let jobFile = xml.deletingPathExtension().appendingPathExtension("job.json")
        let export = QueueExport(queueJob: job, executable: executable, jobFile: jobFile.path)
        do {
            try ExportOptions.write(String(decoding: try job.encoded(), as: UTF8.self), to: jobFile)
            try ExportOptions.write(export.openCue(user: user), to: xml)
        } catch {
            // Nothing half-written: no job file without its XML, no version reserved for neither.
            job.discardReservation()
            try? FileManager.default.removeItem(at: jobFile)
            throw error
        }
        print(xml.path)
    }
}
