import ArgumentParser
import Farm
import Foundation
import Inference

/// `scenefarm task run`: one task of an exported job, for a farm queue's own workers.
struct TaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task",
        abstract: "Run tasks of an exported job (see `scenefarm export`).",
        subcommands: [TaskRunCommand.self]
    )
}

struct TaskRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one task of an exported job against shared storage.",
        discussion: """
            Exit codes for the queue's retry logic: 0 done (or already done: running a finished task again changes nothing), \
            1 failed or its inputs are not done yet (retry later), 2 bad input (do not retry).
            """
    )

    @Argument(help: "The job file written by `scenefarm export` (job.json).") var jobFile: String
    @Option(help: "Task kind: lighting, generate, blend or publish.") var task: TaskKind
    @Option(help: "Chunk index (generate, when chunks are whole) or boundary index (blend).") var index: Int?
    @Option(help: "Generate task number in the job's graph (a chunk, or a part of a split chunk), as the exports use.") var part: Int?
    @Option(help: "Plugin generators file, when the job's generator is a plugin.") var plugins: String?
    @Option(help: "Name recorded in the frames' scenefarm/node (default: this host's name).") var name: String = ProcessInfo.processInfo.hostName
    @OptionGroup var threading: ThreadOptions

    func validate() throws {
        if let index, index < 0 { throw ValidationError("--index must be 0 or more, got \(index)") }
        if let part, part < 0 { throw ValidationError("--part must be 0 or more, got \(part)") }
    }

    func run() throws {
        threading.apply()
        let queueJob: QueueJob
        do { queueJob = try QueueJob.load(path: jobFile) } catch { throw specFailure(error, file: jobFile) }
        let runner = QueueTaskRunner(queueJob: queueJob, registry: try loadRegistry(plugins: plugins), nodeName: name)
        let indexed = task == .generate || task == .blend
        guard !indexed || index != nil || (task == .generate && part != nil) else {
            throw fail("--index: a \(task.rawValue) task needs --index\(task == .generate ? " or --part" : "")", code: ExitCodes.badInput)
        }
        // A job has one lighting and one publish task: an index given to them is a mistake in
        // the queue's command line, not something to ignore.
        if !indexed, let index {
            throw fail("--index \(index): a job has one \(task.rawValue) task; run it without --index", code: ExitCodes.badInput)
        }
        if task != .generate, let part {
            throw fail("--part \(part): only generate tasks have parts", code: ExitCodes.badInput)
        }
        let node: TaskNode
        do {
            if task == .generate, let part {
                node = try runner.generateTask(part: part)
            } else {
                node = try runner.task(named: TaskNode.name(task, index ?? 0))
            }
        } catch {
            throw fail(error.description, code: ExitCodes.badInput)
        }
        let started = Date()
        do {
            switch try runner.run(node) {
            case .alreadyDone:
                print("\(queueJob.job.id) \(node.name): already done")
            case .alreadyPublished(let folder):
                print("\(queueJob.job.id) \(node.name): the version is published already: \(folder)")
            case .ran(let outcome):
                let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
                print("\(queueJob.job.id) \(node.name): done in \(seconds) s, \(outcome.framesWritten) frame(s)\(outcome.published.map { ", published \($0)" } ?? "")")
            }
        } catch {
            throw fail("\(queueJob.job.id) \(node.name): \(error.description)", code: error.isBadInput ? ExitCodes.badInput : ExitCodes.failure)
        }
    }
}

extension TaskKind: ExpressibleByArgument {}
