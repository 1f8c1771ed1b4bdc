import Chunking
import Foundation
import Logging
import Plates
import ShotSpec

/// Answers STATUS off the coordinator's loop. A client waiting for a job (`submit --wait`, the
/// bench's `wait`) asks every 10–50 ms, and on PostgreSQL each answer is a round trip to the
/// server: on the loop that was 15 % of its time in `bench farm --stores`, time in which no
/// result was recorded and no task dispatched. Here the read runs on a queue of its own, on a
/// connection of its own (`StoreBackend.readAside`), and the loop only sends the finished reply
/// (sockets belong to the loop), woken by `wake`.
///
/// What a STATUS sees is unchanged: the store's last commit. The loop commits every change
/// before it answers the request that made it (a SUBMIT, a CANCEL, a pass's results), so a
/// client still reads its own writes; results of a pass in progress were not visible before
/// either (they commit at the end of the pass).
final class StatusReader: @unchecked Sendable {
    /// STATUS requests out at once; beyond that the loop answers them itself, as before.
    static let maxInFlight = 64

    private let store: JobStore
    private let wake: WakeSignal
    private let logger: Logger
    private let queue = DispatchQueue(label: "scenefarm.coordinator.status")
    private let lock = NSLock()
    /// Finished replies waiting for the loop to send them (under `lock`); nil: none could be
    /// built (logged), counted back all the same.
    private var answered: [(peer: Data, reply: WireMessage?)] = []
    /// Show, shot and generator by job, so neither status nor dispatch re-parses specs (under `lock`).
    private var names: [String: (show: String, shot: String, generator: String)] = [:]
    /// Requests handed to `queue` and not yet taken back (loop thread only).
    private var inFlight = 0

    init(store: JobStore, wake: WakeSignal, logger: Logger) throws {
        self.store = try store.asideReader()
        self.wake = wake
        self.logger = logger
    }

    /// Loop thread: reads and answers `body` on the queue; false when `maxInFlight` are out
    /// (the caller then answers with `reply` itself).
    func ask(_ body: TargetBody, from peer: Data) -> Bool {
        guard inFlight < Self.maxInFlight else { return false }
        inFlight += 1
        queue.async { [self] in
            let reply: WireMessage?
            do {
                reply = try self.reply(body)
            } catch {
                logger.error("status: cannot read the job store: \(error)")
                reply = try? WireMessage(command: FarmProtocol.error, body: ErrorReply(
                    request: body.request, code: "failure", message: "cannot read the job store: \(error)"))
            }
            lock.withLock { answered.append((peer, reply)) }
            wake.signal()
        }
        return true
    }

    /// Loop thread: the replies ready to send.
    func takeAnswers() -> [(peer: Data, reply: WireMessage)] {
        let taken = lock.withLock {
            let taken = answered
            answered = []
            return taken
        }
        inFlight -= taken.count
        return taken.compactMap { item in item.reply.map { (item.peer, $0) } }
    }

    /// The reply to a STATUS request, read from the store (any thread).
    func reply(_ body: TargetBody) throws -> WireMessage {
        if let job = body.job {
            // One job asked for: its task timeline too (`status JOB --json`), all read in one go.
            guard let read = try store.statusRead(job: job) else {
                return try WireMessage(command: FarmProtocol.error, body: ErrorReply(request: body.request, code: "bad_input", message: "no job '\(job)' on this coordinator"))
            }
            var one = status(read.job, progress: read.progress)
            one.tasks = SnapshotPublisher.tasks(read.timeline, now: Date())
            return try WireMessage(command: FarmProtocol.reply, body: ClientReply(request: body.request, jobs: [one]))
        }
        let finished = body.finished ?? TargetBody.defaultFinishedListed
        if let problem = TargetBody.finishedProblem(finished) {
            return try WireMessage(command: FarmProtocol.error, body: ErrorReply(request: body.request, code: "bad_input", message: problem))
        }
        let jobs = try store.jobs(listedFinished: finished)
        let progress = try store.progress(jobs: jobs.map(\.job.id))
        return try WireMessage(command: FarmProtocol.reply, body: ClientReply(request: body.request, jobs: jobs.map { status($0, progress: progress[$0.job.id]) }))
    }

    /// A job's status from its row and its progress (`JobStore.progress(jobs:)`; nil: no tasks).
    private func status(_ stored: StoredJob, progress: JobStore.Progress?) -> JobStatus {
        let progress = progress ?? JobStore.Progress(framesDone: 0, chunksDone: 0, running: 0, workers: [])
        let total = stored.job.plan.frames.count
        var eta: Double?
        if let started = stored.startedAt, progress.framesDone > 0, !stored.state.isFinal {
            let rate = Double(progress.framesDone) / max(0.001, Date().timeIntervalSince(started))
            eta = Double(max(0, total - progress.framesDone)) / rate
        }
        let names = jobNames(stored.job)
        return JobStatus(
            job: stored.job.id, show: names.show, shot: names.shot, state: stored.state,
            version: PlateVersion.label(stored.job.version), framesDone: min(progress.framesDone, total), framesTotal: total,
            chunksDone: progress.chunksDone, chunks: stored.job.plan.chunks.count, tasksRunning: progress.running, nodes: progress.workers,
            etaSeconds: eta, error: stored.error, published: stored.published, seamScores: stored.seamScores,
            submittedAt: stored.job.submittedAt, priority: stored.priority
        )
    }

    /// Show, shot and generator of `job`, parsing its spec only the first time (any thread).
    func jobNames(_ job: ShotJob) -> (show: String, shot: String, generator: String) {
        if let cached = lock.withLock({ names[job.id] }) { return cached }
        return remember(job.id, spec: try? job.spec())
    }

    /// Keeps the names of job `id` from its parsed spec (nil: unreadable), so the loop, which
    /// parses each job's spec once for its own reasons, spares this cache a second parse.
    @discardableResult
    func remember(_ id: String, spec: ShotSpec?) -> (show: String, shot: String, generator: String) {
        let entry = (spec?.show ?? "", spec?.shot ?? "", spec?.generator.name ?? "")
        lock.withLock {
            if names.count > 100_000 { names.removeAll() }
            names[id] = entry
        }
        return entry
    }
}
