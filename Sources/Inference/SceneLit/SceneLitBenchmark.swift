import Foundation
import ImageCore
import ShotSpec

/// Times the scenelit lighting solve and frame rendering for `scenefarm bench generate`.
public enum SceneLitBenchmark {
    /// Solves `spec`'s lighting in a fresh temporary folder, then renders `frames` frames at
    /// `width`×`height`; returns the solve time, the mean wall time per frame and the mean CPU
    /// time (user + system, all threads) per frame: on a shared machine the CPU time moves far
    /// less with other processes' load than the wall time does.
    public static func run(spec: ShotSpec, width: Int, height: Int, frames: Int) throws -> (solveSeconds: Double, msPerFrame: Double, cpuMsPerFrame: Double) {
        var rendered = 0
        var renderStart = Date()
        var cpuStart = 0.0
        let solveSeconds = try render(spec: spec, width: width, height: height, frames: frames, solved: {
            renderStart = Date()
            cpuStart = processCPUSeconds()
        }) { _, _ in
            rendered += 1
        }
        let seconds = Date().timeIntervalSince(renderStart), cpu = processCPUSeconds() - cpuStart
        let count = Double(max(1, rendered))
        return (solveSeconds, seconds * 1000 / count, cpu * 1000 / count)
    }

    /// User plus system CPU seconds this process has used so far, all threads (getrusage); the
    /// farm bench's CPU per task reads it too.
    public static func processCPUSeconds() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Renders `frames` frames of `spec` at `width`×`height` and returns a 64-bit FNV-1a digest of
    /// each frame's Float32 bit patterns (before any colour conversion or half rounding), so two
    /// builds can be checked for bit-identical output.
    public static func digests(spec: ShotSpec, width: Int, height: Int, frames: Int) throws -> [(frame: Int, digest: UInt64)] {
        var out: [(Int, UInt64)] = []
        _ = try render(spec: spec, width: width, height: height, frames: frames, solved: {}) { frame, image in
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for value in image.pixels {
                var bits = value.bitPattern
                for _ in 0..<4 {
                    h = (h ^ UInt64(bits & 0xff)) &* 0x0000_0100_0000_01b3
                    bits >>= 8
                }
            }
            out.append((frame, h))
        }
        return out
    }

    /// Solves the lighting in a fresh temporary folder (removed afterwards), calls `solved`, then
    /// renders the first `frames` frames into `emit`; returns the solve time in seconds.
    private static func render(
        spec: ShotSpec, width: Int, height: Int, frames: Int, solved: () -> Void, emit: (Int, RGBAImage) throws -> Void
    ) throws -> Double {
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
        solved()
        try generator.generate(request, cancellation: flag, emit: emit)
        return solveSeconds
    }
}
