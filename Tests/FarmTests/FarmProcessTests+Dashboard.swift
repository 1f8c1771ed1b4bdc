import Farm
import Foundation
import TestSupport
import Testing

/// The coordinator's HTTP side (issue 13) against a real farm: a coordinator with `--http` and
/// two nodes on loopback, checked by independent tools — schemathesis against the OpenAPI
/// document, promtool and a real Prometheus on /metrics, Chromium (Selenium) on the dashboard.
@Suite(.serialized) struct DashboardProcessTests {
    /// A farm with the dashboard on a free loopback port; returns its URL and action token.
    private func farmWithDashboard(_ farm: FarmHarness, nodes: [String] = ["n1", "n2"]) throws -> (url: String, token: String) {
        let coordinator = try farm.startCoordinator(["--http", "127.0.0.1:0"])
        var url = ""
        #expect(FarmHarness.eventually(timeout: .seconds(10)) {
            guard let range = coordinator.log.range(of: #"http listening on (http://127\.0\.0\.1:\d+)"#, options: .regularExpression) else { return false }
            url = String(coordinator.log[range].dropFirst("http listening on ".count))
            return true
        })
        let token = try String(contentsOf: farm.state.appendingPathComponent("http-token"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        for node in nodes { try farm.startNode(node) }
        #expect(farm.waitForNodes(Set(nodes), client: try farm.client()))
        return (url, token)
    }

    private func shot(_ farm: FarmHarness, name: String, frames: Int) throws -> String {
        try farm.directory.write("\(name).yaml", """
            spec_version: 1
            show: demo
            shot: \(name)
            fps: 24
            frames: {first: 1001, count: \(frames)}
            resolution: [64, 36]
            generator: {name: testpattern}
            output:
              plate: main
              version: next
              proxies: {format: jpeg}
            """)
    }

    @Test func metricsPassPromtoolAndARealPrometheusAnswersForDispatches() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let (url, _) = try farmWithDashboard(farm)
        let job = try farm.submit(try shot(farm, name: "metrics_010", frames: 300))
        #expect(FarmHarness.eventually(timeout: .seconds(120)) { try farm.statusJSON(job)?.state == .done })
        // Prometheus must come to the coordinator's own count (lighting, 2 generates, a blend, publish).
        let farmJSON = try Tool.run("curl", ["-sf", "\(url)/api/v1/farm"])
        let counters = (try JSONSerialization.jsonObject(with: Data(farmJSON.stdout.utf8)) as? [String: Any])?["counters"] as? [String: Int]
        let dispatched = try #require(counters?["dispatched"])
        #expect(dispatched >= 5)
        let check = try Tool.run(Repository.path("Farm/web/prometheus_check.sh"), [url, "\(dispatched)"])
        #expect(check.status == 0, "\(check.stdout)\n\(check.stderr)")

        // Per-frame stage histograms, by node. Expected counts from the chunking rule (PRODUCT.md):
        // 300 frames at 24 fps, M = floor(10.5 × 24) = 252, O = round(0.5 × 24) = 12, so
        // k = ceil((300 − 12) / (252 − 12)) = 2 chunks generating 300 + 12 frames; the 2 × 12
        // overlap frames are kept scene-linear (written, not converted) and the blend converts
        // and writes the 12 blended ones: generate 312, convert 300, write 324.
        let metrics = try Tool.run("curl", ["-sf", "\(url)/metrics"]).stdout
        func count(_ stage: String) -> (total: Double, nodes: Set<String>) {
            var total = 0.0, nodes: Set<String> = []
            for line in metrics.split(separator: "\n") where line.hasPrefix("scenefarm_frame_\(stage)_seconds_count{") {
                let parts = line.split(separator: " ")
                total += Double(parts.last ?? "") ?? .nan
                if let range = line.range(of: #"node="[^"]*""#, options: .regularExpression) { nodes.insert(String(line[range].dropFirst(6).dropLast())) }
            }
            return (total, nodes)
        }
        #expect(count("generate").total == 312, "\(metrics)")
        #expect(count("convert").total == 300)
        #expect(count("write").total == 324)
        #expect(count("write").nodes.isSubset(of: ["n1", "n2"]) && !count("write").nodes.isEmpty)
        for name in ["scenefarm_jobs", "scenefarm_tasks", "scenefarm_dispatches_total", "scenefarm_requeues_total", "scenefarm_retries_total",
                     "scenefarm_dropped_messages_total", "scenefarm_stale_messages_total", "scenefarm_nodes", "scenefarm_frames_written_total",
                     "scenefarm_task_duration_seconds", "scenefarm_node_heartbeat_age_seconds", "scenefarm_store_write_seconds"] {
            #expect(metrics.contains("# TYPE \(name) "), "no \(name) in /metrics")
        }

        // The timeline, read as a user reads it: `status JOB --json` and the published report.
        let status = try farm.cli(["status", job, "--json"])
        let statusTasks = try #require(((try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])?.first?["tasks"]) as? [[String: Any]])
        let published = try #require(try farm.statusJSON(job)?.published)
        let folder = farm.storage.appendingPathComponent(published)
        let reportName = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasSuffix(".report.json") })
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(reportName))) as? [String: Any]
        let reportTasks = try #require(report?["tasks"] as? [[String: Any]])
        #expect(Set(reportTasks.compactMap { $0["name"] as? String }) == Set(statusTasks.compactMap { $0["name"] as? String }))
        try checkTimeline(reportTasks, nodes: ["n1", "n2"], generated: 312, converted: 300)
        try checkTimeline(statusTasks, nodes: ["n1", "n2"], generated: 312, converted: 300)
    }

    /// Every task of a published job ran: one last attempt done on one of `nodes`, start before
    /// end, duration matching them, never before its dependencies ended; stage frame counts as
    /// the chunking rule says.
    private func checkTimeline(_ tasks: [[String: Any]], nodes: Set<String>, generated: Int, converted: Int) throws {
        let iso = ISO8601DateFormatter()
        func date(_ value: Any?) -> Date? { (value as? String).flatMap(iso.date) }
        let kinds = Set(tasks.compactMap { $0["kind"] as? String })
        #expect(kinds == ["lighting", "generate", "blend", "publish"])
        var ends: [String: Date] = [:]
        for task in tasks { ends[task["name"] as? String ?? ""] = date(task["endedAt"]) }
        var generateFrames = 0, convertFrames = 0
        for task in tasks {
            let name = task["name"] as? String ?? "?"
            let start = try #require(date(task["startedAt"]), "\(name) has no start")
            let end = try #require(date(task["endedAt"]), "\(name) has no end")
            let seconds = try #require(task["durationSeconds"] as? Double)
            // Dates are whole seconds (ISO 8601 without fractions), the duration is not.
            #expect(start <= end && seconds >= 0 && abs(end.timeIntervalSince(start) - seconds) <= 1.0, "\(name): \(start) \(end) \(seconds)")
            #expect(task["state"] as? String == "done")
            #expect(nodes.contains(task["node"] as? String ?? ""), "\(name) ran on \(task["node"] ?? "nothing")")
            let history = task["history"] as? [[String: Any]] ?? []
            #expect(history.last?["result"] as? String == "done" && history.count == task["attempts"] as? Int, "\(name): \(history)")
            for dependency in task["dependsOn"] as? [String] ?? [] {
                #expect(start >= (ends[dependency] ?? .distantFuture), "\(name) started before \(dependency) ended")
            }
            let stages = task["stageSeconds"] as? [String: Any]
            generateFrames += stages?["generateFrames"] as? Int ?? 0
            convertFrames += stages?["convertFrames"] as? Int ?? 0
            if task["kind"] as? String == "generate" || task["kind"] as? String == "blend" {
                #expect((stages?["writeSeconds"] as? Double ?? -1) > 0, "\(name) reported no write seconds")
            }
        }
        #expect(generateFrames == generated)
        #expect(convertFrames == converted)
    }

    /// One node, two jobs queued while it is drained: raising the later job's priority (through
    /// the HTTP API, as the dashboard does) makes every one of its attempts start before any of
    /// the earlier job's, as the job store recorded them.
    @Test func raisingALaterJobsPriorityDispatchesItsTasksFirst() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let (url, token) = try farmWithDashboard(farm, nodes: ["n1"])
        #expect(try farm.cli(["nodes", "drain", "n1"]).status == 0)
        let earlier = try farm.submit(try shot(farm, name: "prio_010", frames: 30))
        let later = try farm.submit(try shot(farm, name: "prio_020", frames: 30))
        // Bad input is refused with exit 2 and changes nothing.
        #expect(try farm.cli(["priority", later, "5000"]).status == 2)
        #expect(try farm.cli(["priority", "j-nope", "1"]).status == 2)
        let set = try Tool.run("curl", ["-s", "-w", "\n%{http_code}", "-X", "POST", "-H", "Authorization: Bearer \(token)", "-H", "Content-Type: application/json",
                                        "--data", #"{"priority": 7}"#, "\(url)/api/v1/jobs/\(later)/priority"])
        #expect(set.stdout.hasSuffix("\n200"), "\(set.stdout)")
        #expect(try farm.statusJSON(later)?.priority == 7)
        #expect(try farm.statusJSON(earlier)?.priority == 0)
        #expect(try farm.cli(["nodes", "resume", "n1"]).status == 0)
        #expect(FarmHarness.eventually(timeout: .seconds(120)) { try farm.statusJSON(earlier)?.state == .done && farm.statusJSON(later)?.state == .done })
        // The order the store recorded, read with SQLite's own shell (times in milliseconds).
        let order = try Tool.run("sqlite3", ["-readonly", farm.state.appendingPathComponent("scenefarm.sqlite").path,
                                             "SELECT job_id FROM task_attempts ORDER BY started_at, rowid"])
        let jobs = order.stdout.split(separator: "\n").map(String.init)
        #expect(jobs.count >= 6 && Set(jobs) == [earlier, later], "\(order.stdout)\(order.stderr)")
        let lastOfLater = try #require(jobs.lastIndex(of: later)), firstOfEarlier = try #require(jobs.firstIndex(of: earlier))
        #expect(lastOfLater < firstOfEarlier, "attempts in the order they started: \(jobs)")
    }

    @Test func apiMatchesItsOpenAPIDocumentUnderSchemathesis() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let (url, token) = try farmWithDashboard(farm)
        // A published job and a cancelled one, so job routes have real ids to find.
        let done = try farm.submit(try shot(farm, name: "api_010", frames: 300))
        #expect(FarmHarness.eventually(timeout: .seconds(120)) { try farm.statusJSON(done)?.state == .done })
        let served = try Tool.run("curl", ["-sf", "\(url)/api/v1/openapi.json"])
        let kept = try String(contentsOfFile: Repository.path("Docs/api/openapi.json"), encoding: .utf8)
        #expect(served.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == kept.trimmingCharacters(in: .whitespacesAndNewlines), "Docs/api/openapi.json and the served document differ")
        let unauthorised = try Tool.run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "\(url)/api/v1/jobs/\(done)/cancel"])
        #expect(unauthorised.stdout == "401")
        let crossSite = try Tool.run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", "Authorization: Bearer \(token)",
                                               "-H", "Origin: http://evil.example", "\(url)/api/v1/nodes/n1/drain"])
        #expect(crossSite.stdout == "403")
        let fuzz = try Tool.run(Repository.path("Farm/web/api_fuzz.sh"), [url, token])
        #expect(fuzz.status == 0, "\(fuzz.stdout.suffix(4000))\n\(fuzz.stderr.suffix(2000))")
    }

    @Test func browserSeesAJobPublishDrainsAndResumesANodeAndCancelsAJob() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let (url, token) = try farmWithDashboard(farm)
        let artefacts = Repository.root.appendingPathComponent(".build/test-artefacts/dashboard")
        try? FileManager.default.removeItem(at: artefacts)
        let run = try Tool.run("python3", [
            Repository.path("Farm/web/browser_check.py"), url, token, artefacts.path,
            "--scenefarm", Repository.scenefarm, "--coordinator", farm.clientEndpoint,
            "--shot", try shot(farm, name: "web_010", frames: 600), "--long-shot", try shot(farm, name: "web_020", frames: 6000), "--node", "n1",
        ])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        for page in ["jobs", "job", "nodes-drained", "nodes", "jobs-priority", "jobs-cancelled"] {
            #expect(FileManager.default.fileExists(atPath: artefacts.appendingPathComponent("\(page).png").path), "no screenshot of \(page)")
        }
    }
}
