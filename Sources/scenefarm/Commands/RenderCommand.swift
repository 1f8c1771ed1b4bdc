import ArgumentParser
import Farm
import Foundation
import Inference
import Plates
import ShotSpec

struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a shot on this machine: plan, generate, convert with OCIO, write and publish EXR plates."
    )

    @Argument(help: "Shot spec, YAML or JSON.") var spec: String
    @Option(help: "Plate root (overrides output.root in the spec).") var out: String?
    @Option(name: .customLong("plate-version"), help: "v001, v002, … or next (overrides output.version).") var plateVersion: String?
    @Option(help: "Overlap frames between chunks (default round(0.5 s × fps)).") var overlap: Int?
    @Option(help: "OCIO config (overrides the spec's output.ocio_config, $OCIO and the bundled ACES config).") var ocio: String?
    @Option(help: "Plugin generators file (Farm/plugins/plugins.yaml), when the spec names a plugin.") var plugins: String?
    @OptionGroup var threading: ThreadOptions

    func run() async throws {
        threading.apply()
        let shot = try loadSpec(spec)
        let version = try parsePlateVersion(plateVersion)
        let registry = try loadRegistry(plugins: plugins)
        let preparation = JobPreparation(registry: registry, ocioOverride: ocio)
        let job: ShotJob
        do {
            job = try preparation.prepare(shot, rootOverride: out, versionOverride: version, overlap: overlap)
        } catch {
            throw specFailure(error, file: spec)
        }
        let layout = job.layout(spec: shot)
        FileHandle.standardError.write(Data("render \(shot.show)/\(shot.shot): \(shot.frames.count) frames, \(job.plan.chunks.count) chunk(s), \(job.mode), \(shot.generator.name) → \(layout.root.path)\n".utf8))
        let reporter = ProgressReporter(label: shot.shot)
        let final: JobStatus
        do {
            let farm = try InProcessFarm(storageRoot: layout.root, registry: registry, ocioOverride: ocio)
            defer { farm.shutdown() }
            // The job was checked above; the coordinator checks it again, exactly as on a farm.
            final = try farm.render(specPath: spec, plateVersion: plateVersion ?? PlateVersion.label(job.version), overlap: overlap) { status in
                reporter.update(done: status.framesDone, total: status.framesTotal)
            }
        } catch let error as ClientError {
            if case .refused(let message, let badInput) = error { throw fail(message, code: badInput ? ExitCodes.badInput : ExitCodes.failure) }
            throw fail(error.description, code: ExitCodes.failure)
        }
        guard final.state == .done, let published = final.published else {
            throw fail("job \(final.job) \(final.state.rawValue): \(final.error ?? "no error recorded")", code: ExitCodes.failure)
        }
        let folder = layout.root.appendingPathComponent(published)
        print(folder.path)
        FileHandle.standardError.write(Data("""
            published \(shot.show)/\(shot.shot) \(final.version): \(shot.frames.count) frames \(shot.frames.first)–\(shot.frames.last)
              frames: \(folder.path)/\(layout.baseName(version: job.version)).####.exr
              look:   exrheader \(folder.path)/\(layout.frameName(version: job.version, frame: shot.frames.first))
                      scenefarm inspect \(folder.path)

            """.utf8))
    }
}

/// Loads a spec or exits 2 with `file:line: path: reason`.
func loadSpec(_ path: String) throws -> ShotSpec {
    do {
        return try ShotSpecLoader.load(path: path)
    } catch {
        throw fail(error.located(in: path), code: ExitCodes.badInput)
    }
}

/// `file:line: shot.field: reason` for a check that failed after loading, exit 2 for bad input.
func specFailure(_ error: TaskError, file: String) -> ExitCode {
    fail(error.specError?.located(in: file) ?? "\(file): \(error.description)", code: error.isBadInput ? ExitCodes.badInput : ExitCodes.failure)
}

/// `--plate-version` parsed, nil when not given; exit 2 for anything but v001, v002, … or next.
func parsePlateVersion(_ text: String?) throws -> PlateVersion? {
    guard let text else { return nil }
    guard let version = PlateVersion.parse(text) else {
        throw fail("--plate-version: '\(text)' is not a version; use v001, v002, … or next", code: ExitCodes.badInput)
    }
    return version
}
