import ShotSpec

/// How a shot is split into chunks; made by `ChunkPlanner`, shipped to nodes and into the job report.
public struct ChunkPlan: Sendable, Codable, Equatable {
    /// Where a final plate frame comes from.
    public enum FrameSource: Sendable, Equatable {
        /// Written directly from this chunk's output.
        case owned(chunk: Int)
        /// Blended at `boundary` (chunk `boundary` and `boundary + 1`), `index` frames into the overlap.
        case blend(boundary: Int, index: Int)
    }

    public var fps: FrameRate
    /// The shot's frames.
    public var frames: FrameRange
    /// M: the most frames one chunk may hold.
    public var maxFrames: Int
    /// O: frames neighbouring chunks share.
    public var overlap: Int
    public var chunks: [Chunk]

    public init(fps: FrameRate, frames: FrameRange, maxFrames: Int, overlap: Int, chunks: [Chunk]) {
        self.fps = fps
        self.frames = frames
        self.maxFrames = maxFrames
        self.overlap = overlap
        self.chunks = chunks
    }

    /// One boundary between each pair of neighbouring chunks, in order.
    public var boundaries: [ChunkBoundary] {
        chunks.dropFirst().map { later in
            ChunkBoundary(index: later.index - 1, overlapStart: later.frames.lowerBound, overlap: later.overlapWithPrevious)
        }
    }

    /// Where final frame `frame` comes from, or nil for a frame outside the shot.
    public func source(of frame: Int) -> FrameSource? {
        guard frames.numbers.contains(frame) else { return nil }
        // Chunks are few (a handful per shot); a linear scan keeps this obviously right.
        for chunk in chunks {
            switch chunk.role(of: frame) {
            case .owned: return .owned(chunk: chunk.index)
            case .overlapWithNext(let index): return .blend(boundary: chunk.index, index: index)
            case .overlapWithPrevious, nil: continue
            }
        }
        return nil
    }

    /// Length of chunk `index` in seconds.
    public func seconds(ofChunk index: Int) -> Double { fps.seconds(frames: chunks[index].count) }

    func chunk(_ index: Int) throws(ChunkingError) -> Chunk {
        guard chunks.indices.contains(index) else { throw .chunkOutOfRange(index: index, chunks: chunks.count) }
        return chunks[index]
    }
}
