import Chunking
import Foundation
import Inference
import Plates
import ShotSpec

/// `scenefarm task run`: one task of a `QueueJob` on shared storage, for a farm queue that
/// schedules, retries and monitors the tasks itself.
///
/// The task runs through the same `TaskExecutor` as on a SceneFarm node, into its own attempt
/// folder; its output is then checked and accepted exactly as the coordinator would
/// (`AttemptOutput`, `VersionPublisher`), and a done marker
/// (`P/.work/<job>/done/<task>.json`) records it. So a task whose marker exists is not run again
/// (exit 0, same bytes); two copies racing each write their own folder and move finished files
/// into place by rename (no partial file is ever visible); a task whose inputs are not done
/// changes nothing and says which are missing.
public struct QueueTaskRunner: Sendable {
    public let queueJob: QueueJob
    public let registry: GeneratorRegistry
    public let nodeName: String

    /// What happened, for the command's one line.
    public enum Result: Sendable, Equatable {
        case ran(TaskOutcome)
        case alreadyDone
        /// The whole version is published already (by this job).
        case alreadyPublished(String)
    }

    public init(queueJob: QueueJob, registry: GeneratorRegistry, nodeName: String) {
        self.queueJob = queueJob
        self.registry = registry
        self.nodeName = nodeName
    }

    /// Generate task number `part` in graph order (a whole chunk, or one part of a split chunk).
    public func generateTask(part: Int) throws(TaskError) -> TaskNode {
        let generates = queueJob.tasks.filter { $0.kind == .generate }
        guard generates.indices.contains(part) else {
            throw .spec(SpecError(path: "--part", reason: "job \(queueJob.job.id) has generate parts 0–\(generates.count - 1), not \(part)"))
        }
        return generates[part]
    }

    /// The task called `name` (`lighting`, `generate-0002`, `blend-0000`, `publish`).
    public func task(named name: String) throws(TaskError) -> TaskNode {
        guard let task = queueJob.tasks.first(where: { $0.name == name }) else {
            let names = queueJob.tasks.map(\.name)
            throw .spec(SpecError(path: "--task", reason: "job \(queueJob.job.id) has no task '\(SpecField.shown(name))'; its tasks are \(names.joined(separator: ", "))"))
        }
        return task
    }

    /// Runs `task` unless it is done; throws `TaskError` (bad input: exit 2, otherwise retryable).
    public func run(_ task: TaskNode, cancellation: CancellationFlag = CancellationFlag()) throws(TaskError) -> Result {
        var job = queueJob.job
        let spec: ShotSpec
        do { spec = try job.spec() } catch { throw .spec(error) }
        let root = URL(fileURLWithPath: job.storageRoot)
        let staging = JobStaging(job: job, spec: spec, root: root)
        let version = staging.layout.versionFolder(job.version)
        if Self.publishedBy(job.id, version: version, layout: staging.layout) {
            return .alreadyPublished(version.path)
        }
        if FileManager.default.fileExists(atPath: marker(task, staging).path) { return .alreadyDone }
        let missing = task.dependsOn.filter { !FileManager.default.fileExists(atPath: marker($0, staging).path) }
        guard missing.isEmpty else {
            throw .failed("\(task.name) of \(job.id) waits for \(missing.joined(separator: ", ")); nothing was changed (run those first: the queue's step dependencies order them)")
        }
        // Later tasks stamp the lighting solve's id in their frames, as on a SceneFarm farm.
        if task.kind != .lighting, let lighting = try? doneOutcome(TaskNode.name(.lighting), staging) {
            job.lightingID = lighting.lightingID
        }

        let attempt = UUID().uuidString.lowercased()
        defer { try? FileManager.default.removeItem(at: staging.attemptFolder(attempt)) }
        let executor = TaskExecutor(registry: registry, nodeName: nodeName)
        var outcome = try executor.run(job: job, task: task, attempt: attempt, root: root, cancellation: cancellation)
        let output = AttemptOutput(staging: staging, storageRoot: root, attempt: attempt, task: task, plan: job.plan,
                                   width: spec.resolution.width, height: spec.resolution.height)
        do {
            let moves = try output.check(outcome)
            if let version = try AttemptOutput.acceptAndPublish(moves, task: task, staging: staging, frames: job.plan.frames) {
                outcome.published = version.folder.path
                return .ran(outcome)
            }
        } catch {
            // A copy of this task that raced it may have finished first: that result stands.
            if Self.publishedBy(job.id, version: version, layout: staging.layout) {
                // Whatever this late copy moved into the (already published) job's staging goes.
                staging.layout.discard(job: job.id)
                return .alreadyPublished(version.path)
            }
            if FileManager.default.fileExists(atPath: marker(task, staging).path) { return .alreadyDone }
            throw TaskError.from(error)
        }
        try writeMarker(task, outcome: outcome, staging)
        return .ran(outcome)
    }

    // MARK: - Done markers

    static let doneFolderName = "done"

    private func marker(_ task: TaskNode, _ staging: JobStaging) -> URL { marker(task.name, staging) }

    private func marker(_ name: String, _ staging: JobStaging) -> URL {
        staging.workFolder.appendingPathComponent(Self.doneFolderName).appendingPathComponent("\(name).json")
    }

    private func doneOutcome(_ name: String, _ staging: JobStaging) throws -> TaskOutcome {
        try JSONDecoder().decode(TaskOutcome.self, from: Data(contentsOf: marker(name, staging)))
    }

    /// Written to a temporary name and renamed, so a marker is complete or absent.
    private func writeMarker(_ task: TaskNode, outcome: TaskOutcome, _ staging: JobStaging) throws(TaskError) {
        let url = marker(task, staging)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(task.name).\(UUID().uuidString).tmp")
            try JSONEncoder().encode(outcome).write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else {
                throw PlateError.io(path: url.path, message: String(cString: strerror(errno)))
            }
        } catch {
            throw TaskError.from(error)
        }
    }

    /// True when `version` exists and its report names `job`: publish already happened.
    static func publishedBy(_ job: String, version: URL, layout: PlateLayout) -> Bool {
        guard let number = PlateVersion.parse(version.lastPathComponent).flatMap({ if case .fixed(let n) = $0 { n } else { nil } }) else { return false }
        let report = version.appendingPathComponent("\(layout.baseName(version: number)).report.json")
        guard let data = try? Data(contentsOf: report),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return object["job"] as? String == job
    }
}
