import Chunking
import ImageCore
import Inference
import ShotSpec
import Testing

@Suite struct ChunkModeTests {
    static func plan(frames: Int = 120, chunking: String = "{ overlap: 12 }") throws -> (ShotSpec, ChunkPlan) {
        let spec = try ShotFixtures.shot(frames: frames, chunking: chunking)
        return (spec, try ChunkPlanner.plan(spec, maxFramesPerCall: 48))
    }

    static func resolve(_ spec: ShotSpec, _ plan: ChunkPlan, _ generator: any Generator) throws -> ChunkMode {
        let caps = generator.capabilities
        return try ChunkMode.resolve(
            spec.chunking.mode, conditioningFrames: spec.chunking.conditioningFrames, generator: caps.name,
            deterministic: caps.deterministic, acceptsConditioningFrames: caps.conditioningFrames, plan: plan
        )
    }

    @Test func autoIsParallelForDeterministicGeneratorsAndSequentialForConditionedOnes() throws {
        let (spec, plan) = try Self.plan()
        #expect(try Self.resolve(spec, plan, TestPatternGenerator()) == .parallel)
        #expect(try Self.resolve(spec, plan, DriftGenerator()) == .sequential(conditioningFrames: 4))
        let (parallelSpec, _) = try Self.plan(chunking: "{ overlap: 12, mode: parallel }")
        #expect(try Self.resolve(parallelSpec, plan, DriftGenerator()) == .parallel)
    }

    @Test func conditioningCountIsCappedByTheSpecTheGeneratorAndTheOverlap() throws {
        let (two, twoPlan) = try Self.plan(chunking: "{ overlap: 12, conditioning_frames: 2 }")
        #expect(try Self.resolve(two, twoPlan, DriftGenerator()) == .sequential(conditioningFrames: 2))
        let (many, manyPlan) = try Self.plan(chunking: "{ overlap: 12, conditioning_frames: 40 }")
        #expect(try Self.resolve(many, manyPlan, DriftGenerator()) == .sequential(conditioningFrames: 4))
        let (narrow, narrowPlan) = try Self.plan(chunking: "{ overlap: 3, mode: sequential }")
        #expect(try Self.resolve(narrow, narrowPlan, DriftGenerator()) == .sequential(conditioningFrames: 3))
        let (none, nonePlan) = try Self.plan(chunking: "{ overlap: 12, conditioning_frames: 0 }")
        #expect(try Self.resolve(none, nonePlan, DriftGenerator()) == .parallel)
    }

    @Test func explicitSequentialForAGeneratorWithoutConditioningIsAnError() throws {
        let (spec, plan) = try Self.plan(chunking: "{ overlap: 12, mode: sequential }")
        let error = #expect(throws: ChunkingError.self) { try Self.resolve(spec, plan, TestPatternGenerator()) }
        #expect(error?.description == "shot.chunking.mode: sequential needs a generator that accepts conditioning frames, and 'testpattern' accepts none; use auto or parallel")
    }

    @Test func sequentialModeHandsTheNextChunkThePreviousChunksLastFrames() throws {
        let (spec, plan) = try Self.plan()
        let mode = try Self.resolve(spec, plan, DriftGenerator())
        guard case .sequential(let c) = mode else { Issue.record("expected sequential, got \(mode)"); return }
        var previous: [RGBAImage] = []
        try DriftGenerator().generate(
            GenerationRequest(spec: spec, frames: plan.chunks[0].frames, chunkIndex: 0, lighting: .none), cancellation: CancellationFlag()
        ) { _, image in previous.append(image) }
        let handoff = try ConditioningHandoff.after(chunk: 0, frames: previous, in: plan, count: c)
        // Chunk 0 is 1001...1048: its last four frames, which lie inside chunk 1's 12-frame overlap.
        #expect(handoff.chunk == 1)
        #expect(handoff.frameNumbers == 1045...1048)
        #expect(try ConditioningHandoff.frameNumbers(for: 1, in: plan, count: c) == 1045...1048)
        #expect(handoff.images.count == 4)
        for (number, image) in zip(1045...1048, handoff.images) {
            #expect(image == DriftGenerator.render(spec: spec, frame: number, chunkIndex: 0))
        }
        #expect(try ConditioningHandoff.frameNumbers(for: 0, in: plan, count: c) == nil)
        let wrong = #expect(throws: ChunkingError.self) { try ConditioningHandoff.after(chunk: 0, frames: Array(previous.dropLast()), in: plan, count: c) }
        #expect(wrong?.description == "chunk 0: expected 48 frames, got 47")
        let past = #expect(throws: ChunkingError.self) { try ConditioningHandoff.after(chunk: 2, frames: [], in: plan, count: c) }
        #expect(past?.description == "chunk 3 is not in the plan, which has 3 chunks")
    }

    @Test func conditionedDriftChunksJumpLessAtHardCuts() throws {
        let (spec, plan) = try Self.plan()
        let parallel = try SeamMetrics.report(plan: plan, chunkOutputs: DriftChunks.generate(spec, plan: plan, mode: .parallel))
        let sequential = try SeamMetrics.report(plan: plan, chunkOutputs: DriftChunks.generate(spec, plan: plan, mode: .sequential(conditioningFrames: 4)))
        print("hard-cut scores, parallel:", parallel.seams.map { $0.unblendedScore ?? -1 }, "sequential:", sequential.seams.map { $0.unblendedScore ?? -1 })
        for (p, s) in zip(parallel.seams, sequential.seams) {
            #expect(try #require(s.unblendedScore) < #require(p.unblendedScore))
        }
    }
}
