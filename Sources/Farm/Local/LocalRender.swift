import Foundation
import Inference
import Plates
import ShotSpec

/// Runs every task of a job in this process, in dependency order, through `TaskExecutor`.
///
/// This is the scheduler-less path; the farm coordinator dispatches the same `TaskNode`s.
public struct LocalRender: Sendable {
    public let executor: TaskExecutor

    public init(executor: TaskExecutor) {
        self.executor = executor
    }

    /// Renders and publishes `job`; `progress(framesDone, framesTotal)` after each final frame.
    /// On failure or cancellation the job's staging area is removed: nothing half-written stays.
    public func run(
        _ job: ShotJob, cancellation: CancellationFlag = CancellationFlag(),
        progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) throws(TaskError) -> TaskOutcome {
        var job = job
        let spec: ShotSpec
        do { spec = try job.spec() } catch { throw .spec(error) }
        let layout = job.layout(spec: spec)
        do {
            _ = try layout.reserve(job: job.id, version: job.version)
        } catch {
            throw .plate(error)
        }
        let total = spec.frames.count
        let counter = FrameCounter()
        var published = TaskOutcome()
        do {
            for task in TaskGraph.build(plan: job.plan, mode: job.mode) {
                let before = counter.value
                let outcome = try executor.run(job: job, task: task, root: layout.root, cancellation: cancellation) { done in
                    progress(counter.set(before + done), total)
                }
                if task.kind == .lighting { job.lightingID = outcome.lightingID }
                if task.kind == .publish { published = outcome }
            }
        } catch {
            layout.discard(job: job.id)
            throw error
        }
        return published
    }
}

/// Frames finished so far, shared with progress callbacks.
final class FrameCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    @discardableResult
    func set(_ value: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        count = value
        return value
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}

