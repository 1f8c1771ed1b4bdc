import ArgumentParser
import Foundation
import Inference
import ShotSpec

struct BenchGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "scenelit: lighting-solve time and ms per frame at 1920x1080 and 3840x2160 for each example shot, against issue 16's goal (250 ms at 1080p, 1 s at 2160p)."
    )

    @Argument(help: "Shot specs (default: every scenelit shot in Farm/shots).") var specs: [String] = []
    @Option(help: "Frames rendered per shot and resolution.") var frames = 4
    @Option(help: "Resolutions, WxH, comma-separated.") var resolutions = "1920x1080,3840x2160"
    @Flag(help: "Print a digest of each frame's Float32 pixels instead of timing (two builds' outputs are bit-identical when every digest matches).") var digest = false

    func validate() throws {
        guard (1...1000).contains(frames) else { throw ValidationError("--frames must be 1…1000, got \(frames)") }
    }

    func run() throws {
        var paths = specs
        if paths.isEmpty {
            let folder = Repository.shots
            paths = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted().map { "\(folder)/\($0)" }
        }
        var sizes: [(Int, Int)] = []
        for item in resolutions.split(separator: ",") {
            let parts = item.split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2, parts[0] > 0, parts[1] > 0 else { throw fail("--resolutions: '\(item)' is not WxH", code: ExitCodes.badInput) }
            // The same bounds a spec's resolution has, so a typo cannot ask for terabytes.
            guard parts[0] <= Resolution.maxDimension, parts[1] <= Resolution.maxDimension, parts[0] * parts[1] <= SpecLimits.maxPixels else {
                throw fail("--resolutions: '\(item)' is above the \(SpecLimits.maxPixels) pixels (8192x4320) a frame may hold", code: ExitCodes.badInput)
            }
            sizes.append((parts[0], parts[1]))
        }
        if digest {
            for path in paths {
                let spec = try loadSpec(path)
                guard spec.generator.name == "scenelit" else { continue }
                let name = URL(fileURLWithPath: path).lastPathComponent
                for (width, height) in sizes {
                    let frameDigests: [(frame: Int, digest: UInt64)]
                    do {
                        frameDigests = try SceneLitBenchmark.digests(spec: spec, width: width, height: height, frames: frames)
                    } catch {
                        throw fail("\(path): \(error)", code: ExitCodes.failure)
                    }
                    for item in frameDigests { print("\(name) \(width)x\(height) \(item.frame) \(String(item.digest, radix: 16))") }
                }
            }
            return
        }
        // CPU ms/frame is every thread's user + system time while rendering, per frame.
        print("shot                          resolution   solve s   ms/frame    goal ms   vs goal   CPU ms/frame")
        for path in paths {
            let spec = try loadSpec(path)
            guard spec.generator.name == "scenelit" else { continue }
            for (width, height) in sizes {
                let result: (solveSeconds: Double, msPerFrame: Double, cpuMsPerFrame: Double)
                do {
                    result = try SceneLitBenchmark.run(spec: spec, width: width, height: height, frames: frames)
                } catch {
                    throw fail("\(path): \(error)", code: ExitCodes.failure)
                }
                let name = URL(fileURLWithPath: path).lastPathComponent
                // `%-29@` does not pad an object argument, so the name is padded here.
                let goal = Self.goalMilliseconds(width: width, height: height)
                print(name.padding(toLength: max(29, name.count), withPad: " ", startingAt: 0) + String(format: " %4dx%-6d %8.3f %10.1f %10.0f   %5.2fx %14.1f", width, height,
                             result.solveSeconds, result.msPerFrame, goal, result.msPerFrame / goal, result.cpuMsPerFrame))
            }
        }
        print("cores: \(ProcessInfo.processInfo.activeProcessorCount)")
    }

    /// Issue 16's farm-speed goal: 250 ms for a 1920×1080 frame and 1 s for 3840×2160 (four
    /// times the pixels); other sizes get the same time per pixel.
    static func goalMilliseconds(width: Int, height: Int) -> Double {
        250 * Double(width * height) / Double(1920 * 1080)
    }
}

/// Paths in the source checkout the benchmarks default to.
enum Repository {
    /// `Farm/shots` next to the executable's checkout, or under the current folder.
    static var shots: String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = dir.appendingPathComponent("Farm/shots").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return "Farm/shots"
    }
}
