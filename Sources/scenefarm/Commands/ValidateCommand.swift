import ArgumentParser
import ShotSpec

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a shot spec and print a summary; exit 2 with the field path on the first problem."
    )

    @Argument(help: "Shot spec, YAML or JSON.") var spec: String

    func run() async throws {
        let shot: ShotSpec
        do {
            shot = try ShotSpecLoader.load(path: spec)
        } catch {
            throw fail(error.located(in: spec), code: ExitCodes.badInput)
        }
        print("\(spec): ok — \(shot.show)/\(shot.shot), scene \(shot.scene), \(shot.frames.count) frames \(shot.frames.first)–\(shot.frames.last) at \(shot.fps) fps, \(shot.resolution.width)x\(shot.resolution.height), generator \(shot.generator.name)")
    }
}
