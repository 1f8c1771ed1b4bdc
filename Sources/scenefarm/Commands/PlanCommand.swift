import ArgumentParser
import Chunking
import Foundation
import Inference
import ShotSpec

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print how a shot splits into chunks, their overlaps and the chunk mode; see Docs/chunking.md."
    )

    @Argument(help: "Shot spec, YAML or JSON.") var spec: String
    @Option(help: "Overlap frames between neighbouring chunks, instead of the spec's.") var overlap: Int?

    func run() async throws {
        let shot = try loadSpec(spec)
        let plan: ChunkPlan
        let mode: ChunkMode
        let generator: GeneratorCapabilities
        do {
            generator = try GeneratorRegistry.builtIn.generator(named: shot.generator.name).capabilities
            plan = try ChunkPlanner.plan(shot, overlap: overlap, maxFramesPerCall: generator.maxFramesPerCall)
            mode = try ChunkMode.resolve(
                shot.chunking.mode, conditioningFrames: shot.chunking.conditioningFrames, generator: generator.name,
                deterministic: generator.deterministic, acceptsConditioningFrames: generator.conditioningFrames, plan: plan
            )
        } catch {
            throw fail("\(spec): \(error)", code: ExitCodes.badInput)
        }
        print(Self.table(plan, mode: mode, generator: generator.name))
    }

    /// The chunk table as `plan` prints it.
    static func table(_ plan: ChunkPlan, mode: ChunkMode, generator: String) -> String {
        var lines = [
            "\(plan.frames.count) frames \(plan.frames.first)–\(plan.frames.last) at \(plan.fps) fps: "
                + "\(plan.chunks.count) chunk\(plan.chunks.count == 1 ? "" : "s") of at most \(plan.maxFrames) frames, "
                + "overlap \(plan.overlap), mode \(mode) for \(generator)",
        ]
        let ranges = plan.chunks.map { "\($0.frames.lowerBound)–\($0.frames.upperBound)" }
        // Wide enough for the longest range and a space: frame numbers up to 7 digits and beyond.
        let rangeWidth = max(11, (ranges.map(\.count).max() ?? 0) + 1)
        lines.append("chunk  " + "first–last".padding(toLength: rangeWidth, withPad: " ", startingAt: 0) + "  frames  overlap  seconds")
        for (chunk, range) in zip(plan.chunks, ranges) {
            let seconds = String(format: "%.3f", plan.seconds(ofChunk: chunk.index))
            lines.append(
                pad(String(chunk.index), 5) + "  " + range.padding(toLength: rangeWidth, withPad: " ", startingAt: 0)
                    + pad(String(chunk.count), 8) + "  " + pad(String(chunk.overlapWithPrevious), 7) + "  " + pad(seconds, 7)
            )
        }
        return lines.joined(separator: "\n")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
