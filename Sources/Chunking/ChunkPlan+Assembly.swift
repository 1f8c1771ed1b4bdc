import ImageCore

extension ChunkPlan {
    /// The final sequence, one image per shot frame in order, from every chunk's output
    /// (`chunkOutputs[k]` holds chunk k's frames in order, overlaps included).
    public func assemble(chunkOutputs: [[RGBAImage]], treatment: BoundaryBlend.Treatment = .blended) throws(ChunkingError) -> [RGBAImage] {
        try checkOutputs(chunkOutputs)
        var sequence: [RGBAImage] = []
        sequence.reserveCapacity(frames.count)
        for frame in frames.numbers {
            sequence.append(try finalFrame(frame, chunkOutputs: chunkOutputs, treatment: treatment))
        }
        return sequence
    }

    /// Final frame `frame`: the owning chunk's image, or the overlap's two images combined.
    func finalFrame(_ frame: Int, chunkOutputs: [[RGBAImage]], treatment: BoundaryBlend.Treatment) throws(ChunkingError) -> RGBAImage {
        switch source(of: frame) {
        case .owned(let k):
            return chunkOutputs[k][frame - chunks[k].frames.lowerBound]
        case .blend(let b, let i):
            let earlier = chunkOutputs[b][frame - chunks[b].frames.lowerBound]
            return try BoundaryBlend.frame(earlier: earlier, later: chunkOutputs[b + 1][i], index: i, overlap: overlap, treatment: treatment)
        case nil:
            preconditionFailure("frame \(frame) is outside the shot \(frames.first)–\(frames.last)")
        }
    }

    func checkOutputs(_ chunkOutputs: [[RGBAImage]]) throws(ChunkingError) {
        guard chunkOutputs.count == chunks.count else {
            throw .wrongChunkCount(expected: chunks.count, got: chunkOutputs.count)
        }
        for (chunk, output) in zip(chunks, chunkOutputs) where output.count != chunk.count {
            throw .wrongFrameCount(chunk: chunk.index, expected: chunk.count, got: output.count)
        }
    }
}
