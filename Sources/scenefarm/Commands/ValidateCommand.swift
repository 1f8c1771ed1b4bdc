import ArgumentParser
import Farm
import Inference
import ShotSpec

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a shot spec (fields, generator, colour spaces, chunk plan) and print a summary; exit 2 with the field path on the first problem."
    )

    @Argument(help: "Shot spec, YAML or JSON.") var spec: String
    @Option(help: "OCIO config to check colour spaces against (default: spec's output.ocio_config, $OCIO, bundled).") var ocio: String?
    @Option(help: "Plugin generators file, if the spec names a plugin.") var plugins: String?

    func run() throws {
        let shot = try loadSpec(spec)
        let preparation = JobPreparation(registry: try loadRegistry(plugins: plugins), ocioOverride: ocio)
        let plan: (plan: Chunking.ChunkPlan, mode: Chunking.ChunkMode)
        do {
            plan = try preparation.check(shot)
        } catch {
            throw specFailure(error, file: spec)
        }
        print("\(spec): ok — \(shot.show)/\(shot.shot), scene \(shot.scene), \(shot.frames.count) frames \(shot.frames.first)–\(shot.frames.last) at \(shot.fps) fps, \(shot.resolution.width)x\(shot.resolution.height), generator \(shot.generator.name), \(plan.plan.chunks.count) chunk(s), \(plan.mode)")
    }
}

import Chunking
