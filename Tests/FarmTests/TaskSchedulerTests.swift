import Farm
import Foundation
import Testing

/// The dispatch choice without sockets or a store: which node takes each ready task.
@Suite("Task scheduler")
struct TaskSchedulerTests {
    func node(_ name: String, slots: Int = 1, running: Int = 0, generators: Set<String> = ["testpattern"], shared: Bool = true) -> TaskScheduler.Candidate {
        TaskScheduler.Candidate(peer: Data(name.utf8), name: name, freeSlots: slots, running: running, generators: generators, shared: shared)
    }

    @Test func theLeastBusyNodeThatOffersTheGeneratorAndStorageIsChosen() {
        let scheduler = TaskScheduler(candidates: [
            node("a", slots: 2, running: 2), node("b", slots: 1, running: 1), node("c", generators: ["scenelit"]), node("t", shared: false),
        ])
        #expect(scheduler.choose(.init(generator: "testpattern", needsShared: true))?.name == "b")
        // A transfer-mode node takes generate tasks of parallel jobs only; it is the least busy.
        #expect(scheduler.choose(.init(generator: "testpattern", needsShared: false))?.name == "t")
        #expect(scheduler.choose(.init(generator: "scenelit", needsShared: true))?.name == "c")
        #expect(scheduler.choose(.init(generator: "drift", needsShared: false)) == nil)
    }

    @Test func aNodeTheTaskFailedOnIsTakenOnlyWhenNoOtherCan() {
        let scheduler = TaskScheduler(candidates: [node("a"), node("b", running: 3)])
        #expect(scheduler.choose(.init(generator: "testpattern", needsShared: true, failedOn: ["a"]))?.name == "b")
        #expect(scheduler.choose(.init(generator: "testpattern", needsShared: true, failedOn: ["a", "b"]))?.name == "a")
    }

    @Test func slotsAreUsedUpAndTiesGoByName() {
        var scheduler = TaskScheduler(candidates: [node("b", slots: 2), node("a"), node("z", slots: 0)])
        #expect(scheduler.freeSlots == 3)
        var order: [String] = []
        while let chosen = scheduler.choose(.init(generator: "testpattern", needsShared: true)) {
            order.append(chosen.name)
            scheduler.assigned(to: chosen.peer)
        }
        // a and b tie at 0 running (a wins by name) and a is then full; b takes the other two.
        #expect(order == ["a", "b", "b"])
        #expect(scheduler.isEmpty)
    }

    @Test func blendPublishLightingAndSequentialJobsNeedSharedStorage() {
        for kind in TaskKind.allCases {
            #expect(TaskScheduler.needsShared(kind, sequential: false) == (kind != .generate), "\(kind)")
            #expect(TaskScheduler.needsShared(kind, sequential: true))
        }
    }
}
