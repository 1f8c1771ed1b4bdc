@testable import Farm
import Foundation
import Testing

/// Job priority in the store, on every backend: the documented dispatch order (protocol.md §7:
/// highest priority first, then oldest job, then graph order) and who may change it.
@Suite struct JobStorePriorityTests {
    @Test(arguments: StoreKind.allCases)
    func readyTasksComeHighestPriorityFirstThenOldestJob(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        let now = Date()
        let oldest = try JobStoreTests.job(id: "j-c", submittedAt: now.addingTimeInterval(-20))
        let middle = try JobStoreTests.job(id: "j-b", submittedAt: now.addingTimeInterval(-10))
        let newest = try JobStoreTests.job(id: "j-a", submittedAt: now)
        for job in [oldest, middle, newest] { try store.insert(job, tasks: job.tasks) }
        #expect(try store.readyTasks().map(\.job) == ["j-c", "j-b", "j-a"], "equal priorities: submission order")
        #expect(try store.setPriority(job: "j-a", priority: 5))
        #expect(try store.setPriority(job: "j-b", priority: 5))
        #expect(try store.setPriority(job: "j-c", priority: -1))
        #expect(try store.readyTasks().map(\.job) == ["j-b", "j-a", "j-c"])
        #expect(try store.readyTasks(limit: 1).map(\.job) == ["j-b"])
        #expect(try store.job("j-a")?.priority == 5 && store.job("j-c")?.priority == -1)
        #expect(try store.jobRows(finished: 10).first { $0.id == "j-b" }?.priority == 5)
    }

    @Test(arguments: StoreKind.allCases)
    func onlyQueuedOrRunningJobsChangePriority(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        let job = try JobStoreTests.job()
        try store.insert(job, tasks: job.tasks)
        #expect(try store.job(job.id)?.priority == JobPriority.default)
        #expect(try !store.setPriority(job: "j-unknown", priority: 1))
        #expect(try store.cancel(job: job.id).cancelled)
        #expect(try !store.setPriority(job: job.id, priority: 9), "a finished job keeps its priority")
        #expect(try store.job(job.id)?.priority == JobPriority.default)
    }
}
