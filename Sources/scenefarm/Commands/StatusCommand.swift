import ArgumentParser
import Farm
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show jobs: frames done, chunks, nodes, ETA, seam scores.")

    @Argument(help: "A job id (default: every queued and running job, and the last finished ones).") var job: String?
    @Option(help: "Without a job id: how many finished jobs to list beside the active ones, most recently submitted (0…\(TargetBody.maxFinishedListed)).")
    var finished = TargetBody.defaultFinishedListed
    @OptionGroup var client: ClientOptions
    @Flag(help: "Print JSON instead of a table.") var json = false

    func validate() throws {
        if let problem = TargetBody.finishedProblem(finished) { throw ValidationError("--\(problem)") }
    }

    func run() throws {
        let jobs: [JobStatus]
        do { jobs = try client.client().status(job: job, finished: job == nil ? finished : nil) } catch { throw clientFailure(error) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(jobs), as: UTF8.self))
            return
        }
        var rows = [["JOB", "SHOT", "STATE", "VERSION", "FRAMES", "CHUNKS", "NODES", "ETA", "SEAMS"]]
        for j in jobs {
            let seams = j.seamScores.map { $0.map { $0.map { String(format: "%.2f", $0) } ?? "-" }.joined(separator: " ") } ?? ""
            rows.append([
                j.job, "\(j.show)/\(j.shot)", j.state.rawValue, j.version, "\(j.framesDone)/\(j.framesTotal)", "\(j.chunksDone)/\(j.chunks)",
                j.nodes.joined(separator: ","), j.etaSeconds.map { ProgressReporter.clock($0) } ?? "", seams,
            ])
        }
        print(table(rows))
        for j in jobs where j.error != nil { print("\(j.job): \(j.error ?? "")") }
    }
}

struct CancelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a job; its staged frames are removed, published versions are untouched.")

    @Argument(help: "Job id.") var job: String
    @OptionGroup var client: ClientOptions

    func run() throws {
        do { try client.client().cancel(job: job) } catch { throw clientFailure(error) }
        print("\(job) cancelled")
    }
}

struct NodesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nodes", abstract: "List nodes; drain or resume one.",
        subcommands: [List.self, Drain.self, Resume.self], defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List connected nodes.")
        @OptionGroup var client: ClientOptions

        func run() throws {
            let nodes: [NodeStatus]
            do { nodes = try client.client().nodes() } catch { throw clientFailure(error) }
            var rows = [["NODE", "STATE", "SLOTS", "RUNNING", "DONE", "STORAGE", "GENERATORS", "SEEN"]]
            for n in nodes {
                rows.append([n.name, n.state, "\(n.slots)", "\(n.running.count)", "\(n.tasksDone)", n.storage.rawValue,
                             n.generators.joined(separator: ","), String(format: "%.1fs ago", n.lastSeenSecondsAgo)])
            }
            print(table(rows))
        }
    }

    struct Drain: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "drain", abstract: "Give a node no new tasks; it finishes what it runs.")
        @Argument(help: "Node name.") var name: String
        @OptionGroup var client: ClientOptions

        func run() throws {
            do { print(try client.client().setDrained(name, true)) } catch { throw clientFailure(error) }
        }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "resume", abstract: "Let a drained node take tasks again.")
        @Argument(help: "Node name.") var name: String
        @OptionGroup var client: ClientOptions

        func run() throws {
            do { print(try client.client().setDrained(name, false)) } catch { throw clientFailure(error) }
        }
    }
}

/// Left-aligned columns separated by two spaces.
func table(_ rows: [[String]]) -> String {
    guard let columns = rows.map(\.count).max() else { return "" }
    let widths = (0..<columns).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
    return rows.map { row in
        row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  ")
            .trimmingCharacters(in: .whitespaces)
    }.joined(separator: "\n")
}
