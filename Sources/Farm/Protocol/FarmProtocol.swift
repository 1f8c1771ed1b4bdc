import Chunking
import Foundation
import Inference

/// The farm's wire vocabulary: command names and JSON bodies. Docs/protocol.md is the reference.
public enum FarmProtocol {
    /// Heartbeats both ways at this interval (Paranoid Pirate).
    public static let heartbeatInterval: Duration = .milliseconds(500)
    /// A node (or a client of a pair) counts its coordinator dead after this many silent
    /// intervals: 2 s, the job store's active lease (FailoverMachine.Timing). A coordinator
    /// silent that long has lost its lease if it is one of a pair, and a node that waited longer
    /// would reach the backup of a frozen one only after the 3 s fail-over goal. WELCOME says it.
    public static let liveness = 4
    /// The coordinator counts a node dead after this many silent intervals (3 s): longer than
    /// the other way, because a node declared dead by mistake costs its tasks' work, a
    /// coordinator left by mistake only a reconnect.
    public static let nodeLiveness = 6

    // Node → coordinator
    public static let ready = "READY"
    public static let heartbeat = "HEARTBEAT"
    public static let progress = "PROGRESS"
    public static let file = "FILE"
    public static let result = "RESULT"
    public static let failed = "FAILED"
    public static let bye = "BYE"
    // Coordinator → node
    public static let welcome = "WELCOME"
    public static let task = "TASK"
    public static let cancel = "CANCEL"
    public static let drain = "DRAIN"
    public static let reconnect = "RECONNECT"
    /// The passive half of a coordinator pair: "not me, try the next endpoint" (Binary Star).
    public static let passive = "PASSIVE"
    // Client ↔ coordinator
    public static let submit = "SUBMIT"
    public static let status = "STATUS"
    public static let cancelJob = "CANCEL_JOB"
    public static let nodes = "NODES"
    public static let drainNode = "DRAIN_NODE"
    public static let resumeNode = "RESUME_NODE"
    public static let setPriority = "SET_PRIORITY"
    public static let reply = "REPLY"
    public static let error = "ERROR"

    public static let nodeCommands: Set<String> = [ready, heartbeat, progress, file, result, failed, bye]
    public static let coordinatorCommands: Set<String> = [welcome, task, heartbeat, cancel, drain, reconnect, passive]
    public static let clientCommands: Set<String> = [submit, status, cancelJob, nodes, drainNode, resumeNode, setPriority]
    public static let clientReplies: Set<String> = [reply, error]
}

/// How a node reaches the plate storage.
public enum StorageMode: String, Sendable, Codable {
    /// The node mounts the storage root and writes frames itself.
    case shared
    /// No shared mount: the node sends each file's bytes to the coordinator.
    case transfer
}

/// READY: a node introduces itself (sent on connect and after every reconnect).
public struct ReadyBody: Sendable, Codable, Equatable {
    public var name: String
    public var slots: Int
    public var cores: Int
    public var memoryBytes: UInt64
    public var generators: [GeneratorCapabilities]
    public var storage: StorageMode
    /// Attempts still running from before a reconnect; the coordinator keeps their leases.
    public var running: [String]
    public var draining: Bool
    public var softwareVersion: String
}

/// HEARTBEAT from a node: the attempts it is running (their leases are renewed).
public struct NodeHeartbeatBody: Sendable, Codable, Equatable {
    public var running: [String]
    public var draining: Bool
}

/// PROGRESS: final frames written so far by a running attempt.
public struct ProgressBody: Sendable, Codable, Equatable {
    public var attempt: String
    public var framesDone: Int
}

/// FILE (transfer mode): one finished file of an attempt; the payload frame holds its bytes.
public struct FileBody: Sendable, Codable, Equatable {
    public var attempt: String
    /// Relative to the storage root; never absolute, never containing "..".
    public var path: String
}

/// RESULT: an attempt finished.
public struct ResultBody: Sendable, Codable, Equatable {
    public var attempt: String
    public var outcome: TaskOutcome
}

/// FAILED: an attempt failed; `retryable` false means retrying cannot help (bad input).
public struct FailedBody: Sendable, Codable, Equatable {
    public var attempt: String
    public var error: String
    public var retryable: Bool
}

/// WELCOME: the coordinator accepted READY.
public struct WelcomeBody: Sendable, Codable, Equatable {
    public var heartbeatIntervalMS: Int
    public var liveness: Int

    /// How often the node heartbeats and how long a silent coordinator is given, as a node uses
    /// them: clamped to 100 ms…10 s and 2…20 intervals, so a careless or hostile coordinator can
    /// make a node neither spin nor wait for ever.
    public var timing: HeartbeatTiming {
        let interval = Duration.milliseconds(min(max(heartbeatIntervalMS, 100), 10_000))
        return HeartbeatTiming(interval: interval, window: interval * min(max(liveness, 2), 20))
    }
}

/// A node's (or pair client's) view of its coordinator's heartbeats: how often to heartbeat, and
/// how long a silent coordinator is given before it counts as dead.
public struct HeartbeatTiming: Sendable, Equatable, CustomStringConvertible {
    public var interval: Duration
    public var window: Duration

    /// The protocol's, until WELCOME gives the coordinator's own: 0.5 s, 2 s.
    public static let defaults = HeartbeatTiming(interval: FarmProtocol.heartbeatInterval, window: FarmProtocol.heartbeatInterval * FarmProtocol.liveness)

    public var description: String { "heartbeat \(interval), silent for \(window)" }
}

/// TASK: run one task of a job.
public struct TaskBody: Sendable, Codable, Equatable {
    public var attempt: String
    public var job: ShotJob
    public var task: TaskNode
}

/// CANCEL: stop an attempt (job cancelled, or the lease moved elsewhere).
public struct CancelBody: Sendable, Codable, Equatable {
    public var attempt: String
}

/// An empty body for messages that need none.
public struct EmptyBody: Sendable, Codable, Equatable {
    public init() {}
}

// MARK: - Client requests

/// SUBMIT: render a shot; the coordinator validates it exactly as `scenefarm render` would.
public struct SubmitBody: Sendable, Codable, Equatable {
    /// Echoed in the reply.
    public var request: String
    /// The spec file's text, YAML or JSON.
    public var specText: String
    /// For messages: the file name the user gave.
    public var specName: String
    /// Folder relative paths in the spec resolve against (must be visible to nodes).
    public var baseDirectory: String
    /// `v003` or `next`; nil uses the spec's output.version.
    public var plateVersion: String?
    public var overlap: Int?
    public var owner: String
}

extension SubmitBody {
    /// A SUBMIT whose `baseDirectory` is not absolute is refused as it is decoded (`bad_input`):
    /// relative paths in the spec would resolve against wherever each node happens to run.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let base = try container.decode(String.self, forKey: .baseDirectory)
        guard base.hasPrefix("/") else { throw InvalidSubmit(reason: "baseDirectory '\(LogText.quoted(base, limit: 120))' is not an absolute path; send the spec file's folder as an absolute path") }
        self.init(
            request: try container.decode(String.self, forKey: .request), specText: try container.decode(String.self, forKey: .specText),
            specName: try container.decode(String.self, forKey: .specName), baseDirectory: base,
            plateVersion: try container.decodeIfPresent(String.self, forKey: .plateVersion), overlap: try container.decodeIfPresent(Int.self, forKey: .overlap),
            owner: try container.decode(String.self, forKey: .owner)
        )
    }

    /// Why a SUBMIT body is refused although it is well-formed JSON.
    struct InvalidSubmit: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }
}

/// Requests that name at most one job or node.
public struct TargetBody: Sendable, Codable, Equatable {
    public var request: String
    public var job: String?
    public var node: String?
    /// STATUS without a job: how many finished (done, failed, cancelled) jobs to list beside the
    /// active ones, most recently submitted; absent means `defaultFinishedListed`.
    public var finished: Int?

    public init(request: String, job: String? = nil, node: String? = nil, finished: Int? = nil) {
        self.request = request
        self.job = job
        self.node = node
        self.finished = finished
    }

    /// Finished jobs a STATUS lists when it does not say: a store that has run for months holds
    /// tens of thousands, and the reply must stay small and quick.
    public static let defaultFinishedListed = 100
    /// Most finished jobs one STATUS may ask for.
    public static let maxFinishedListed = 10_000

    /// What is wrong with asking a STATUS for `finished` jobs, nil when nothing is; the
    /// coordinator's `bad_input` message and the CLI's `--finished` error alike.
    public static func finishedProblem(_ finished: Int) -> String? {
        (0...maxFinishedListed).contains(finished) ? nil : "finished must be 0…\(maxFinishedListed), got \(finished)"
    }
}

/// SET_PRIORITY: change a queued or running job's dispatch priority (`JobPriority`).
public struct PriorityBody: Sendable, Codable, Equatable {
    public var request: String
    public var job: String
    public var priority: Int

    public init(request: String, job: String, priority: Int) {
        self.request = request
        self.job = job
        self.priority = priority
    }
}

/// ERROR reply: `code` is `bad_input` (exit 2) or `failure` (exit 1).
public struct ErrorReply: Sendable, Codable, Equatable {
    public var request: String
    public var code: String
    public var message: String
}

/// A job as `status` shows it.
public struct JobStatus: Sendable, Codable, Equatable {
    public var job: String
    public var show: String
    public var shot: String
    public var state: JobState
    public var version: String
    public var framesDone: Int
    public var framesTotal: Int
    public var chunksDone: Int
    public var chunks: Int
    public var tasksRunning: Int
    public var nodes: [String]
    /// Seconds left at the current rate; nil before the first frame.
    public var etaSeconds: Double?
    public var error: String?
    public var published: String?
    /// Seam scores per boundary, once published.
    public var seamScores: [Double?]?
    public var submittedAt: Date
    /// Every task with its attempts and timings; only when STATUS named this one job.
    public var tasks: [TaskSnapshot]? = nil
    /// Dispatch priority (`JobPriority`); absent from coordinators before SET_PRIORITY.
    public var priority: Int? = nil
}

public enum JobState: String, Sendable, Codable, CaseIterable {
    case queued, running, done, failed, cancelled

    public var isFinal: Bool { self == .done || self == .failed || self == .cancelled }
}

/// A node as `nodes` shows it.
public struct NodeStatus: Sendable, Codable, Equatable {
    public var name: String
    public var state: String
    public var slots: Int
    public var running: [String]
    public var generators: [String]
    public var storage: StorageMode
    public var lastSeenSecondsAgo: Double
    public var tasksDone: Int
}

/// REPLY body: whichever fields the request asks for.
public struct ClientReply: Sendable, Codable, Equatable {
    public var request: String
    public var job: String?
    public var jobs: [JobStatus]?
    public var nodes: [NodeStatus]?
    public var message: String?

    public init(request: String, job: String? = nil, jobs: [JobStatus]? = nil, nodes: [NodeStatus]? = nil, message: String? = nil) {
        self.request = request
        self.job = job
        self.jobs = jobs
        self.nodes = nodes
        self.message = message
    }
}
