import ArgumentParser
import Foundation
import Plates

struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print an EXR's header and channel statistics, or a sequence's range, missing frames and per-frame stats.",
        discussion: """
            PATH is an EXR file, a version folder, or a pattern such as shot_bg_v001.####.exr or shot_bg_v001.%04d.exr.
            Exit codes: 0 all good; 1 frames are missing from the sequence or NaN/Inf samples were found (or a frame \
            cannot be decoded); 2 the path does not exist or holds no frames.
            """
    )

    @Argument(help: "EXR file, version folder, or name.####.exr / name.%04d.exr pattern.") var path: String

    func run() async throws {
        let report: PlateInspector.Report
        do {
            report = try PlateInspector.inspect(path)
        } catch {
            if case .io = error { throw fail(error.description, code: ExitCodes.badInput) }
            throw fail(error.description, code: ExitCodes.failure)
        }
        print(report.text)
        if report.hasProblems { throw ExitCode(ExitCodes.failure) }
    }
}
