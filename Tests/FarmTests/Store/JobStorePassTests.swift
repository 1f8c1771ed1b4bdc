import Chunking
@testable import Farm
import Foundation
import Testing

/// One loop pass in one transaction (`JobStore.pass`): the pass's results recorded and the next
/// tasks leased together, with the guarantees `complete(_:)` and `lease(_:fence:)` give apart.
@Suite struct JobStorePassTests {
    private static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// Three queued jobs, oldest first, each with its lighting task ready.
    private static func threeJobs(_ store: JobStore) throws -> [ShotJob] {
        let jobs = try (0..<3).map { i in try JobStoreTests.job(submittedAt: t0.addingTimeInterval(Double(i))) }
        for job in jobs { try store.insert(job, tasks: job.tasks) }
        return jobs
    }

    /// The plan sees the ready tasks in `readyTasks`' order (job priority, then age), read after
    /// this pass's results are recorded and their dependants released, so a finished task's
    /// dependants compete for this pass's slots by their job's priority; the result and the
    /// leases commit together (one write transaction).
    @Test(arguments: StoreKind.allCases)
    func aPassRecordsResultsAndLeasesInPriorityOrderInOneTransaction(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        let jobs = try Self.threeJobs(store)
        #expect(try store.setPriority(job: jobs[1].id, priority: 10))
        #expect(try store.lease([LeaseRequest(job: jobs[1].id, task: "lighting", attempt: "l1", worker: "n0")], fence: nil) == ["l1"])
        let before = store.backend.traffic
        var seen: [[String]] = []
        let generates = jobs[1].tasks.filter { $0.kind == .generate }.map(\.name)
        let pass = try store.pass(recording: [Completion(attempt: "l1", outcome: TaskOutcome(lightingID: "L1"))], readyLimit: 64, fence: nil) { ready, _ in
            seen.append(ready.map { "\($0.job == jobs[0].id ? "job0" : $0.job == jobs[1].id ? "job1" : "job2") \($0.node.name)" })
            return ready.prefix(generates.count + 1).map { LeaseRequest(job: $0.job, task: $0.node.name, attempt: "p-\($0.job)-\($0.node.name)", worker: "n1") }
        }
        // The high-priority job's generate tasks, which its lighting result released, then the older job.
        #expect(seen == [generates.map { "job1 \($0)" } + ["job0 lighting", "job2 lighting"]])
        #expect(pass.recorded.map { $0?.node.name } == ["lighting"])
        #expect(pass.leased == Set(pass.requests.map(\.attempt)) && pass.leased.count == generates.count + 1)
        if let before, let after = store.backend.traffic {
            #expect(after.since(before).transactions == 1, "results and leases in one write transaction")
        }
        #expect(try store.job(jobs[1].id)?.job.lightingID == "L1")
        for task in try store.tasks(job: jobs[1].id) where task.node.kind == .generate {
            #expect(task.state == .leased && task.attempt == "p-\(jobs[1].id)-\(task.node.name)")
        }
        #expect(try store.tasks(job: jobs[0].id).first { $0.node.name == "lighting" }?.state == .leased)
        #expect(try store.job(jobs[0].id)?.state == .running)
        #expect(try store.tasks(job: jobs[2].id).first { $0.node.name == "lighting" }?.state == .ready)
        #expect(try store.job(jobs[2].id)?.state == .queued)
    }

    /// A result recorded in the same transaction as a lease is accepted once: repeated in a
    /// later pass (the node sent it again after reconnecting) it is stale and changes nothing,
    /// and the attempt history has one ended attempt for it.
    @Test(arguments: StoreKind.allCases)
    func aResultRecordedWithALeaseIsAcceptedOnce(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        let jobs = try Self.threeJobs(store)
        #expect(try store.lease([LeaseRequest(job: jobs[0].id, task: "lighting", attempt: "l0", worker: "n0")], fence: nil) == ["l0"])
        let result = Completion(attempt: "l0", outcome: TaskOutcome(framesWritten: 0, lightingID: "L0"))
        let first = try store.pass(recording: [result], readyLimit: 64, fence: nil) { ready, _ in
            ready.filter { $0.job == jobs[2].id }.map { LeaseRequest(job: $0.job, task: $0.node.name, attempt: "x1", worker: "n1") }
        }
        #expect(first.recorded.count == 1 && first.recorded[0]?.state == .done && first.leased == ["x1"])
        let again = try store.pass(recording: [result, Completion(attempt: "l0", outcome: TaskOutcome(lightingID: "other"))], readyLimit: 16, fence: nil) { _, _ in [] }
        #expect(again.recorded.count == 2 && again.recorded.allSatisfy { $0 == nil })
        #expect(try store.job(jobs[0].id)?.job.lightingID == "L0")
        let lighting = try #require(try store.tasks(job: jobs[0].id).first { $0.node.name == "lighting" })
        #expect(lighting.state == .done && lighting.attempts == 1)
        let attempts = try #require(try store.timeline(jobs: [jobs[0].id])[jobs[0].id]).attempts.filter { $0.task == "lighting" }
        #expect(attempts.count == 1 && attempts.first?.result == .done)
        // Released once: every generate task of job0 is ready with no dependency left.
        for task in try store.tasks(job: jobs[0].id) where task.node.kind == .generate {
            #expect(task.state == .ready)
        }
    }

    /// A coordinator that does not hold the active lease records its pass's results (a result
    /// is a fact from a node, whoever is active) but leases nothing.
    @Test(arguments: StoreKind.allCases)
    func aPassWithoutTheFenceRecordsResultsAndLeasesNothing(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        let jobs = try Self.threeJobs(store)
        #expect(try store.claimActive(holder: "primary", now: Self.t0, ttl: 2))
        #expect(try store.lease([LeaseRequest(job: jobs[0].id, task: "lighting", attempt: "l0", worker: "n0")], fence: (holder: "primary", now: Self.t0)) == ["l0"])
        #expect(try store.claimActive(holder: "backup", now: Self.t0.addingTimeInterval(3), ttl: 2))
        let pass = try store.pass(recording: [Completion(attempt: "l0", outcome: TaskOutcome(lightingID: "L0"))], readyLimit: 64,
                                  fence: (holder: "primary", now: Self.t0.addingTimeInterval(3.5))) { ready, _ in
            ready.map { LeaseRequest(job: $0.job, task: $0.node.name, attempt: "p-\($0.job)-\($0.node.name)", worker: "n1") }
        }
        #expect(pass.recorded.first??.state == .done)
        let generates = jobs[0].tasks.filter { $0.kind == .generate }.map(\.name)
        #expect(pass.requests.count == generates.count + 2 && pass.leased.isEmpty)
        for task in try store.tasks(job: jobs[0].id) where task.node.kind == .generate {
            #expect(task.state == .ready && task.attempts == 0 && task.attempt == nil)
        }
        #expect(try store.job(jobs[0].id)?.job.lightingID == "L0")
        for job in jobs[1...] {
            let lighting = try #require(try store.tasks(job: job.id).first { $0.node.name == "lighting" })
            #expect(lighting.state == .ready && lighting.attempts == 0 && lighting.attempt == nil)
            #expect(try store.job(job.id)?.state == .queued)
        }
    }

    /// A task another coordinator leased is left out of the pass's leases and keeps its
    /// attempt: when its lease came before the pass's read (a stale plan asks for it anyway),
    /// and on PostgreSQL also when it lands between the pass's read and its lease (another
    /// connection commits while this pass's transaction is open).
    @Test(arguments: StoreKind.allCases)
    func aPassSkipsTasksAnotherCoordinatorLeased(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let mine = try database.open(), other = try database.open()
        let jobs = try Self.threeJobs(mine)
        #expect(try mine.lease([LeaseRequest(job: jobs[0].id, task: "lighting", attempt: "l0", worker: "n0")], fence: nil) == ["l0"])
        #expect(try other.lease([LeaseRequest(job: jobs[1].id, task: "lighting", attempt: "theirs-1", worker: "m1")], fence: nil) == ["theirs-1"])
        let pass = try mine.pass(recording: [Completion(attempt: "l0", outcome: TaskOutcome(lightingID: "L0"))], readyLimit: 16, fence: nil) { ready, _ in
            if kind == .postgres, let job2 = ready.first(where: { $0.job == jobs[2].id }) {
                // The other coordinator leases job2's lighting now, after this pass read it as ready.
                let theirs = try other.lease([LeaseRequest(job: job2.job, task: job2.node.name, attempt: "theirs-2", worker: "m1")], fence: nil)
                #expect(theirs == ["theirs-2"])
            }
            return [jobs[1], jobs[2]].map { LeaseRequest(job: $0.id, task: "lighting", attempt: "mine-\($0.id)", worker: "n1") }
        }
        #expect(pass.recorded.first??.state == .done)
        let lighting1 = try #require(try mine.tasks(job: jobs[1].id).first { $0.node.name == "lighting" })
        #expect(lighting1.attempt == "theirs-1" && lighting1.attempts == 1 && !pass.leased.contains("mine-\(jobs[1].id)"))
        let lighting2 = try #require(try mine.tasks(job: jobs[2].id).first { $0.node.name == "lighting" })
        #expect(lighting2.state == .leased && lighting2.attempts == 1)
        if kind == .postgres {
            #expect(lighting2.attempt == "theirs-2" && pass.leased.isEmpty)
        } else {
            #expect(lighting2.attempt == "mine-\(jobs[2].id)" && pass.leased == ["mine-\(jobs[2].id)"])
        }
    }
}
