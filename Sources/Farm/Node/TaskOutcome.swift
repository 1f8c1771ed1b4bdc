import Chunking

/// What a finished task reports back.
public struct TaskOutcome: Sendable, Codable, Equatable {
    /// Final plate frames this task wrote.
    public var framesWritten: Int
    /// Files written, relative to the storage root (transfer-mode nodes ship exactly these).
    public var files: [String]
    public var lightingID: String?
    /// Set by publish: the published version folder, relative to the storage root.
    public var published: String?
    public var seams: SeamReport?
    /// Per-frame generate/convert/write seconds (generate and blend tasks); absent from older
    /// nodes and from tasks that write no frames.
    public var timings: FrameTimings?

    public init(framesWritten: Int = 0, files: [String] = [], lightingID: String? = nil, published: String? = nil, seams: SeamReport? = nil, timings: FrameTimings? = nil) {
        self.framesWritten = framesWritten
        self.files = files
        self.lightingID = lightingID
        self.published = published
        self.seams = seams
        self.timings = timings
    }
}
