import Chunking
import ImageCore
import Inference
import ShotSpec

/// Runs the real `drift` generator over a plan, chunk by chunk, as a node would.
enum DriftChunks {
    static func generate(_ spec: ShotSpec, plan: ChunkPlan, mode: ChunkMode) throws -> [[RGBAImage]] {
        let generator = DriftGenerator()
        var outputs: [[RGBAImage]] = []
        for chunk in plan.chunks {
            var conditioning: [RGBAImage] = []
            if case .sequential(let c) = mode, chunk.index > 0 {
                conditioning = try ConditioningHandoff.after(chunk: chunk.index - 1, frames: outputs[chunk.index - 1], in: plan, count: c).images
            }
            let request = GenerationRequest(spec: spec, frames: chunk.frames, chunkIndex: chunk.index, conditioning: conditioning, lighting: .none)
            var frames: [RGBAImage] = []
            try generator.generate(request, cancellation: CancellationFlag()) { _, image in frames.append(image) }
            outputs.append(frames)
        }
        return outputs
    }
}
