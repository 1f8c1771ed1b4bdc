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

    /// The subcommands the arguments name, outermost first (`["bench", "failover"]`), so the
    /// help hint points at the command that refused its arguments, not at its parent.
    static func subcommandPath(_ arguments: some Sequence<String>) -> [String] {
        var command: any ParsableCommand.Type = SceneFarmCommand.self
        var path: [String] = []
        for argument in arguments where !argument.hasPrefix("-") {
            guard let next = command.configuration.subcommands.first(where: { $0.configuration.commandName == argument }) else { break }
            path.append(argument)
            command = next
        }
        return path
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
            let path = subcommandPath(CommandLine.arguments.dropFirst()).map { $0 + " " }.joined()
            Foundation.exit(fail("\(text) (see 'scenefarm \(path)--help')", code: ExitCodes.badInput).rawValue)
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
            BenchWireCommand.self,
        ]
    )
}
