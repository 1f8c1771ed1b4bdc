import ArgumentParser
import Foundation
import Plates

struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print an EXR's header and channel statistics, or a sequence's range, missing frames and per-frame stats.",
        discussion: """
            PATH is an EXR file, a version folder, or a pattern such as shot_bg_v001.####.exr or shot_bg_v001.%04d.exr.
            Every file is decoded twice, by our reader and by OpenEXR's C++ library, and must read the same.
            Exit codes: 0 all good; 1 frames are missing from the sequence, differ in size or channels, or NaN/Inf samples were found; 2 the path \
            does not exist, holds no frames, is not a regular file, or a file is damaged or beyond the limits in \
            Docs/compositing.md. A sequence is read to its end: the report marks each damaged frame, and each gets \
            its own error line.
            """
    )

    @Argument(help: "EXR file, version folder, or name.####.exr / name.%04d.exr pattern.") var path: String
    @Flag(help: "Print the report as JSON (Docs/compositing.md lists the fields); exit codes and error lines stay the same.")
    var json = false

    func run() async throws {
        let report: PlateInspector.Report
        do {
            report = try PlateInspector.inspect(path)
        } catch {
            // Every PlateError here is about the file the user named.
            throw fail(error.description, code: ExitCodes.badInput)
        }
        if json {
            print(try InspectionJSON.document(report), terminator: "")
        } else {
            print(report.text)
        }
        // A sequence is read to its end whatever frames are damaged: one line for each.
        var refused: ExitCode?
        for frame in report.damaged { refused = fail(frame.error.description, code: ExitCodes.badInput) }
        if let refused { throw refused }
        if report.hasProblems { throw ExitCode(ExitCodes.failure) }
    }
}
