import ArgumentParser
import Foundation
import Inference
import ShotSpec

struct BenchGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "scenelit: lighting-solve time and ms per frame at 1920x1080 and 3840x2160 for each example shot, against the 0.5 s/frame goal."
    )

    @Argument(help: "Shot specs (default: every scenelit shot in Farm/shots).") var specs: [String] = []
    @Option(help: "Frames rendered per shot and resolution.") var frames = 4
    @Option(help: "Resolutions, WxH, comma-separated.") var resolutions = "1920x1080,3840x2160"

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
            sizes.append((parts[0], parts[1]))
        }
        print("shot                          resolution   solve s   ms/frame   vs 500 ms goal")
        for path in paths {
            let spec = try loadSpec(path)
            guard spec.generator.name == "scenelit" else { continue }
            for (width, height) in sizes {
                let result: (solveSeconds: Double, msPerFrame: Double)
                do {
                    result = try SceneLitBenchmark.run(spec: spec, width: width, height: height, frames: frames)
                } catch {
                    throw fail("\(path): \(error)", code: ExitCodes.failure)
                }
                let name = URL(fileURLWithPath: path).lastPathComponent
                // `%-29@` does not pad an object argument, so the name is padded here.
                print(name.padding(toLength: max(29, name.count), withPad: " ", startingAt: 0) + String(format: " %4dx%-6d %8.3f %10.1f   %.2fx of the budget", width, height,
                             result.solveSeconds, result.msPerFrame, result.msPerFrame / 500))
            }
        }
        print("cores: \(ProcessInfo.processInfo.activeProcessorCount)")
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
