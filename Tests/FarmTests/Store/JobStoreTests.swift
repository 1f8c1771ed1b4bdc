import Chunking
@testable import Farm
import Foundation
import ShotSpec
import Testing

/// The job store's transitions, on every backend (SQLite and a real PostgreSQL 15 server): the
/// expected states follow from the task graph's rules (`TaskGraph.build`: lighting → generates →
/// blends → publish) and the store's documented transitions, not from a recorded run.
@Suite struct JobStoreTests {
    /// A 30-frame shot at 1 fps (several chunks, so blends between them): the planner's chunks,
    /// their generate tasks split into parts of `taskFrames` frames when given.
    static func job(id: String = ShotJob.newID(), taskFrames: Int? = nil, submittedAt: Date = Date(timeIntervalSince1970: 1_800_000_000)) throws -> ShotJob {
        let spec = try ShotSpecLoader.parse("""
            show: test
            shot: sh010
            fps: 1
            frames: { first: 1001, count: 30 }
            resolution: [16, 16]
            generator: { name: testpattern }
            """, baseDirectory: FileManager.default.temporaryDirectory)
        let plan = try ChunkPlanner.plan(spec)
        var job = ShotJob(id: id, spec: spec, storageRoot: FileManager.default.temporaryDirectory, version: 1, plan: plan,
                          mode: .parallel, ocioConfig: nil, owner: "test", submittedAt: submittedAt)
        job.taskFrames = taskFrames
        return job
    }

    @Test(arguments: StoreKind.allCases)
    func insertedGraphReadsBackWithOnlyRootsReady(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        let job = try Self.job()
        try store.insert(job, tasks: job.tasks)
        let stored = try #require(try store.job(job.id))
        #expect(stored.job == job && stored.state == .queued && stored.startedAt == nil)
        let tasks = try store.tasks(job: job.id)
        #expect(tasks.map(\.node) == job.tasks)
        #expect(tasks.allSatisfy { $0.state == ($0.node.dependsOn.isEmpty ? .ready : .waiting) && $0.attempts == 0 && $0.failedOn.isEmpty })
        #expect(try store.readyTasks().map(\.node.name) == ["lighting"])
        #expect(try store.jobs(active: true).map(\.job.id) == [job.id])
    }

    /// The rows of a job are sent unawaited on PostgreSQL: a refused one must still roll back the
    /// whole job, and the error must name the statement.
    @Test(arguments: StoreKind.allCases)
    func aJobWhoseRowsAreRefusedLeavesNothingBehind(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        let job = try Self.job(id: "twice")
        try store.insert(job, tasks: job.tasks)
        #expect(try store.lease(job: job.id, task: "lighting", attempt: "a1", worker: "n1"))
        // The same id again: the jobs row is refused, and none of its tasks may replace the first's.
        var other = try Self.job(id: "twice")
        other.owner = "someone else"
        let error = #expect(throws: (any Error).self) { try store.insert(other, tasks: other.tasks) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("INSERT INTO jobs"), "\(String(describing: error))")
        #expect(try store.job(job.id)?.job.owner == job.owner)
        let tasks = try store.tasks(job: job.id)
        #expect(tasks.count == job.tasks.count && tasks.first { $0.node.name == "lighting" }?.state == .leased)
        // The store is still usable: a job with a fresh id goes in.
        let next = try Self.job(id: "next")
        try store.insert(next, tasks: next.tasks)
        #expect(try store.tasks(job: "next").count == next.tasks.count)
    }

    @Test(arguments: StoreKind.allCases)
    func completionReleasesExactlyTheTasksWhoseDependenciesAreAllDone(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        let job = try Self.job()
        try store.insert(job, tasks: job.tasks)
        #expect(try store.lease(job: job.id, task: "lighting", attempt: "a1", worker: "n1"))
        #expect(try !store.lease(job: job.id, task: "lighting", attempt: "a2", worker: "n2"), "a leased task is not ready")
        #expect(try store.job(job.id)?.state == .running)
        #expect(try store.leasedTasks().map(\.attempt) == ["a1"])
        let done = try #require(try store.complete(attempt: "a1", outcome: TaskOutcome(lightingID: "L1")))
        #expect(done.node.name == "lighting")
        #expect(try store.complete(attempt: "a1", outcome: TaskOutcome()) == nil, "a result repeated is accepted once")
        let generates = Set(job.tasks.filter { $0.kind == .generate }.map(\.name))
        #expect(Set(try store.readyTasks().map(\.node.name)) == generates)
        // Finish every generate: each blend waits for its two chunks, then all are ready.
        for (i, name) in generates.sorted().enumerated() {
            #expect(try store.lease(job: job.id, task: name, attempt: "g\(i)", worker: "n1"))
            try store.setProgress(attempt: "g\(i)", framesDone: 5)
            _ = try store.complete(attempt: "g\(i)", outcome: TaskOutcome(framesWritten: 24))
        }
        let blends = Set(job.tasks.filter { $0.kind == .blend }.map(\.name))
        try #require(blends.count >= 1)
        #expect(Set(try store.readyTasks().map(\.node.name)) == blends)
        let tasks = try store.tasks(job: job.id)
        #expect(tasks.first { $0.node.name == "lighting" }?.outcome?.lightingID == "L1")
        #expect(tasks.filter { generates.contains($0.node.name) }.allSatisfy { $0.state == .done && $0.framesDone == 24 && $0.attempts == 1 })
    }

    @Test(arguments: StoreKind.allCases)
    func failureRetriesOnAnotherNodeThenFailsTheJobWhenAttemptsRunOut(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        let job = try Self.job()
        try store.insert(job, tasks: job.tasks)
        #expect(try store.lease(job: job.id, task: "lighting", attempt: "a1", worker: "n1"))
        let first = try #require(try store.fail(attempt: "a1", error: "boom", retryable: true, maxAttempts: 2))
        #expect(!first.jobFailed)
        let retried = try #require(try store.tasks(job: job.id).first)
        #expect(retried.state == .ready && retried.failedOn == ["n1"] && retried.attempt == nil && retried.error == "boom")
        #expect(try store.fail(attempt: "a1", error: "late", retryable: true, maxAttempts: 2) == nil, "a retired attempt")
        #expect(try store.lease(job: job.id, task: "lighting", attempt: "a2", worker: "n2"))
        let second = try #require(try store.fail(attempt: "a2", error: "boom again", retryable: true, maxAttempts: 2))
        #expect(second.jobFailed)
        let stored = try #require(try store.job(job.id))
        #expect(stored.state == .failed && stored.error == "lighting failed after 2 attempt(s): boom again" && stored.finishedAt != nil)
        let tasks = try store.tasks(job: job.id)
        #expect(tasks[0].state == .failed && tasks[0].failedOn == ["n1", "n2"])
        #expect(tasks.dropFirst().allSatisfy { $0.state == .cancelled })
        #expect(try store.jobs(finishedSince: Date(timeIntervalSinceNow: -60)) == [job.id])
        #expect(try store.jobs(active: true).isEmpty)
    }

    /// The attempt history is written by triggers (SQLite's, PostgreSQL's PL/pgSQL): each lease
    /// a row, ended with how it ended.
    @Test(arguments: StoreKind.allCases)
    func everyLeaseIsRecordedWithHowItEnded(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        let job = try Self.job()
        try store.insert(job, tasks: job.tasks)
        #expect(try store.lease(job: job.id, task: "lighting", attempt: "a1", worker: "n1"))
        try store.requeue(attempt: "a1", reason: "n1 left")
        #expect(try store.complete(attempt: "a1", outcome: TaskOutcome()) == nil, "a requeued attempt's late result is ignored")
        #expect(try store.lease(job: job.id, task: "lighting", attempt: "a2", worker: "n2"))
        _ = try store.fail(attempt: "a2", error: "flaky", retryable: true, maxAttempts: 5)
        #expect(try store.lease(job: job.id, task: "lighting", attempt: "a3", worker: "n3"))
        _ = try store.complete(attempt: "a3", outcome: TaskOutcome())
        let generate = try #require(job.tasks.first { $0.kind == .generate }?.name)
        #expect(try store.lease(job: job.id, task: generate, attempt: "a4", worker: "n1"))
        let attempts = try #require(try store.timeline(jobs: [job.id])[job.id]?.attempts)
        #expect(attempts.map(\.task) == ["lighting", "lighting", "lighting", generate])
        #expect(attempts.map(\.node) == ["n1", "n2", "n3", "n1"])
        #expect(attempts.map(\.number) == [1, 2, 3, 1])
        #expect(attempts.map(\.result) == [.requeued, .retried, .done, .running])
        #expect(attempts.dropLast().allSatisfy { ($0.durationSeconds ?? -1) >= 0 } && attempts.last?.endedAt == nil)
        let totals = try store.totals()
        #expect(totals.attempts == ["requeued": 1, "retried": 1, "done": 1, "running": 1])
        #expect(totals.doneByNode == ["n3": 1] && totals.failuresByNode == ["n2": 1])
        #expect(totals.jobs == ["running": 1])
        #expect(try store.attemptsEnded(since: 0).map(\.id) == ["a1", "a2", "a3"])
    }

    @Test(arguments: StoreKind.allCases)
    func cancelStopsPendingTasksAndNamesTheRunningOnes(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        let job = try Self.job()
        try store.insert(job, tasks: job.tasks)
        #expect(try store.lease(job: job.id, task: "lighting", attempt: "a1", worker: "n1"))
        let (cancelled, running) = try store.cancel(job: job.id)
        #expect(cancelled && running == ["a1"])
        #expect(try store.tasks(job: job.id).allSatisfy { $0.state == .cancelled && $0.attempt == nil })
        #expect(try store.job(job.id)?.state == .cancelled)
        #expect(try store.cancel(job: job.id) == (false, []) as (Bool, [String]))
        #expect(try store.cancel(job: "no-such-job") == (false, []) as (Bool, [String]))
        #expect(try store.complete(attempt: "a1", outcome: TaskOutcome()) == nil)
    }

    /// Progress counts a split chunk done only when all its parts are.
    @Test(arguments: StoreKind.allCases)
    func progressCountsFramesRunningTasksAndWholeChunks(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        let job = try Self.job(taskFrames: 4)
        try store.insert(job, tasks: job.tasks)
        _ = try store.lease(job: job.id, task: "lighting", attempt: "l", worker: "n1")
        _ = try store.complete(attempt: "l", outcome: TaskOutcome())
        let parts = job.tasks.filter { $0.kind == .generate && $0.index == 0 }.map(\.name)
        try #require(parts.count >= 2, "the first chunk is split: \(parts)")
        for (i, part) in parts.enumerated() {
            #expect(try store.lease(job: job.id, task: part, attempt: "p\(i)", worker: "n\(i)"))
        }
        try store.setProgress(attempt: "p0", framesDone: 7)
        var progress = try store.progress(job: job.id)
        #expect(progress == JobStore.Progress(framesDone: 7, chunksDone: 0, running: parts.count, workers: (0..<parts.count).map { "n\($0)" }.sorted()))
        for (i, _) in parts.enumerated().dropLast() { _ = try store.complete(attempt: "p\(i)", outcome: TaskOutcome(framesWritten: 4)) }
        progress = try store.progress(job: job.id)
        #expect(progress.chunksDone == 0 && progress.running == 1 && progress.framesDone == 4 * (parts.count - 1))
        _ = try store.complete(attempt: "p\(parts.count - 1)", outcome: TaskOutcome(framesWritten: 3))
        progress = try store.progress(job: job.id)
        #expect(progress == JobStore.Progress(framesDone: 4 * (parts.count - 1) + 3, chunksDone: 1, running: 0, workers: []))
    }

    @Test(arguments: StoreKind.allCases)
    func finishLightingAndDrainedNodesPersistAcrossReopening(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let job = try Self.job()
        do {
            let store = try database.open()
            try store.insert(job, tasks: job.tasks)
            try store.setLighting(job: job.id, id: "L7")
            try store.finish(job: job.id, published: "test/sh010/plates/v001", seamScores: [0.5, nil])
            try store.setDrained("n1", true)
            try store.setDrained("n1", true)
            try store.setDrained("n2", true)
            try store.setDrained("n2", false)
        }
        let reopened = try database.open()
        let stored = try #require(try reopened.job(job.id))
        #expect(stored.state == .done && stored.published == "test/sh010/plates/v001" && stored.seamScores == [0.5, nil])
        #expect(stored.job.lightingID == "L7")
        #expect(try reopened.drainedNodes() == ["n1"])
        #expect(try reopened.jobRows(finished: 10).map(\.id) == [job.id])
    }

    /// Jobs are served oldest first, then by id; ready tasks in that order and graph order.
    @Test(arguments: StoreKind.allCases)
    func readyTasksComeOldestJobFirst(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        let now = Date()
        let later = try Self.job(id: "j-b", submittedAt: now)
        let earlier = try Self.job(id: "j-c", submittedAt: now.addingTimeInterval(-10))
        let tied = try Self.job(id: "j-a", submittedAt: now)
        for job in [later, earlier, tied] { try store.insert(job, tasks: job.tasks) }
        #expect(try store.readyTasks().map(\.job) == ["j-c", "j-a", "j-b"])
        #expect(try store.readyTasks(limit: 2).map(\.job) == ["j-c", "j-a"])
        #expect(try store.jobs().map(\.job.id) == ["j-c", "j-a", "j-b"])
    }
}
