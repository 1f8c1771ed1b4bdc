import Chunking
import ShotSpec
import Testing

@Suite struct ChunkPlannerTests {
    static let rates = ["24", "24000/1001", "25", "30000/1001", "30", "48", "50", "60000/1001", "60"]

    @Test(arguments: [
        ("24", 252, 12), ("25", 262, 13), ("30", 315, 15), ("24000/1001", 251, 12), ("30000/1001", 314, 15),
        ("48", 504, 24), ("50", 525, 25), ("60000/1001", 629, 30), ("60", 630, 30),
    ])
    func maxChunkAndDefaultOverlapFollowTheRationalRate(rate: String, m: Int, o: Int) {
        let fps = ShotFixtures.rate(rate)
        #expect(ChunkPlanner.maxChunkFrames(fps: fps) == m)
        #expect(ChunkPlanner.defaultOverlap(fps: fps, maxFrames: m) == o)
    }

    @Test(arguments: rates)
    func plansCoverEveryFrameWithExactOverlapsAndEvenLengths(rate: String) throws {
        let fps = ShotFixtures.rate(rate)
        let m = ChunkPlanner.maxChunkFrames(fps: fps)
        let overlaps = [0, 1, ChunkPlanner.defaultOverlap(fps: fps, maxFrames: m), m / 4, m / 3, (m - 1) / 2]
        let lengths = [1, 2, m - 1, m, m + 1, m + 2, 2 * m - 12, 2 * m, 3 * m + 7, 1000, 2500, 4321, 10_007]
        var planned = 0
        for o in overlaps {
            for n in lengths {
                let frames = FrameRange(first: 1001, count: n)
                let k = n <= m ? 1 : Int((Double(n - o) / Double(m - o)).rounded(.up))
                let total = n + (k - 1) * o
                if k > 2, total / k < 2 * o {
                    #expect(throws: ChunkingError.overlapsWouldNest(overlap: o, chunkFrames: total / k, chunks: k)) {
                        try ChunkPlanner.plan(frames: frames, fps: fps, overlap: o)
                    }
                    continue
                }
                let plan = try ChunkPlanner.plan(frames: frames, fps: fps, overlap: o)
                try Self.checkInvariants(plan, n: n, m: m, o: o, k: k)
                planned += 1
            }
        }
        #expect(planned > overlaps.count * lengths.count / 2)
    }

    static func checkInvariants(_ plan: ChunkPlan, n: Int, m: Int, o: Int, k: Int) throws {
        let chunks = plan.chunks
        #expect(chunks.count == k, "N \(n) M \(m) O \(o)")
        #expect(plan.maxFrames == m && plan.overlap == o)
        // The formula's k is the least that can cover: one chunk fewer falls short.
        if k > 1 { #expect((k - 1) * m - (k - 2) * o < n) }
        #expect(chunks.first?.frames.lowerBound == 1001)
        #expect(chunks.last?.frames.upperBound == 1001 + n - 1)
        let counts = chunks.map(\.count)
        #expect(counts.allSatisfy { $0 <= m })
        #expect((counts.max() ?? 0) - (counts.min() ?? 0) <= 1)
        for (i, chunk) in chunks.enumerated() {
            #expect(chunk.index == i)
            #expect(chunk.overlapWithPrevious == (i == 0 ? 0 : o))
            #expect(chunk.overlapWithNext == (i == k - 1 ? 0 : o))
            if i > 0 {
                // Neighbours share exactly O frames.
                let previous = chunks[i - 1].frames
                #expect(chunk.frames.lowerBound == previous.upperBound - o + 1)
                #expect(Set(previous).intersection(chunk.frames).count == (k == 1 ? 0 : o))
            }
        }
        // Every frame has exactly one source, and overlap frames sit in exactly two chunks.
        if n <= 4321 {
            for frame in 1001...(1000 + n) {
                let holders = chunks.filter { $0.frames.contains(frame) }
                switch plan.source(of: frame) {
                case .owned(let c):
                    #expect(holders.map(\.index) == [c])
                    #expect(chunks[c].role(of: frame) == .owned)
                case .blend(let b, let i):
                    #expect(holders.map(\.index) == [b, b + 1])
                    #expect(chunks[b].role(of: frame) == .overlapWithNext(index: i))
                    #expect(chunks[b + 1].role(of: frame) == .overlapWithPrevious(index: i))
                case nil:
                    Issue.record("frame \(frame) has no source (N \(n) M \(m) O \(o))")
                }
            }
        }
    }

    @Test(arguments: rates)
    func exactlyMFramesIsOneChunkAndOneMoreIsTwo(rate: String) throws {
        let fps = ShotFixtures.rate(rate)
        let m = ChunkPlanner.maxChunkFrames(fps: fps)
        let one = try ChunkPlanner.plan(frames: FrameRange(first: 1001, count: m), fps: fps, overlap: nil)
        #expect(one.chunks.map(\.frames) == [1001...(1000 + m)])
        #expect(one.boundaries.isEmpty)
        let two = try ChunkPlanner.plan(frames: FrameRange(first: 1001, count: m + 1), fps: fps, overlap: nil)
        #expect(two.chunks.count == 2)
        #expect(two.boundaries.count == 1)
    }

    @Test func aSpecsOverlapAndTheGeneratorsLimitShapeThePlan() throws {
        let spec = try ShotFixtures.shot(frames: 600, chunking: "{ overlap: 20 }")
        let plan = try ChunkPlanner.plan(spec)
        // k = ceil((600 − 20) / (252 − 20)) = 3; 600 + 2·20 = 640 frames → 214, 213, 213.
        #expect(plan.chunks.map(\.frames) == [1001...1214, 1195...1407, 1388...1600])
        let overridden = try ChunkPlanner.plan(spec, overlap: 0)
        #expect(overridden.chunks.map(\.frames) == [1001...1200, 1201...1400, 1401...1600])
        let short = try ChunkPlanner.plan(spec, maxFramesPerCall: 100)
        #expect(short.maxFrames == 100)
        #expect(short.chunks.allSatisfy { $0.count <= 100 })
        // The default overlap shrinks to M/4 for a generator that takes only 40 frames a call.
        let tiny = try ChunkPlanner.plan(try ShotFixtures.shot(frames: 600), maxFramesPerCall: 40)
        #expect(tiny.overlap == 10)
    }

    @Test func ownedFramesAreTheChunkBetweenItsOverlaps() throws {
        let plan = try ChunkPlanner.plan(frames: FrameRange(first: 1001, count: 600), fps: ShotFixtures.rate("24"), overlap: nil)
        let middle = plan.chunks[1]
        #expect(middle.ownedFrames == (middle.frames.lowerBound + 12)..<(middle.frames.upperBound - 11))
        #expect(plan.boundaries.map(\.overlapFrames) == [plan.chunks[1].frames.lowerBound..<(plan.chunks[1].frames.lowerBound + 12), plan.chunks[2].frames.lowerBound..<(plan.chunks[2].frames.lowerBound + 12)])
    }
}
