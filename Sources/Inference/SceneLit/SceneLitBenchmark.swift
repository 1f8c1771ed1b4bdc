import Foundation
import ShotSpec

/// Times the scenelit lighting solve and frame rendering for `scenefarm bench generate`.
public enum SceneLitBenchmark {
    /// Solves `spec`'s lighting in a fresh temporary folder, then renders `frames` frames at
    /// `width`×`height`; returns the solve time and the mean time per frame.
    public static func run(spec: ShotSpec, width: Int, height: Int, frames: Int) throws -> (solveSeconds: Double, msPerFrame: Double) {
        var spec = spec
        spec.resolution = Resolution(width: width, height: height)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("scenelit-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let generator = SceneLitGenerator()
        let flag = CancellationFlag()
        let solveStart = Date()
        let artifact = try generator.prepare(spec, storageRoot: root, cancellation: flag)
        let solveSeconds = Date().timeIntervalSince(solveStart)
        let first = spec.frames.first
        let request = GenerationRequest(spec: spec, frames: first...(first + max(1, frames) - 1), lighting: artifact)
        var rendered = 0
        let renderStart = Date()
        try generator.generate(request, cancellation: flag) { _, _ in rendered += 1 }
        let seconds = Date().timeIntervalSince(renderStart)
        return (solveSeconds, seconds * 1000 / Double(max(1, rendered)))
    }
}
