import Farm
import Foundation
import TestSupport
import Testing

/// The coordinator's HTTP side (issue 13) against a real farm: a coordinator with `--http` and
/// two nodes on loopback, checked by independent tools — schemathesis against the OpenAPI
/// document, promtool and a real Prometheus on /metrics, Chromium (Selenium) on the dashboard.
@Suite(.serialized) struct DashboardProcessTests {
    /// A farm with the dashboard on a free loopback port; returns its URL and action token.
    private func farmWithDashboard(_ farm: FarmHarness) throws -> (url: String, token: String) {
        let coordinator = try farm.startCoordinator(["--http", "127.0.0.1:0"])
        var url = ""
        #expect(FarmHarness.eventually(timeout: .seconds(10)) {
            guard let range = coordinator.log.range(of: #"http listening on (http://127\.0\.0\.1:\d+)"#, options: .regularExpression) else { return false }
            url = String(coordinator.log[range].dropFirst("http listening on ".count))
            return true
        })
        let token = try String(contentsOf: farm.state.appendingPathComponent("http-token"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        try farm.startNode("n1")
        try farm.startNode("n2")
        #expect(farm.waitForNodes(["n1", "n2"], client: try farm.client()))
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
        for page in ["jobs", "job", "nodes-drained", "nodes", "jobs-cancelled"] {
            #expect(FileManager.default.fileExists(atPath: artefacts.appendingPathComponent("\(page).png").path), "no screenshot of \(page)")
        }
    }
}
