import Foundation

/// What the coordinator's loop last published for readers on other threads (the HTTP API, the
/// dashboard, /metrics): jobs with their tasks and attempts, nodes and counters. A value: readers
/// never touch the loop's state or wait for it.
public struct FarmSnapshot: Sendable {
    /// Grows by one each time a snapshot with different content is published.
    public var version: Int
    public var takenAt: Date
    public var stats: CoordinatorStats
    /// Newest first: every active job and the most recent finished ones (`SnapshotPublisher.finishedJobsKept`).
    public var jobs: [JobSnapshot]
    public var nodes: [NodeSnapshot]
    /// Attempts that ended, by result (`AttemptRecord.Result`), over the store's whole history.
    public var attemptResults: [String: Int]
    /// Final plate frames of finished generate and blend tasks, over the store's whole history.
    public var framesWritten: Int
    /// Jobs by state over the store's whole history.
    public var jobCounts: [String: Int]
    /// Tasks of active jobs by kind and state: `kind` → `state` → count.
    public var activeTasks: [String: [String: Int]]
    /// The plate storage root as the coordinator sees it.
    public var storageRoot: String

    public init(storageRoot: String) {
        version = 0
        takenAt = Date()
        stats = CoordinatorStats()
        jobs = []
        nodes = []
        attemptResults = [:]
        framesWritten = 0
        jobCounts = [:]
        activeTasks = [:]
        self.storageRoot = storageRoot
    }

    public func job(_ id: String) -> JobSnapshot? { jobs.first { $0.id == id } }
}

/// A job as the dashboard and the API show it.
public struct JobSnapshot: Sendable, Codable, Equatable {
    public var id: String
    public var show: String
    public var shot: String
    public var plate: String
    public var version: String
    public var state: JobState
    /// Dispatch priority (`JobPriority`): higher first, then submission order.
    public var priority: Int
    public var owner: String
    public var generator: String
    /// The shot's frame rate as a rational (`24`, `24000/1001`).
    public var fps: String
    public var firstFrame: Int
    public var framesDone: Int
    public var framesTotal: Int
    public var chunks: Int
    public var chunksDone: Int
    /// Frames rendered per second of wall time since the job started.
    public var renderFPS: Double?
    /// Seconds left at the current rate; nil before the first frame and once finished.
    public var etaSeconds: Double?
    /// Nodes running its tasks now.
    public var nodes: [String]
    public var error: String?
    /// The published version folder, relative to the storage root.
    public var published: String?
    public var seamScores: [Double?]?
    public var submittedAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// The task graph in order (lighting → generate → blend → publish).
    public var tasks: [TaskSnapshot]
}

/// One task of a job, with every attempt it had.
public struct TaskSnapshot: Sendable, Codable, Equatable {
    public var name: String
    public var kind: TaskKind
    public var index: Int
    public var state: TaskState
    public var dependsOn: [String]
    /// Leases so far.
    public var attempts: Int
    /// The node running it now, or the one that ran its last attempt.
    public var node: String?
    public var framesDone: Int
    public var error: String?
    /// The first attempt's start and the last attempt's end (nil while running).
    public var startedAt: Date?
    public var endedAt: Date?
    /// Seconds of the attempt that finished it (or of the running one so far).
    public var durationSeconds: Double?
    /// Per-frame stage seconds summed over the frames of the attempt that finished it, as its
    /// node reported them (generate and blend tasks from nodes that send `timings`).
    public var stageSeconds: FrameTimings.Totals?
    public var history: [AttemptRecord]
}

/// One lease of a task, from the job store: who ran it, when, and how it ended.
public struct AttemptRecord: Sendable, Codable, Equatable {
    /// How an attempt ended.
    public enum Result: String, Sendable, Codable, CaseIterable {
        /// Still leased.
        case running
        case done
        /// Failed; the task went back to the queue for another attempt.
        case retried
        /// Failed, and so did the task (attempts used up, or not retryable).
        case failed
        /// Its node died, left or lost it; not counted as a failure.
        case requeued
        /// The job was cancelled or failed elsewhere.
        case cancelled
    }

    public var task: String
    /// 1 for the first lease of the task, 2 for the second, …
    public var number: Int
    public var node: String
    public var startedAt: Date
    public var endedAt: Date?
    public var durationSeconds: Double?
    public var result: Result
    public var error: String?
}

/// A connected (or drained) node as the dashboard and the API show it.
public struct NodeSnapshot: Sendable, Codable, Equatable {
    public var name: String
    /// `idle`, `busy`, `draining` (it drains itself), `drained` (by `nodes drain`), `offline`
    /// (drained and not connected).
    public var state: String
    public var connected: Bool
    public var drained: Bool
    public var slots: Int
    /// `job/task` of each attempt it runs.
    public var running: [String]
    public var generators: [String]
    public var storage: StorageMode?
    public var heartbeatAgeSeconds: Double?
    public var cores: Int?
    public var memoryBytes: UInt64?
    /// Attempts it finished, and attempts that failed on it, over the store's history.
    public var tasksDone: Int
    public var failures: Int
}
