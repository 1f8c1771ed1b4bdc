import ArgumentParser
import Farm

struct PriorityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "priority",
        abstract: "Change a queued or running job's priority: higher first, equal ones in submission order (default 0, range -1000…1000)."
    )

    @Argument(help: "Job id.") var job: String
    @Argument(help: "The new priority, e.g. 10 (negative numbers after --: priority JOB -- -5).") var priority: Int
    @OptionGroup var client: ClientOptions

    func run() throws {
        // Checked here too, so a typo costs no round trip; the coordinator checks again.
        if let problem = JobPriority.problem(priority) { throw fail(problem, code: ExitCodes.badInput) }
        do { print(try client.client().setPriority(job: job, priority: priority)) } catch { throw clientFailure(error) }
    }
}
