import Farm
import Foundation
import Testing

/// The active-coordinator lease (issue 15): a row with an expiry that at most one coordinator
/// holds, so two coordinators never dispatch at once even when their peer link is cut.
@Suite struct JobStoreActiveLeaseTests {
    @Test(arguments: StoreKind.allCases)
    func freeExpiredOrOwnLeaseIsTakenAndAnyOtherRefused(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try store.activeHolder() == nil)
        #expect(try store.claimActive(holder: "a", now: t0, ttl: 3))
        // Held and not expired: b is refused; a renews.
        #expect(try !store.claimActive(holder: "b", now: t0.addingTimeInterval(2.9), ttl: 3))
        #expect(try store.claimActive(holder: "a", now: t0.addingTimeInterval(2), ttl: 3))
        #expect(try !store.claimActive(holder: "b", now: t0.addingTimeInterval(4.9), ttl: 3))
        #expect(try store.activeHolder()?.holder == "a")
        #expect(try store.activeHolder()?.expiresAt == t0.addingTimeInterval(5))
        // a's renewal ran out at t0 + 5: b takes over, and a's late renewal is refused.
        #expect(try store.claimActive(holder: "b", now: t0.addingTimeInterval(5), ttl: 3))
        #expect(try !store.claimActive(holder: "a", now: t0.addingTimeInterval(6), ttl: 3))
        // Releasing someone else's lease changes nothing; releasing one's own frees it at once.
        try store.releaseActive(holder: "a")
        #expect(try store.activeHolder()?.holder == "b")
        try store.releaseActive(holder: "b")
        #expect(try store.activeHolder() == nil)
        #expect(try store.claimActive(holder: "a", now: t0.addingTimeInterval(6), ttl: 3))
    }

    /// A fenced lease dispatches only for the holder of an unexpired active lease.
    @Test(arguments: StoreKind.allCases)
    func aFencedTaskLeaseNeedsTheActiveLease(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        let job = try JobStoreTests.job()
        try store.insert(job, tasks: job.tasks)
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try !store.lease(job: job.id, task: "lighting", attempt: "x0", worker: "n1", fence: ("a", t0)), "nobody holds the lease")
        #expect(try store.claimActive(holder: "a", now: t0, ttl: 2))
        #expect(try !store.lease(job: job.id, task: "lighting", attempt: "x1", worker: "n1", fence: ("b", t0.addingTimeInterval(1))), "b does not hold it")
        #expect(try !store.lease(job: job.id, task: "lighting", attempt: "x2", worker: "n1", fence: ("a", t0.addingTimeInterval(2))), "a's lease ran out")
        #expect(try store.tasks(job: job.id).first?.state == .ready)
        #expect(try store.lease(job: job.id, task: "lighting", attempt: "x3", worker: "n1", fence: ("a", t0.addingTimeInterval(1.9))))
        #expect(try store.tasks(job: job.id).first?.attempt == "x3")
    }

    /// Eight stores, each its own connection (as eight coordinator processes would have), claim
    /// the free lease at the same instant: exactly one wins, and the row names the winner.
    @Test(arguments: StoreKind.allCases)
    func racingStoresHaveExactlyOneWinner(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let contenders = 8
        let stores = try (0..<contenders).map { _ in try database.open() }
        let now = Date()
        for round in 0..<5 {
            let wins = Wins()
            let start = DispatchSemaphore(value: 0)
            let group = DispatchGroup()
            for (index, store) in stores.enumerated() {
                group.enter()
                Thread.detachNewThread {
                    start.wait()
                    do {
                        if try store.claimActive(holder: "c\(index)", now: now.addingTimeInterval(Double(round) * 100), ttl: 10) { wins.add("c\(index)") }
                    } catch {
                        wins.add("error: \(error)")
                    }
                    group.leave()
                }
            }
            for _ in 0..<contenders { start.signal() }
            group.wait()
            #expect(wins.names.count == 1, "round \(round): \(wins.names)")
            #expect(try stores[0].activeHolder()?.holder == wins.names.first)
        }
    }
}

/// Names of the contenders that won, from several threads.
private final class Wins: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    var names: [String] { lock.withLock { list } }
    func add(_ name: String) { lock.withLock { list.append(name) } }
}
