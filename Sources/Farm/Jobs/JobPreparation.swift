import Chunking
import Color
import Foundation
import Inference
import Plates
import ShotSpec

/// Checks a spec against everything a render needs before any file is created, and turns it
/// into a `ShotJob`. Used by `validate`, `render` and `submit`, so they agree on what is valid.
public struct JobPreparation: Sendable {
    public let registry: GeneratorRegistry
    /// The CLI's --ocio; wins over the spec's output.ocio_config.
    public let ocioOverride: String?

    public init(registry: GeneratorRegistry, ocioOverride: String? = nil) {
        self.registry = registry
        self.ocioOverride = ocioOverride
    }

    /// The OCIO config path a job uses (nil: the node's $OCIO or the bundled config).
    public func ocioConfig(for spec: ShotSpec) -> String? {
        if let ocioOverride { return ocioOverride }
        guard let path = spec.output.ocioConfig else { return nil }
        return path.hasPrefix("/") ? path : spec.baseDirectory.appendingPathComponent(path).standardizedFileURL.path
    }

    /// The spec as generators see it in a job: its OCIO config resolved to the one the job uses.
    public func resolved(_ spec: ShotSpec) -> ShotSpec {
        var spec = spec
        spec.output.ocioConfig = ocioConfig(for: spec)
        return spec
    }

    /// Everything that can be checked without writing: generator, colour spaces, chunk plan.
    public func check(_ spec: ShotSpec, overlap: Int? = nil) throws(TaskError) -> (plan: ChunkPlan, mode: ChunkMode) {
        let spec = resolved(spec)
        do {
            let generator = try registry.generator(named: spec.generator.name)
            let caps = generator.capabilities
            guard spec.resolution.width <= caps.maxWidth, spec.resolution.height <= caps.maxHeight else {
                throw TaskError.spec(SpecError(path: "shot.resolution", reason: "generator \(caps.name) renders at most \(caps.maxWidth)x\(caps.maxHeight)"))
            }
            try generator.validate(spec)
            let config = try ColorConfig.shared(explicit: spec.output.ocioConfig)
            do {
                let plate = try config.colorspace(named: spec.output.colorspace)
                _ = try PlateWriter(format: PlateFormat(output: spec.output, colorspace: plate))
                _ = try config.processor(from: "ACEScg", to: plate)
            } catch let error as ColorError {
                throw TaskError.spec(SpecError(path: "shot.output.colorspace", reason: error.description))
            } catch let error as PlateError {
                throw TaskError.spec(SpecError(path: "shot.output.colorspace", reason: error.description))
            }
            _ = try Self.reviewMovies(spec, config: config)
            for (i, object) in spec.objects.enumerated() {
                do { _ = try config.colorspace(named: object.material.colorspace) } catch {
                    throw TaskError.spec(SpecError(path: "shot.objects[\(i)].material.colorspace", reason: error.description))
                }
            }
            let plan: ChunkPlan
            do {
                plan = try ChunkPlanner.plan(spec, overlap: overlap, maxFramesPerCall: caps.maxFramesPerCall)
            }
            let mode = try ChunkMode.resolve(
                spec.chunking.mode, conditioningFrames: spec.chunking.conditioningFrames, generator: caps.name,
                deterministic: caps.deterministic, acceptsConditioningFrames: caps.conditioningFrames, plan: plan
            )
            return (plan, mode)
        } catch {
            throw TaskError.from(error).locating(in: spec.document)
        }
    }

    /// The review movies `output.review` asks for, each checked against the encoder and the config
    /// (the display and view must exist and render the plate's colour space).
    public static func reviewMovies(_ spec: ShotSpec, config: ColorConfig) throws(TaskError) -> [ReviewMovie] {
        var movies: [ReviewMovie] = []
        for (i, review) in spec.output.reviews.enumerated() {
            let path = spec.output.reviews.count == 1 && spec.document.line(at: "shot.output.review[0]") == nil ? "shot.output.review" : "shot.output.review[\(i)]"
            do {
                let movie = try ReviewMovie(display: review.display, view: review.view, codec: ReviewMovie.Codec(rawValue: review.codec) ?? .h264)
                _ = try config.displayProcessor(from: try config.colorspace(named: spec.output.colorspace), display: review.display, view: review.view)
                movies.append(movie)
            } catch let error as PlateError {
                throw .spec(SpecError(path: path, reason: error.description))
            } catch let error as ColorError {
                throw .spec(SpecError(path: path, reason: error.description))
            } catch {
                throw .spec(SpecError(path: path, reason: "\(error)"))
            }
        }
        return movies
    }

    /// Checks the spec and the output root, resolves the version and builds the job. Creates nothing.
    public func prepare(
        _ spec: ShotSpec, rootOverride: String?, versionOverride: PlateVersion?, overlap: Int? = nil,
        owner: String = ProcessInfo.processInfo.environment["USER"] ?? "scenefarm", jobID: String = ShotJob.newID()
    ) throws(TaskError) -> ShotJob {
        let (plan, mode) = try check(spec, overlap: overlap)
        let layout = PlateLayout(spec: spec, rootOverride: rootOverride)
        do {
            try layout.checkWritable()
            let version = try layout.resolve(versionOverride ?? spec.output.version)
            return ShotJob(id: jobID, spec: spec, storageRoot: layout.root, version: version, plan: plan, mode: mode,
                           ocioConfig: ocioConfig(for: spec), owner: owner)
        } catch {
            throw TaskError.plate(error)
        }
    }
}
