import Chunking
import Color
import Foundation
import ImageCore
import Inference
import Plates
import ShotSpec

/// Runs one task of a job on this machine: the same code for `scenefarm render` and farm nodes.
///
/// Frames are written under `root` (the shared storage root, or a node-local scratch root in
/// transfer mode), inside the attempt's own folder (`JobStaging`), through `PlateWriter`, i.e.
/// to a temporary name and renamed into place. Inputs (overlap frames, final frames for
/// publish) are read from the job's accepted area, which only the coordinator fills.
public struct TaskExecutor: Sendable {
    public let registry: GeneratorRegistry
    /// Name recorded in frame metadata (`scenefarm/node`).
    public let nodeName: String

    public init(registry: GeneratorRegistry, nodeName: String) {
        self.registry = registry
        self.nodeName = nodeName
    }

    /// Runs `task`; `progress` is called with the number of final frames written so far.
    public func run(
        job: ShotJob, task: TaskNode, attempt: String, root: URL, cancellation: CancellationFlag,
        progress: @Sendable (Int) -> Void = { _ in }
    ) throws(TaskError) -> TaskOutcome {
        do {
            let spec = try job.spec()
            let context = try TaskContext(job: job, spec: spec, root: root, registry: registry, nodeName: nodeName, task: task, attempt: attempt)
            switch task.kind {
            case .lighting:
                let artifact = try context.generator.prepare(spec, storageRoot: context.root, cancellation: cancellation)
                return TaskOutcome(lightingID: artifact.id)
            case .generate:
                return try generate(context, chunkIndex: task.index, part: task.frames, cancellation: cancellation, progress: progress)
            case .blend:
                return try blend(context, boundaryIndex: task.index, cancellation: cancellation, progress: progress)
            case .publish:
                return try Publisher(context: context).publish()
            }
        } catch {
            throw TaskError.from(error)
        }
    }

    /// Generates chunk `chunkIndex`, or only its frames `part` when the chunk is split over nodes.
    private func generate(_ context: TaskContext, chunkIndex: Int, part: ClosedRange<Int>?, cancellation: CancellationFlag, progress: @Sendable (Int) -> Void) throws -> TaskOutcome {
        let plan = context.job.plan
        guard plan.chunks.indices.contains(chunkIndex) else { throw ChunkingError.chunkOutOfRange(index: chunkIndex, chunks: plan.chunks.count) }
        let chunk = plan.chunks[chunkIndex]
        let frames = part ?? chunk.frames
        guard chunk.frames.contains(frames.lowerBound), chunk.frames.contains(frames.upperBound) else {
            throw TaskError.failed("frames \(frames.lowerBound)–\(frames.upperBound) are not all in chunk \(chunkIndex) (\(chunk.frames.lowerBound)–\(chunk.frames.upperBound))")
        }
        let lighting = try context.generator.prepare(context.spec, storageRoot: context.root, cancellation: cancellation)

        var conditioning: [RGBAImage] = []
        if case .sequential(let count) = context.job.mode,
           let numbers = try ConditioningHandoff.frameNumbers(for: chunkIndex, in: plan, count: count) {
            conditioning = try numbers.map { frame throws(PlateError) in
                try PlateReader.read(context.acceptedIntermediatePath(chunk: chunkIndex - 1, frame: frame).path).image
            }
        }
        let request = GenerationRequest(
            spec: context.spec, frames: frames, chunkIndex: chunkIndex, conditioning: conditioning, lighting: lighting
        )
        var outcome = TaskOutcome(lightingID: lighting.id)
        try context.makeAttemptFolders(intermediateChunk: chunkIndex)
        let extras = try FrameExtras(context: context, pairs: true)
        var stopwatch = FrameStopwatch()
        try context.generator.generate(request, cancellation: cancellation) { frame, image in
            let generated = stopwatch.lap()
            try cancellation.check()
            guard image.width == context.spec.resolution.width, image.height == context.spec.resolution.height else {
                throw TaskError.failed("generator \(context.generator.capabilities.name) returned a \(image.width)x\(image.height) frame \(frame); the shot is \(context.spec.resolution.width)x\(context.spec.resolution.height)")
            }
            switch frames.contains(frame) ? chunk.role(of: frame) : nil {
            case .owned:
                outcome.files.append(try context.writeFinal(image, frame: frame, chunk: chunkIndex, generate: generated, stopwatch: &stopwatch))
                try extras.add(frame: frame)
                outcome.framesWritten += 1
                progress(outcome.framesWritten)
            case .overlapWithPrevious, .overlapWithNext:
                outcome.files.append(try context.writeIntermediate(image, frame: frame, chunk: chunkIndex, generate: generated, stopwatch: &stopwatch))
            case nil:
                throw TaskError.failed("generator returned frame \(frame), outside the frames asked for (\(frames.lowerBound)–\(frames.upperBound) of chunk \(chunkIndex))")
            }
            // Progress and the next frame's generate time start from here.
            stopwatch.restart()
        }
        outcome.timings = stopwatch.timings
        outcome.files += try extras.finish()
        return outcome
    }

    private func blend(_ context: TaskContext, boundaryIndex: Int, cancellation: CancellationFlag, progress: @Sendable (Int) -> Void) throws -> TaskOutcome {
        guard let boundary = context.job.plan.boundaries.first(where: { $0.index == boundaryIndex }) else {
            throw ChunkingError.chunkOutOfRange(index: boundaryIndex + 1, chunks: context.job.plan.chunks.count)
        }
        var outcome = TaskOutcome()
        try context.makeAttemptFolders()
        let extras = try FrameExtras(context: context, pairs: false)
        var stopwatch = FrameStopwatch()
        for (i, frame) in boundary.overlapFrames.enumerated() {
            try cancellation.check()
            let earlier = try PlateReader.read(context.acceptedIntermediatePath(chunk: boundaryIndex, frame: frame).path).image
            let later = try PlateReader.read(context.acceptedIntermediatePath(chunk: boundaryIndex + 1, frame: frame).path).image
            let blended = try BoundaryBlend.blend(earlier: earlier, later: later, index: i, overlap: boundary.overlap)
            // Reading and blending are not a generator's work: only convert and write are timed.
            stopwatch.restart()
            outcome.files.append(try context.writeFinal(blended, frame: frame, chunk: nil, stopwatch: &stopwatch))
            try extras.add(frame: frame)
            outcome.framesWritten += 1
            progress(outcome.framesWritten)
        }
        outcome.timings = stopwatch.timings
        outcome.files += try extras.finish()
        return outcome
    }
}
