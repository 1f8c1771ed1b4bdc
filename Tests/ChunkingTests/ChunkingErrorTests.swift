import Chunking
import ShotSpec
import Testing

@Suite struct ChunkingErrorTests {
    let fps24 = ShotFixtures.rate("24")

    @Test func overlapOfHalfTheChunkLimitIsRejectedWithTheLimit() {
        let error = #expect(throws: ChunkingError.self) {
            try ChunkPlanner.plan(frames: FrameRange(first: 1001, count: 600), fps: fps24, overlap: 126)
        }
        #expect(error?.description == "shot.chunking.overlap: 126 frames is at least half of the 252-frame chunk limit at 24 fps; use at most 125")
        #expect(throws: Never.self) { try ChunkPlanner.plan(frames: FrameRange(first: 1001, count: 300), fps: fps24, overlap: 125) }
        let ntsc = #expect(throws: ChunkingError.self) {
            try ChunkPlanner.plan(frames: FrameRange(first: 1001, count: 600), fps: ShotFixtures.rate("30000/1001"), overlap: 157)
        }
        #expect(ntsc?.description == "shot.chunking.overlap: 157 frames is at least half of the 314-frame chunk limit at 30000/1001 fps; use at most 156")
    }

    @Test func negativeOverlapIsRejected() {
        let error = #expect(throws: ChunkingError.self) {
            try ChunkPlanner.plan(frames: FrameRange(first: 1001, count: 600), fps: fps24, overlap: -3)
        }
        #expect(error?.description == "shot.chunking.overlap: must not be negative, got -3")
    }

    @Test func zeroLengthShotIsRejected() {
        let error = #expect(throws: ChunkingError.self) {
            try ChunkPlanner.plan(frames: FrameRange(first: 1001, count: 0), fps: fps24, overlap: nil)
        }
        #expect(error?.description == "shot.frames.count: must be at least 1 frame, got 0")
    }

    @Test func overlapsThatWouldMeetInsideAChunkAreRejected() {
        // M 21, O 10, N 33: k = 3 chunks of 18, 18, 17 frames, but a middle chunk needs 2 × 10.
        let error = #expect(throws: ChunkingError.self) {
            try ChunkPlanner.plan(frames: FrameRange(first: 1001, count: 33), fps: fps24, overlap: 10, maxFramesPerCall: 21)
        }
        #expect(error?.description == "shot.chunking.overlap: 10 frames makes 3 chunks as short as 17 frames, fewer than the 20 their two overlaps need; use a smaller overlap")
    }

    @Test func aGeneratorLimitBelowOneFrameIsRejected() {
        let error = #expect(throws: ChunkingError.self) {
            try ChunkPlanner.plan(frames: FrameRange(first: 1001, count: 10), fps: fps24, overlap: nil, maxFramesPerCall: 0)
        }
        #expect(error?.description == "generator.capabilities.maxFramesPerCall: must be at least 1, got 0")
    }
}
