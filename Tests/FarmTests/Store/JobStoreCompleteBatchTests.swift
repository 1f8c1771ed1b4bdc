import Chunking
import Farm
import Foundation
import Testing

/// Group commit of results (`JobStore.complete(_:)`): several results in one transaction,
/// each recorded exactly as `complete(attempt:outcome:)` would one by one.
@Suite struct JobStoreCompleteBatchTests {
    /// A repeated or unknown attempt in the batch is stale (nil) and changes nothing; a
    /// lighting result records its artifact id in its job in the same transaction.
    @Test(arguments: StoreKind.allCases)
    func staleAttemptsInABatchAreNilAndLightingIdsAreRecorded(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        let jobs = try (0..<2).map { i in try JobStoreTests.job(submittedAt: Date(timeIntervalSince1970: 1_800_000_000 + Double(i))) }
        for job in jobs { try store.insert(job, tasks: job.tasks) }
        #expect(try store.lease(jobs.enumerated().map { LeaseRequest(job: $1.id, task: "lighting", attempt: "l\($0)", worker: "n1") }, fence: nil).count == 2)
        let recorded = try store.complete([
            Completion(attempt: "l0", outcome: TaskOutcome(lightingID: "L0")),
            Completion(attempt: "l1", outcome: TaskOutcome(lightingID: "L1")),
            Completion(attempt: "l0", outcome: TaskOutcome(lightingID: "other")),
            Completion(attempt: "never-leased", outcome: TaskOutcome()),
        ])
        #expect(recorded.map { $0?.node.name } == ["lighting", "lighting", nil, nil])
        #expect(recorded.compactMap { $0 }.allSatisfy { $0.state == .done })
        for (i, job) in jobs.enumerated() {
            #expect(try store.job(job.id)?.job.lightingID == "L\(i)")
            // The graph: every generate task depends on the lighting only.
            let generates = Set(job.tasks.filter { $0.kind == .generate }.map(\.name))
            #expect(Set(try store.tasks(job: job.id).filter { $0.state == .ready }.map(\.node.name)) == generates)
        }
    }

    /// A job driven through its whole graph by batched leases and batched results, as the
    /// coordinator does: every task is done once after one attempt, and the publish result
    /// finishes the job with its folder and seam scores in the same transaction.
    @Test(arguments: StoreKind.allCases)
    func aWholeGraphRunsOnBatchesAndThePublishFinishesTheJob(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        let job = try JobStoreTests.job()
        try store.insert(job, tasks: job.tasks)
        var passes = 0
        while try store.job(job.id)?.state != .done {
            passes += 1
            try #require(passes <= job.tasks.count, "the graph did not finish")
            let ready = try store.readyTasks()
            try #require(!ready.isEmpty, "nothing ready and the job is not done")
            let requests = ready.map { LeaseRequest(job: job.id, task: $0.node.name, attempt: "\($0.node.name)#\(passes)", worker: "n1") }
            let leased = try store.lease(requests, fence: nil)
            #expect(leased == Set(requests.map(\.attempt)))
            let results = try store.complete(ready.enumerated().map { i, task in
                let seams = task.node.kind == .publish ? try? JSONDecoder().decode(SeamReport.self, from: Data("""
                    {"interiorPairs": 20, "interiorMedian": 0.2, "seams": [{"boundary": 0, "frames": [1010, 1011], "meanAbsoluteDifference": 0.1, "score": 0.5}]}
                    """.utf8)) : nil
                return Completion(attempt: requests[i].attempt, outcome: TaskOutcome(framesWritten: 1, lightingID: task.node.kind == .lighting ? "L9" : nil,
                                                                                      published: task.node.kind == .publish ? "test/sh010/plates/v001" : nil, seams: seams))
            })
            #expect(results.allSatisfy { $0?.state == .done })
        }
        let tasks = try store.tasks(job: job.id)
        #expect(tasks.count == job.tasks.count && tasks.allSatisfy { $0.state == .done && $0.attempts == 1 })
        let stored = try #require(try store.job(job.id))
        #expect(stored.published == "test/sh010/plates/v001" && stored.seamScores == [0.5] && stored.finishedAt != nil && stored.job.lightingID == "L9")
    }
}
