import Chunking
import Foundation
import Plates
import ShotSpec

/// The JSON report published beside the frames: what was rendered, how, and the seam scores.
public struct JobReport: Sendable, Codable, Equatable {
    public var job: String
    public var show: String
    public var shot: String
    public var scene: String
    public var version: String
    public var frames: FrameRange
    public var fps: String
    public var resolution: [Int]
    public var colorspace: String
    public var generator: String
    public var specHash: String
    public var lighting: String?
    public var mode: String
    public var chunks: [Chunk]
    public var seams: SeamReport?
    public var owner: String
    public var submittedAt: Date
    public var publishedAt: Date
    /// Every task with its attempts (node, start, end, duration, result) and stage seconds,
    /// added by the coordinator as it accepts the publish result (the publish task ends then);
    /// absent when no coordinator ran the job (`scenefarm task run` on a farm queue). Without
    /// error texts: they may name paths, and a version holds none.
    public var tasks: [TaskSnapshot]?

    init(job: ShotJob, spec: ShotSpec, colorspace: String, seams: SeamReport?) {
        self.job = job.id
        show = spec.show
        shot = spec.shot
        scene = spec.scene
        version = PlateVersion.label(job.version)
        frames = spec.frames
        fps = spec.fps.description
        resolution = [spec.resolution.width, spec.resolution.height]
        self.colorspace = colorspace
        generator = spec.generator.name
        specHash = spec.specHash
        lighting = job.lightingID
        mode = job.mode.description
        chunks = job.plan.chunks
        self.seams = seams
        owner = job.owner
        submittedAt = job.submittedAt
        publishedAt = Date()
    }

    /// Writes the report atomically.
    func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(self).write(to: url, options: .atomic)
    }
}
