import Chunking
import Foundation
import ImageCore
import Inference
import Plates
import ShotSpec

/// A job prepared for a farm queue that runs the tasks itself (Deadline Cloud through Open Job
/// Description, OpenCue): everything `scenefarm task run` needs, written once at export time.
/// The version is reserved then, so two exports never pick the same one.
public struct QueueJob: Sendable, Codable, Equatable {
    /// The file format; `task run` refuses a file from a newer SceneFarm.
    public static let currentFormat = 1
    public var format: Int
    public var job: ShotJob
    /// The task graph, in dependency order.
    public var tasks: [TaskNode]
    /// The generator's capabilities, for queue host requirements (a plugin model wants a GPU).
    public var generatorBuiltIn: Bool

    public init(job: ShotJob, builtIn: Bool) {
        format = Self.currentFormat
        self.job = job
        tasks = job.tasks
        generatorBuiltIn = builtIn
    }

    /// Checks, resolves the version of and reserves a job for `spec`, like `submit` on a farm.
    /// `taskFrames` splits chunks into generate tasks of about that many frames, for a
    /// deterministic generator in parallel mode (others keep whole chunks).
    public static func prepare(
        _ spec: ShotSpec, preparation: JobPreparation, rootOverride: String?, versionOverride: PlateVersion?, overlap: Int?,
        taskFrames: Int? = nil
    ) throws(TaskError) -> QueueJob {
        var job = try preparation.prepare(spec, rootOverride: rootOverride, versionOverride: versionOverride, overlap: overlap)
        if let taskFrames, case .parallel = job.mode,
           (try? preparation.registry.generator(named: spec.generator.name).capabilities.deterministic) == true {
            job.taskFrames = taskFrames
        }
        do {
            _ = try job.layout(spec: spec).reserve(job: job.id, version: job.version)
        } catch {
            job.layout(spec: spec).discard(job: job.id)
            throw TaskError.plate(error)
        }
        return QueueJob(job: job, builtIn: GeneratorRegistry.builtIn.names.contains(spec.generator.name))
    }

    /// Gives back the version reserved at export (the export could not be written).
    public func discardReservation() {
        guard let spec = try? job.spec() else { return }
        job.layout(spec: spec).discard(job: job.id)
    }

    /// The job file's bytes: pretty JSON, so a wrangler can read what a task will do.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    /// The largest job file read (the spec is at most 1 MiB; the plan and graph add little).
    public static let maxFileBytes: Int64 = 8 << 20

    /// Reads a job file written by `export`.
    public static func load(path: String) throws(TaskError) -> QueueJob {
        let data: Data
        do {
            data = try InputFile.read(path, limit: maxFileBytes)
        } catch {
            throw .spec(SpecError(path: path, reason: error.reason))
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let file: QueueJob
        do {
            file = try decoder.decode(QueueJob.self, from: data)
        } catch {
            throw .spec(SpecError(path: path, reason: "is not a SceneFarm job file (\(error))"))
        }
        guard file.format <= currentFormat else {
            throw .spec(SpecError(path: path, reason: "job file format \(file.format) is newer than this SceneFarm reads (\(currentFormat))"))
        }
        guard file.tasks == file.job.tasks else {
            throw .spec(SpecError(path: path, reason: "its task graph does not match its chunk plan; export the shot again"))
        }
        return file
    }
}
