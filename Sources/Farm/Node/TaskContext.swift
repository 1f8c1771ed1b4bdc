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
    let nodeName: String
    /// Where files are written, lighting artifacts included (shared storage root, or a
    /// transfer-mode scratch root).
    let root: URL
    let layout: PlateLayout
    let generator: any Generator
    let colorConfig: ColorConfig
    let toPlate: ColorProcessor
    let plateColorspace: String
    let finalWriter: PlateWriter
    let intermediateWriter: PlateWriter

    init(job: ShotJob, spec: ShotSpec, root: URL, registry: GeneratorRegistry, nodeName: String, task: TaskNode) throws {
        self.job = job
        self.spec = spec
        self.task = task
        self.nodeName = nodeName
        self.root = root.standardizedFileURL
        layout = PlateLayout(root: self.root, show: spec.show, shot: spec.shot, plate: spec.output.plate)
        generator = try registry.generator(named: spec.generator.name)
        colorConfig = try ColorConfig.shared(explicit: job.ocioConfig)
        plateColorspace = try colorConfig.colorspace(named: spec.output.colorspace)
        toPlate = try colorConfig.processor(from: "ACEScg", to: plateColorspace)
        finalWriter = try PlateWriter(format: PlateFormat(output: spec.output, colorspace: plateColorspace))
        intermediateWriter = try PlateWriter(format: .intermediate)
    }

    var stagingFolder: URL { layout.stagingFolder(job: job.id, version: job.version) }

    func finalPath(frame: Int) -> URL { stagingFolder.appendingPathComponent(layout.frameName(version: job.version, frame: frame)) }

    func intermediateFolder(chunk: Int) -> URL {
        layout.intermediateFolder(job: job.id).appendingPathComponent(String(format: "c%04d", chunk))
    }

    func intermediatePath(chunk: Int, frame: Int) -> URL {
        intermediateFolder(chunk: chunk).appendingPathComponent(String(format: "%08d.exr", frame))
    }

    /// Converts an ACEScg frame to the plate colour space and writes it as a final frame.
    func writeFinal(_ image: RGBAImage, frame: Int, chunk: Int?) throws -> String {
        var converted = image
        try toPlate.apply(&converted)
        let url = finalPath(frame: frame)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try finalWriter.write(converted, to: url, metadata: metadata(frame: frame, chunk: chunk))
        return relative(url)
    }

    /// Keeps a scene-linear ACEScg Float32 frame for blending or conditioning.
    func writeIntermediate(_ image: RGBAImage, frame: Int, chunk: Int) throws -> String {
        let url = intermediatePath(chunk: chunk, frame: frame)
        try intermediateWriter.write(image, to: url, metadata: metadata(frame: frame, chunk: chunk))
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

    func relative(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        let base = root.path.hasSuffix("/") ? root.path : root.path + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }
}
