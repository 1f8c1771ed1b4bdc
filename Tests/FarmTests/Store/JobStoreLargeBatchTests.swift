@testable import Farm
import Foundation
import Testing

/// Batches as large as one pass of the loop takes (up to `JobStore.maxLeaseBatch` leases), on a
/// connection whose first statements moved a single task. On PostgreSQL the statement trigger
/// (v8) pairs each statement's rows before and after it; the plan PL/pgSQL keeps is the one made
/// for that first, one-row statement, and v7's join of the two sides ran in time that grows
/// with the square of the rows (Docs/performance.md, "The transition join"). Here every lease
/// is recorded once, every attempt ends once with its result, and every dependant is released
/// exactly when its last dependency is done.
@Suite struct JobStoreLargeBatchTests {
    @Test(arguments: StoreKind.allCases)
    func batchesOfAThousandTasksRecordEachAttemptAndReleaseEachDependantOnce(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        let template = try JobStoreTests.job()
        let generates = template.tasks.filter { $0.kind == .generate }.map(\.name)
        try #require(generates.count > 1 && template.tasks.allSatisfy { $0.kind != .generate || $0.dependsOn == ["lighting"] })
        // As many jobs as fill one batch with their generate tasks: 1023 leases with 3 per job.
        let jobs = try (0..<(JobStore.maxLeaseBatch / generates.count)).map { i in
            try JobStoreTests.job(submittedAt: Date(timeIntervalSince1970: 1_800_000_000 + Double(i)))
        }
        for job in jobs { try store.insert(job, tasks: job.tasks) }

        // One task alone first, on the connection every later batch uses.
        let lightings = jobs.enumerated().map { LeaseRequest(job: $1.id, task: "lighting", attempt: "lighting-\($0)", worker: "n1") }
        #expect(try store.lease([lightings[0]], fence: nil) == [lightings[0].attempt])
        #expect(try store.complete([Completion(attempt: lightings[0].attempt, outcome: TaskOutcome(lightingID: "L"))]).first??.state == .done)
        let rest = Array(lightings.dropFirst())
        #expect(try store.lease(rest, fence: nil) == Set(rest.map(\.attempt)))
        #expect(try store.complete(rest.map { Completion(attempt: $0.attempt, outcome: TaskOutcome(lightingID: "L")) }).allSatisfy { $0?.state == .done })

        // Every generate task of every job is ready, and nothing else is.
        let ready = try store.readyTasks(limit: 4 * JobStore.maxLeaseBatch)
        #expect(ready.count == jobs.count * generates.count && ready.allSatisfy { $0.node.kind == .generate })
        let requests = ready.map { LeaseRequest(job: $0.job, task: $0.node.name, attempt: "\($0.job)/\($0.node.name)", worker: "n2") }
        #expect(try store.lease(requests, fence: nil) == Set(requests.map(\.attempt)))
        let done = try store.complete(requests.map { Completion(attempt: $0.attempt, outcome: TaskOutcome(framesWritten: 10)) })
        #expect(done.count == requests.count && done.allSatisfy { $0?.state == .done })

        // Each task waiting on the generates alone is now ready; each waiting on anything else
        // still waits. Each of the 1 + 1023 + 1023 … leases has one attempt row, ended as done.
        let timeline = try store.timeline(jobs: jobs.map(\.id))
        for job in jobs {
            let tasks = try #require(timeline[job.id]?.tasks)
            for task in tasks {
                let expected: TaskState = switch task.node.kind {
                case .lighting, .generate: .done
                default: Set(task.node.dependsOn).isSubset(of: Set(generates + ["lighting"])) ? .ready : .waiting
                }
                #expect(task.state == expected, "\(job.id) \(task.node.name)")
            }
            let attempts = try #require(timeline[job.id]?.attempts)
            #expect(attempts.count == 1 + generates.count && attempts.allSatisfy { $0.result == .done && $0.endedAt != nil })
            #expect(Set(attempts.map(\.task)) == Set(["lighting"] + generates))
        }
    }
}
