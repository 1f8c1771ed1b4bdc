import Foundation
import ShotSpec

/// Receives what /metrics needs as it happens, on the coordinator's threads; must return at once.
public protocol FarmObserver: AnyObject, Sendable {
    /// An attempt ended (any result) after `seconds` on `node`; `kind` is the task kind.
    func attemptEnded(kind: String, node: String, seconds: Double)
    /// One job-store write transaction took `seconds` in SQLite.
    func storeWrite(seconds: Double)
    /// A task of `kind` finished on `node` and its RESULT carried per-frame stage seconds
    /// (already checked `isPlausible`).
    func framesTimed(kind: String, node: String, timings: FrameTimings)
}

/// Builds `FarmSnapshot`s on the coordinator's loop thread (at most every `interval`, and only
/// once someone asked for them) and hands the latest to any thread under a lock. Jobs that are
/// final are read once and then kept as they are: only active jobs cost a query per snapshot.
final class SnapshotPublisher: @unchecked Sendable {
    /// Finished jobs a snapshot carries besides every active one.
    static let finishedJobsKept = 200

    private let store: JobStore
    private let lock = NSLock()
    // Under `lock`:
    private var latest: FarmSnapshot
    private var interval: Duration?
    private var observer: (any FarmObserver)?

    // Loop thread only:
    private var lastBuilt = ContinuousClock.now - .seconds(3600)
    /// Facts of a job that never change (from its spec), by id.
    private var facts: [String: JobFacts] = [:]
    /// Final jobs as last built, by id.
    private var finished: [String: JobSnapshot] = [:]
    /// Active jobs' tasks and attempts as last read, by id: re-read only when this process's
    /// store changed the job (`JobStore.takeChangedJobs`), and all of them every
    /// `fullRefresh` (rows another coordinator of a pair wrote).
    private var timelines: [String: (tasks: [StoredTask], attempts: [AttemptRecord])] = [:]
    private var lastFullRefresh = ContinuousClock.now - .seconds(3600)
    static let fullRefresh: Duration = .seconds(5)
    /// Cursor for attempts already reported to the observer.
    private var endedCursor: Double?
    private var endedAtCursor: Set<String> = []

    init(store: JobStore, storageRoot: String) {
        self.store = store
        latest = FarmSnapshot(storageRoot: storageRoot)
    }

    /// Starts publishing (idempotent); `observer` also hears store write latencies from now on.
    func enable(every interval: Duration, observer: (any FarmObserver)?) throws {
        lock.lock()
        self.interval = interval
        self.observer = observer
        lock.unlock()
        store.trackChangedJobs()
        if let observer { try store.observeWriteLatency { [weak observer] in observer?.storeWrite(seconds: $0) } }
    }

    var snapshot: FarmSnapshot {
        lock.lock()
        defer { lock.unlock() }
        return latest
    }

    /// Whether the loop should build a snapshot now (cheap; called every pass).
    var isDue: Bool {
        lock.lock()
        let interval = self.interval
        lock.unlock()
        guard let interval else { return false }
        return ContinuousClock.now - lastBuilt >= interval
    }

    /// Builds and publishes a snapshot from the store and the loop's in-memory node state.
    func publish(stats: CoordinatorStats, nodes: [NodeStatus], hardware: [String: (cores: Int, memoryBytes: UInt64)], drained: Set<String>) throws {
        lastBuilt = .now
        let now = Date()
        let rows = try store.jobRows(finished: Self.finishedJobsKept)
        let changed = store.takeChangedJobs()
        let full = ContinuousClock.now - lastFullRefresh >= Self.fullRefresh
        if full { lastFullRefresh = .now }
        let stale = rows.filter { row in
            if let kept = finished[row.id] { return kept.state != row.state }
            return full || changed.contains(row.id) || timelines[row.id] == nil
        }
        for (id, read) in try store.timeline(jobs: stale.map(\.id)) { timelines[id] = read }
        var jobs: [JobSnapshot] = []
        jobs.reserveCapacity(rows.count)
        for row in rows {
            if let kept = finished[row.id], kept.state == row.state {
                jobs.append(kept)
                continue
            }
            guard let facts = try facts(row.id) else { continue }
            let job = Self.job(row, facts: facts, timeline: timelines[row.id] ?? ([], []), now: now)
            if row.state.isFinal {
                finished[row.id] = job
                timelines[row.id] = nil
            }
            jobs.append(job)
        }
        if full || timelines.count > rows.count * 2 {
            let listed = Set(rows.map(\.id))
            timelines = timelines.filter { listed.contains($0.key) }
        }
        if finished.count > Self.finishedJobsKept * 2 {
            let kept = Set(rows.map(\.id))
            finished = finished.filter { kept.contains($0.key) }
            facts = facts.filter { kept.contains($0.key) }
        }
        let totals = try store.totals()
        var nodeSnapshots = nodes.map { node in
            NodeSnapshot(
                name: node.name, state: node.state, connected: true, drained: drained.contains(node.name), slots: node.slots,
                running: node.running, generators: node.generators, storage: node.storage, heartbeatAgeSeconds: node.lastSeenSecondsAgo,
                cores: hardware[node.name]?.cores, memoryBytes: hardware[node.name]?.memoryBytes,
                tasksDone: totals.doneByNode[node.name] ?? 0, failures: totals.failuresByNode[node.name] ?? 0
            )
        }
        let connected = Set(nodes.map(\.name))
        for name in drained.sorted() where !connected.contains(name) {
            nodeSnapshots.append(NodeSnapshot(
                name: name, state: "offline", connected: false, drained: true, slots: 0, running: [], generators: [], storage: nil,
                heartbeatAgeSeconds: nil, cores: nil, memoryBytes: nil,
                tasksDone: totals.doneByNode[name] ?? 0, failures: totals.failuresByNode[name] ?? 0
            ))
        }
        try reportEndedAttempts()

        lock.lock()
        defer { lock.unlock() }
        var next = latest
        next.takenAt = now
        next.stats = stats
        next.jobs = jobs
        next.nodes = nodeSnapshots
        next.attemptResults = totals.attempts
        next.framesWritten = totals.framesWritten
        next.jobCounts = totals.jobs
        next.activeTasks = totals.activeTasks
        // Heartbeat ages change every pass; the version moves only when something else did.
        func ageless(_ nodes: [NodeSnapshot]) -> [NodeSnapshot] { nodes.map { var n = $0; n.heartbeatAgeSeconds = nil; return n } }
        if next.jobs != latest.jobs || next.stats != latest.stats || ageless(next.nodes) != ageless(latest.nodes) {
            next.version += 1
        }
        latest = next
    }

    /// Hands an accepted result's frame timings to the observer (loop thread, as it is accepted).
    func completed(_ task: StoredTask, outcome: TaskOutcome) {
        guard let timings = outcome.timings, !timings.frames.isEmpty, timings.isPlausible else { return }
        lock.lock()
        let observer = self.observer
        lock.unlock()
        observer?.framesTimed(kind: task.node.kind.rawValue, node: task.worker ?? "?", timings: timings)
    }

    /// Every task of `job` with its attempts, as the snapshot shows them (read now, not from the
    /// last snapshot): for `status JOB` and the job report.
    func tasks(job: String) throws -> [TaskSnapshot] {
        let timeline = try store.timeline(jobs: [job])[job] ?? ([], [])
        return Self.tasks(timeline, now: Date())
    }

    /// Adds the task timeline to the job report a publish attempt wrote, before the coordinator
    /// moves it into the version: every earlier task as the store has it, and the publish task
    /// ending now (when its result is accepted). Error texts are left out: they may name paths,
    /// and a version holds none (compositing.md, relink); the API keeps them. Leaves a report it
    /// cannot read as it is.
    func addTimeline(toReport url: URL, job: String, publishTask: String) throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var report = try decoder.decode(JobReport.self, from: Data(contentsOf: url))
        let now = Date()
        report.tasks = try tasks(job: job).map { task in
            var task = task
            task.error = nil
            task.history = task.history.map { var attempt = $0; attempt.error = nil; return attempt }
            guard task.name == publishTask else { return task }
            var ended = task
            ended.state = .done
            ended.endedAt = now
            if var last = ended.history.popLast() {
                last.endedAt = now
                last.durationSeconds = now.timeIntervalSince(last.startedAt)
                last.result = .done
                ended.history.append(last)
                ended.durationSeconds = last.durationSeconds
            }
            return ended
        }
        try report.write(to: url)
    }

    /// Tells the observer about attempts that ended since the last snapshot.
    private func reportEndedAttempts() throws {
        lock.lock()
        let observer = self.observer
        lock.unlock()
        guard let observer else { return }
        // The first snapshot starts the histogram from now: history is not replayed.
        guard let cursor = endedCursor else {
            endedCursor = Date().timeIntervalSince1970
            return
        }
        let ended = try store.attemptsEnded(since: cursor).filter { !endedAtCursor.contains($0.id) }
        for attempt in ended { observer.attemptEnded(kind: attempt.kind, node: attempt.node, seconds: attempt.seconds) }
        if let last = ended.last?.endedAt {
            let atLast = Set(ended.filter { $0.endedAt == last }.map(\.id))
            endedAtCursor = last == cursor ? endedAtCursor.union(atLast) : atLast
            endedCursor = last
        }
    }

    /// What a job's spec says, read once.
    private struct JobFacts {
        var show: String
        var shot: String
        var plate: String
        var version: String
        var owner: String
        var generator: String
        var fps: String
        var firstFrame: Int
        var framesTotal: Int
        var chunks: Int
        var submittedAt: Date
    }

    private func facts(_ id: String) throws -> JobFacts? {
        if let known = facts[id] { return known }
        guard let stored = try store.job(id) else { return nil }
        let job = stored.job
        let spec = try? job.spec()
        let made = JobFacts(
            show: spec?.show ?? "", shot: spec?.shot ?? "", plate: spec?.output.plate ?? "", version: PlateVersion.label(job.version),
            owner: job.owner, generator: spec?.generator.name ?? "", fps: spec?.fps.description ?? "",
            firstFrame: job.plan.frames.first, framesTotal: job.plan.frames.count, chunks: job.plan.chunks.count, submittedAt: job.submittedAt
        )
        facts[id] = made
        return made
    }

    /// Tasks in graph order with their attempts; durations of running attempts count to `now`.
    static func tasks(_ timeline: (tasks: [StoredTask], attempts: [AttemptRecord]), now: Date) -> [TaskSnapshot] {
        let byTask = Dictionary(grouping: timeline.attempts, by: \.task)
        return timeline.tasks.map { task -> TaskSnapshot in
            let history = byTask[task.node.name] ?? []
            let last = history.last
            var duration = last?.durationSeconds
            if let last, last.result == .running { duration = now.timeIntervalSince(last.startedAt) }
            let timings = task.state == .done ? task.outcome?.timings.flatMap { $0.isPlausible && !$0.frames.isEmpty ? $0.totals : nil } : nil
            return TaskSnapshot(
                name: task.node.name, kind: task.node.kind, index: task.node.index, state: task.state, dependsOn: task.node.dependsOn,
                attempts: task.attempts, node: task.worker ?? last?.node, framesDone: task.framesDone, error: task.error,
                startedAt: history.first?.startedAt, endedAt: task.state == .leased ? nil : last?.endedAt, durationSeconds: duration,
                stageSeconds: timings, history: history
            )
        }
    }

    private static func job(_ row: JobRow, facts: JobFacts, timeline: (tasks: [StoredTask], attempts: [AttemptRecord]), now: Date) -> JobSnapshot {
        let tasks = Self.tasks(timeline, now: now)
        let framed = tasks.filter { $0.kind == .generate || $0.kind == .blend }
        let framesDone = min(facts.framesTotal, framed.reduce(0) { $0 + $1.framesDone })
        var rate: Double?
        var eta: Double?
        if let started = row.startedAt, framesDone > 0 {
            let seconds = max(0.001, (row.finishedAt ?? now).timeIntervalSince(started))
            rate = Double(framesDone) / seconds
            if !row.state.isFinal, let rate { eta = Double(max(0, facts.framesTotal - framesDone)) / rate }
        }
        return JobSnapshot(
            id: row.id, show: facts.show, shot: facts.shot, plate: facts.plate, version: facts.version, state: row.state, priority: row.priority, owner: facts.owner,
            generator: facts.generator, fps: facts.fps, firstFrame: facts.firstFrame, framesDone: framesDone, framesTotal: facts.framesTotal,
            chunks: facts.chunks, chunksDone: tasks.filter { $0.kind == .generate && $0.state == .done }.count, renderFPS: rate, etaSeconds: eta,
            nodes: Array(Set(tasks.filter { $0.state == .leased }.compactMap(\.node))).sorted(), error: row.error, published: row.published,
            seamScores: row.seamScores, submittedAt: facts.submittedAt, startedAt: row.startedAt, finishedAt: row.finishedAt, tasks: tasks
        )
    }
}
