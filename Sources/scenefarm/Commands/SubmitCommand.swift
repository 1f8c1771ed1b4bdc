import ArgumentParser
import Farm
import Foundation
import ImageCore
import ShotSpec

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a shot to the farm; prints the job id.",
        discussion: "With --wait, shows progress and exits 0 only when every frame is published (1 failed/cancelled, 2 bad input, 3 coordinator unreachable)."
    )

    @Argument(help: "Shot spec, YAML or JSON.") var spec: String
    @OptionGroup var client: ClientOptions
    @Option(name: .customLong("plate-version"), help: "v001, v002, … or next (overrides output.version).") var plateVersion: String?
    @Option(help: "Overlap frames between chunks.") var overlap: Int?
    @Flag(help: "Wait for the job and show progress.") var wait = false

    func run() throws {
        // Check locally first so a typo fails fast with the same message render would give.
        _ = try loadSpec(spec)
        let url = URL(fileURLWithPath: spec).standardizedFileURL
        let text: String
        do { text = String(decoding: try InputFile.read(url.path, limit: Int64(SpecLimits.maxBytes)), as: UTF8.self) } catch {
            throw fail(error.description, code: ExitCodes.badInput)
        }
        let farm = try client.client()
        let job: String
        do {
            job = try farm.submit(specText: text, specName: spec, baseDirectory: url.deletingLastPathComponent().path, plateVersion: plateVersion, overlap: overlap)
        } catch {
            throw clientFailure(error)
        }
        print(job)
        if wait { try waitForJob(job, client: farm) }
    }
}

struct WaitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait for a job; exit 0 only when every frame is published (1 failed/cancelled, 2 unknown job, 3 unreachable)."
    )

    @Argument(help: "Job id.") var job: String
    @OptionGroup var client: ClientOptions

    func run() throws {
        try waitForJob(job, client: try client.client())
    }
}

/// Shows progress until the job is final; exits non-zero unless it was published.
func waitForJob(_ job: String, client: FarmClient) throws {
    let reporter = ProgressReporter(label: job)
    let final: JobStatus
    do {
        final = try client.wait(job: job) { reporter.update(done: $0.framesDone, total: $0.framesTotal) }
    } catch {
        throw clientFailure(error)
    }
    switch final.state {
    case .done:
        print("\(job) done: published \(final.published ?? "")")
    case .cancelled:
        throw fail("\(job) was cancelled", code: ExitCodes.failure)
    default:
        throw fail("\(job) \(final.state.rawValue): \(final.error ?? "no error recorded")", code: ExitCodes.failure)
    }
}
