import Chunking
import Foundation
import ImageCore
import Inference
import ShotSpec
import Testing

@Suite struct SeamScoreTests {
    /// 120 frames at 24 fps in chunks of at most 48 with a 12-frame overlap: three chunks of 48.
    static func driftShot(overlap: Int = 12) throws -> (ShotSpec, ChunkPlan) {
        let spec = try ShotFixtures.shot(frames: 120, chunking: "{ overlap: \(overlap) }")
        return (spec, try ChunkPlanner.plan(spec, maxFramesPerCall: 48))
    }

    @Test func blendedDriftSeamsScoreNearOneWhileHardCutsStandOut() throws {
        let (spec, plan) = try Self.driftShot()
        #expect(plan.chunks.map(\.count) == [48, 48, 48])
        let outputs = try DriftChunks.generate(spec, plan: plan, mode: .parallel)
        let report = try SeamMetrics.report(plan: plan, chunkOutputs: outputs)
        print("drift seams (O 12):", report.seams.map { "boundary \($0.boundary) \($0.frames): blended \($0.score ?? -1), hard cut \($0.unblendedScore ?? -1)" })
        #expect(report.seams.count == 2)
        #expect(report.interiorPairs == 120 - 1 - 2 * 12 - 2)
        for seam in report.seams {
            let blended = try #require(seam.score), unblended = try #require(seam.unblendedScore)
            #expect(blended < 2)
            #expect(unblended > 4)
        }
    }

    @Test func seamPairIsTheTakeoverFrameAndTheOneBefore() throws {
        let (_, plan) = try Self.driftShot()
        // Chunk 1 starts at 1001 + 48 − 12 = 1037; the ramp passes one half 6 frames in.
        #expect(plan.boundaries[0].overlapStart == 1037)
        #expect(plan.boundaries[0].seamPair == (1042, 1043))
        #expect(BoundaryBlend.weightOfLater(5, overlap: 12) < 0.5 && BoundaryBlend.weightOfLater(6, overlap: 12) > 0.5)
        let odd = ChunkBoundary(index: 0, overlapStart: 100, overlap: 5)
        #expect(odd.seamPair == (101, 102))
        #expect(abs(BoundaryBlend.weightOfLater(2, overlap: 5) - 0.5) < 1e-15)
        let abutting = ChunkBoundary(index: 0, overlapStart: 100, overlap: 0)
        #expect(abutting.seamPair == (99, 100))
    }

    @Test func reportFromTheFinalSequenceMatchesTheChunkOutputsReport() throws {
        let (spec, plan) = try Self.driftShot()
        let outputs = try DriftChunks.generate(spec, plan: plan, mode: .parallel)
        let sequence = try plan.assemble(chunkOutputs: outputs)
        #expect(sequence.count == 120)
        let fromSequence = try SeamMetrics.report(plan: plan) { sequence[$0 - 1001] }
        let fromChunks = try SeamMetrics.report(plan: plan, chunkOutputs: outputs)
        #expect(fromSequence.seams.map(\.score) == fromChunks.seams.map(\.score))
        #expect(fromSequence.interiorMedian == fromChunks.interiorMedian)
        let json = try JSONEncoder().encode(fromChunks)
        #expect(try JSONDecoder().decode(SeamReport.self, from: json) == fromChunks)
    }

    @Test func withoutOverlapBlendedAndHardCutSeamsAreTheSame() throws {
        let (spec, plan) = try Self.driftShot(overlap: 0)
        let outputs = try DriftChunks.generate(spec, plan: plan, mode: .parallel)
        let report = try SeamMetrics.report(plan: plan, chunkOutputs: outputs)
        for seam in report.seams {
            #expect(seam.score == seam.unblendedScore)
            #expect(try #require(seam.score) > 4)
        }
    }

    @Test func aStillShotHasNoScoreButAZeroDifference() throws {
        let plan = try ChunkPlanner.plan(frames: FrameRange(first: 1, count: 30), fps: ShotFixtures.rate("24"), overlap: 4, maxFramesPerCall: 12)
        let grey = RGBAImage(width: 8, height: 4, fill: [0.18, 0.18, 0.18, 1])
        let report = try SeamMetrics.report(plan: plan, chunkOutputs: plan.chunks.map { Array(repeating: grey, count: $0.count) })
        #expect(report.interiorMedian == 0)
        #expect(report.seams.allSatisfy { $0.score == nil && $0.meanAbsoluteDifference == 0 })
    }
}
