import ArgumentParser

struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "render", abstract: "Render a shot on this machine (in progress).")
    @Argument var spec: String
    func run() async throws { throw fail("render is being built", code: 1) }
}
