import Chunking
import Foundation
import Plates
import ShotSpec

/// Everything a node needs to run any task of a job; stored by the coordinator, sent with tasks.
public struct ShotJob: Sendable, Codable, Equatable {
    public var id: String
    /// The spec document as canonical JSON: nodes re-validate it with the same loader.
    public var specJSON: String
    /// Folder relative paths in the spec resolve against (the spec file's folder on submit).
    public var baseDirectory: String
    /// Plate root: `<root>/<show>/<shot>/plates/…`. Every path a task touches is under it.
    public var storageRoot: String
    public var version: Int
    public var plan: ChunkPlan
    public var mode: ChunkMode
    /// An explicit OCIO config (the CLI's --ocio or the spec's output.ocio_config), else the node's default.
    public var ocioConfig: String?
    public var owner: String
    public var submittedAt: Date
    /// Filled in by the coordinator once the lighting task reports; recorded in frame metadata.
    public var lightingID: String?
    /// Frames per generate task when chunks are split over nodes (`TaskGraph.build`); nil: whole chunks.
    public var taskFrames: Int?

    /// The job's task graph.
    public var tasks: [TaskNode] { TaskGraph.build(plan: plan, mode: mode, taskFrames: taskFrames) }

    public init(id: String, spec: ShotSpec, storageRoot: URL, version: Int, plan: ChunkPlan, mode: ChunkMode, ocioConfig: String?, owner: String, submittedAt: Date = Date()) {
        self.id = id
        self.specJSON = spec.document.canonicalJSON
        self.baseDirectory = spec.baseDirectory.path
        self.storageRoot = storageRoot.standardizedFileURL.path
        self.version = version
        self.plan = plan
        self.mode = mode
        self.ocioConfig = ocioConfig
        self.owner = owner
        self.submittedAt = submittedAt
    }

    /// The validated spec, parsed again from the job's document, with the job's OCIO config in
    /// `output.ocioConfig` so generators convert colours with the config the plates use.
    public func spec() throws(SpecError) -> ShotSpec {
        var spec = try ShotSpecLoader.decode(
            SpecValue.parseJSON(Data(specJSON.utf8), file: "job \(id)"),
            baseDirectory: URL(fileURLWithPath: baseDirectory)
        )
        spec.output.ocioConfig = ocioConfig
        return spec
    }

    public func layout(spec: ShotSpec) -> PlateLayout {
        PlateLayout(root: URL(fileURLWithPath: storageRoot), show: spec.show, shot: spec.shot, plate: spec.output.plate)
    }

    /// A fresh job id: time-ordered and unique enough across coordinators (`j20261126-120000-1a2b3c`).
    public static func newID(now: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return "j\(formatter.string(from: now))-\(UUID().uuidString.prefix(6).lowercased())"
    }
}
