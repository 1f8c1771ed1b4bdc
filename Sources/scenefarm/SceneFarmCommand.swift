import ArgumentParser

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
            SubmitCommand.self,
            StatusCommand.self,
            WaitCommand.self,
            CancelCommand.self,
            CoordinatorCommand.self,
            NodeCommand.self,
            NodesCommand.self,
            KeygenCommand.self,
            BenchCommand.self,
        ]
    )
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
        ]
    )
}
