import ArgumentParser
import Foundation

@main
struct SceneFarmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenefarm",
        abstract: "Render scene-lit shots to ACES OpenEXR plates, on one machine or a farm.",
        discussion: "Exit codes: 0 success, 1 failure, 2 bad input (spec, arguments, paths). See Docs/operations.md.",
        subcommands: [
            // Each command lives in Commands/<Name>Command.swift; keep this list sorted by flow.
            ValidateCommand.self,
            PlanCommand.self,
            RenderCommand.self,
            InspectCommand.self,
            RelinkCommand.self,
            SubmitCommand.self,
            StatusCommand.self,
            WaitCommand.self,
            CancelCommand.self,
            PriorityCommand.self,
            CoordinatorCommand.self,
            NodeCommand.self,
            NodesCommand.self,
            KeygenCommand.self,
            ExportCommand.self,
            TaskCommand.self,
            BenchCommand.self,
        ]
    )

    /// Like ArgumentParser's own entry point, except that an argument error is bad input like
    /// any other: one `error:` line and exit 2 (not 64 and a help dump), so farm-queue wrappers
    /// see one code for "do not retry".
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            finish(error)
        }
    }

    private static func finish(_ error: any Error) -> Never {
        if let code = error as? ExitCode { Foundation.exit(code.rawValue) }
        switch exitCode(for: error) {
        case .success:
            // --help, --version and `scenefarm help COMMAND` arrive here as errors too.
            exit(withError: error)
        case .validationFailure:
            let text = message(for: error).split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: "; ")
            let name = CommandLine.arguments.dropFirst().first { !$0.hasPrefix("-") } ?? ""
            let known = configuration.subcommands.contains { $0.configuration.commandName == name }
            Foundation.exit(fail("\(text) (see 'scenefarm \(known ? name + " " : "")--help')", code: ExitCodes.badInput).rawValue)
        default:
            Foundation.exit(fail("\(error)", code: ExitCodes.failure).rawValue)
        }
    }
}

/// `scenefarm bench …`: measurements against a peer run side by side.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print ratios against a peer measured in the same run.",
        subcommands: [
            // Bench<Name>Command.swift files register here.
            BenchColorCommand.self,
            BenchGenerateCommand.self,
            BenchFarmCommand.self,
            BenchFailoverCommand.self,
        ]
    )
}
