import Chunking
import Color
import Foundation
import ImageCore
import Inference
import Plates
import ShotSpec

/// The expensive per-task objects, built once and reused for every frame of the task:
/// the generator, the OCIO processor and the plate writers.
struct TaskContext {
    let job: ShotJob
    let spec: ShotSpec
    let task: TaskNode
    /// The lease this run belongs to: every file it writes goes under its own attempt folder.
    let attempt: String
    let nodeName: String
    /// Where files are written, lighting artifacts included (shared storage root, or a
    /// transfer-mode scratch root).
    let root: URL
    let layout: PlateLayout
    let staging: JobStaging
    let generator: any Generator
    let colorConfig: ColorConfig
    let toPlate: ColorProcessor
    let plateColorspace: String
    let finalWriter: PlateWriter
    let intermediateWriter: PlateWriter

    init(job: ShotJob, spec: ShotSpec, root: URL, registry: GeneratorRegistry, nodeName: String, task: TaskNode, attempt: String) throws {
        // The attempt id names a folder: accept only what the coordinator makes (a lower-case UUID).
        guard (1...64).contains(attempt.utf8.count), attempt.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) || $0 == 45 }) else {
            throw TaskError.failed("attempt id '\(attempt.prefix(64))' is not a lower-case UUID")
        }
        self.job = job
        self.spec = spec
        self.task = task
        self.attempt = attempt
        self.nodeName = nodeName
        self.root = root.standardizedFileURL
        layout = PlateLayout(root: self.root, show: spec.show, shot: spec.shot, plate: spec.output.plate)
        staging = JobStaging(job: job, spec: spec, root: self.root)
        generator = try registry.generator(named: spec.generator.name)
        colorConfig = try ColorConfig.shared(explicit: job.ocioConfig)
        plateColorspace = try colorConfig.colorspace(named: spec.output.colorspace)
        toPlate = try colorConfig.processor(from: "ACEScg", to: plateColorspace)
        finalWriter = try PlateWriter(format: PlateFormat(output: spec.output, colorspace: plateColorspace))
        intermediateWriter = try PlateWriter(format: .intermediate)
    }

    /// This attempt's own `vNNN` folder: its final frames, or publish's sidecars.
    var attemptVersionFolder: URL { staging.attemptFile(attempt, PlateVersion.label(job.version)) }

    /// Where this attempt writes final frame `frame`.
    func attemptFinalPath(frame: Int) -> URL { staging.attemptFile(attempt, staging.framePath(frame)) }

    /// A final frame the coordinator accepted (what publish reads).
    func acceptedFinalPath(frame: Int) -> URL { staging.workFolder.appendingPathComponent(staging.framePath(frame)) }

    /// An overlap frame the coordinator accepted (what blends and the next sequential chunk read).
    func acceptedIntermediatePath(chunk: Int, frame: Int) -> URL { staging.acceptedIntermediate(chunk: chunk, frame: frame) }

    /// Creates this attempt's folders once, before any frame: writers never create folders, so a
    /// stale attempt resumed after its folder was removed fails instead of recreating it.
    func makeAttemptFolders(intermediateChunk: Int? = nil) throws {
        try FileManager.default.createDirectory(at: attemptVersionFolder, withIntermediateDirectories: true)
        if let chunk = intermediateChunk {
            let folder = staging.attemptFile(attempt, JobStaging.intermediatePath(chunk: chunk, frame: 0)).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
    }

    /// Converts an ACEScg frame to the plate colour space and writes it as a final frame;
    /// `stopwatch` records the convert and write seconds (its mark must be where this frame's
    /// earlier stage ended) with `generate`.
    func writeFinal(_ image: RGBAImage, frame: Int, chunk: Int?, generate: Double? = nil, stopwatch: inout FrameStopwatch) throws -> String {
        let converted = try toPlate.applied(to: image)
        let convert = stopwatch.lap()
        let url = attemptFinalPath(frame: frame)
        try finalWriter.write(converted, to: url, metadata: metadata(frame: frame, chunk: chunk))
        stopwatch.record(FrameTimings.Frame(frame: frame, generate: generate, convert: convert, write: stopwatch.lap()))
        return relative(url)
    }

    /// Keeps a scene-linear ACEScg Float32 frame for blending or conditioning (no conversion).
    func writeIntermediate(_ image: RGBAImage, frame: Int, chunk: Int, generate: Double?, stopwatch: inout FrameStopwatch) throws -> String {
        let url = staging.attemptFile(attempt, JobStaging.intermediatePath(chunk: chunk, frame: frame))
        try intermediateWriter.write(image, to: url, metadata: metadata(frame: frame, chunk: chunk))
        stopwatch.record(FrameTimings.Frame(frame: frame, generate: generate, write: stopwatch.lap()))
        return relative(url)
    }

    func metadata(frame: Int, chunk: Int?) -> FrameMetadata {
        let caps = generator.capabilities
        var strings = [
            "scenefarm/show": spec.show,
            "scenefarm/shot": spec.shot,
            "scenefarm/scene": spec.scene,
            "scenefarm/job": job.id,
            "scenefarm/task": task.name,
            "scenefarm/generator": caps.name,
            "scenefarm/generatorVersion": caps.version,
            "scenefarm/specHash": spec.specHash,
            "scenefarm/colorspace": plateColorspace,
            "scenefarm/node": nodeName,
        ]
        if let chunk { strings["scenefarm/chunk"] = String(chunk) }
        if let lighting = job.lightingID, lighting != LightingArtifact.none.id { strings["scenefarm/lighting"] = lighting }
        return FrameMetadata(
            frameNumber: frame, fps: spec.fps, owner: job.owner,
            comments: "SceneFarm \(spec.show)/\(spec.shot) \(PlateVersion.label(job.version)), \(caps.name) \(caps.version), \(plateColorspace)",
            capDate: job.submittedAt, strings: strings
        )
    }

    func relative(_ url: URL) -> String { StoragePath.relative(url, to: root) }
}
