import Farm
import Foundation
import Testing

/// The dispatcher's batched lease (`JobStore.lease(_:fence:)`): one transaction for a whole
/// dispatch pass, fenced by the active-coordinator lease like the single lease it replaces.
@Suite struct JobStoreLeaseBatchTests {
    /// Three queued jobs, each with its lighting task ready; the requests that would lease them.
    private static func threeJobs(_ store: JobStore) throws -> (jobs: [ShotJob], requests: [LeaseRequest]) {
        let jobs = try (0..<3).map { i in try JobStoreTests.job(submittedAt: Date(timeIntervalSince1970: 1_800_000_000 + Double(i))) }
        for job in jobs { try store.insert(job, tasks: job.tasks) }
        let requests = jobs.enumerated().map { i, job in LeaseRequest(job: job.id, task: "lighting", attempt: "a\(i)", worker: "n\(i % 2)") }
        return (jobs, requests)
    }

    /// A coordinator that does not hold the unexpired active lease (nobody holds it, another
    /// holds it, or its own ran out: the pair link cut, the peer took over) leases nothing,
    /// and leaves every row as it was; the holder's batch leases every ready task in it.
    @Test(arguments: StoreKind.allCases)
    func aStaleCoordinatorsBatchIsRefusedWhole(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        let (jobs, requests) = try Self.threeJobs(store)
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try store.lease(requests, fence: (holder: "primary", now: t0)).isEmpty, "nobody holds the active lease")
        #expect(try store.claimActive(holder: "backup", now: t0, ttl: 2))
        #expect(try store.lease(requests, fence: (holder: "primary", now: t0.addingTimeInterval(1))).isEmpty, "the backup holds it")
        #expect(try store.lease(requests, fence: (holder: "backup", now: t0.addingTimeInterval(2))).isEmpty, "the backup's lease ran out at t0 + 2 s")
        for job in jobs {
            let lighting = try #require(try store.tasks(job: job.id).first { $0.node.name == "lighting" })
            #expect(lighting.state == .ready && lighting.attempts == 0 && lighting.attempt == nil && lighting.worker == nil)
            #expect(try store.job(job.id)?.state == .queued)
        }
        let leased = try store.lease(requests, fence: (holder: "backup", now: t0.addingTimeInterval(1.5)))
        #expect(leased == Set(requests.map(\.attempt)))
        for (job, request) in zip(jobs, requests) {
            let lighting = try #require(try store.tasks(job: job.id).first { $0.node.name == "lighting" })
            #expect(lighting.state == .leased && lighting.attempts == 1 && lighting.attempt == request.attempt && lighting.worker == request.worker)
            let stored = try #require(try store.job(job.id))
            #expect(stored.state == .running && stored.startedAt != nil)
        }
    }

    /// Tasks no longer ready (leased by an earlier batch, or never ready) are left out of the
    /// answer and keep their attempt; the rest of the batch is leased.
    @Test(arguments: StoreKind.allCases)
    func tasksNoLongerReadyAreLeftOut(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        let (jobs, requests) = try Self.threeJobs(store)
        #expect(try store.lease([requests[0]], fence: nil) == ["a0"])
        var again = requests
        again[0].attempt = "b0"
        // A generate task waits for its lighting: not ready, not leased.
        let waiting = LeaseRequest(job: jobs[1].id, task: try #require(jobs[1].tasks.first { $0.kind == .generate }).name, attempt: "w1", worker: "n1")
        #expect(try store.lease(again + [waiting], fence: nil) == ["a1", "a2"])
        #expect(try store.task(attempt: "a0")?.state == .leased)
        #expect(try store.task(attempt: "b0") == nil && store.task(attempt: "w1") == nil)
        #expect(try store.tasks(job: jobs[0].id).first { $0.node.name == "lighting" }?.attempts == 1)
    }

    /// Two coordinators (two connections, both believing they hold the lease at the same
    /// instant, as in a clock-skewed hand-over) lease the same ready tasks at once: each task
    /// goes to exactly one of them.
    @Test(arguments: StoreKind.allCases)
    func racingBatchesLeaseEachTaskOnce(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let stores = try (0..<2).map { _ in try database.open() }
        let (jobs, requests) = try Self.threeJobs(stores[0])
        let results = LeasedBy()
        let start = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        for (index, store) in stores.enumerated() {
            group.enter()
            Thread.detachNewThread {
                start.wait()
                let mine = requests.map { var r = $0; r.attempt = "c\(index)-\(r.attempt)"; return r }
                results.add(Result { try store.lease(mine, fence: nil) })
                group.leave()
            }
        }
        start.signal()
        start.signal()
        group.wait()
        let granted = try results.all.map { try $0.get() }
        #expect(granted.count == 2)
        #expect(granted.reduce(0) { $0 + $1.count } == jobs.count, "\(granted)")
        for job in jobs {
            let lighting = try #require(try stores[1].tasks(job: job.id).first { $0.node.name == "lighting" })
            #expect(lighting.attempts == 1 && granted.contains { $0.contains(lighting.attempt ?? "") })
        }
    }
}

/// What each racing store's batch got, from two threads.
private final class LeasedBy: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [Result<Set<String>, any Error>] = []
    var all: [Result<Set<String>, any Error>] { lock.withLock { list } }
    func add(_ result: Result<Set<String>, any Error>) { lock.withLock { list.append(result) } }
}
