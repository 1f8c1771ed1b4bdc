import Farm
import Foundation

/// The dashboard's HTML, rendered on the server from a snapshot. Each page is a shell around one
/// fragment; the page's script fetches the fragment again whenever the event stream says the
/// snapshot changed, so the first paint and every live update come from the same code.
enum DashboardPages {
    /// Seam scores up to this are as smooth as an ordinary frame step (Docs/chunking.md: blended
    /// seams score about 1; hard cuts several times that).
    static let seamGood = 1.5
    static let seamWarn = 3.0

    static func shell(title: String, fragment: String, content: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer">
        <title>SceneFarm — \(escape(title))</title>
        <link rel="stylesheet" href="/static/dashboard.css"><script src="/static/dashboard.js" defer></script></head>
        <body><header><strong>SceneFarm</strong><nav><a href="/">Jobs</a><a href="/nodes">Nodes</a></nav>
        <span id="live-status" class="muted">connecting…</span>
        <form id="token-form"><input id="token" type="password" autocomplete="off" placeholder="token for actions"><button type="submit">Use token</button></form>
        <span id="action-result" role="status"></span></header>
        <main id="live" data-fragment="\(escape(fragment))">\(content)</main></body></html>
        """
    }

    // MARK: - Jobs

    static func jobs(_ snapshot: FarmSnapshot) -> String {
        var html = "<h1>Jobs</h1>"
        guard !snapshot.jobs.isEmpty else { return html + "<p class=\"muted\">No jobs yet: <code>scenefarm submit shot.yaml</code>.</p>" }
        html += """
            <table class="jobs"><thead><tr><th>Job</th><th>Show / shot</th><th>Version</th><th>State</th><th>Frames</th><th>fps</th><th>ETA</th>
            <th>Nodes</th><th>Seams</th><th>Submitted</th><th>Published</th><th>Owner</th><th></th></tr></thead><tbody>
            """
        for job in snapshot.jobs {
            html += """
                <tr data-job="\(escape(job.id))" data-state="\(job.state.rawValue)"><td><a href="/jobs/\(escape(job.id))">\(escape(job.id))</a></td>
                <td>\(escape(job.show)) / \(escape(job.shot))</td><td>\(escape(job.version))</td><td><span class="state \(job.state.rawValue)">\(job.state.rawValue)</span></td>
                <td>\(progress(job))</td><td>\(job.renderFPS.map { String(format: "%.1f", $0) } ?? "–")</td><td>\(job.etaSeconds.map(duration) ?? "–")</td>
                <td>\(escape(job.nodes.joined(separator: ", ")))</td><td>\(seams(job.seamScores))</td>
                <td>\(time(job.submittedAt))</td><td>\(job.state == .done ? job.finishedAt.map(time) ?? "" : "")</td><td>\(escape(job.owner))</td>
                <td>\(actions(job))</td></tr>
                """
        }
        return html + "</tbody></table>"
    }

    static func progress(_ job: JobSnapshot) -> String {
        "<progress value=\"\(job.framesDone)\" max=\"\(max(1, job.framesTotal))\"></progress> <span class=\"frames\">\(job.framesDone)/\(job.framesTotal)</span>"
    }

    static func actions(_ job: JobSnapshot) -> String {
        switch job.state {
        case .queued, .running:
            // The script holds live updates back while this field has the focus.
            return "<span class=\"priority\"><input class=\"priority\" type=\"number\" min=\"\(JobPriority.range.lowerBound)\" max=\"\(JobPriority.range.upperBound)\" value=\"\(job.priority)\" aria-label=\"priority\">"
                + "<button data-priority data-action=\"/api/v1/jobs/\(escape(job.id))/priority\">Set priority</button></span> "
                + "<button class=\"danger\" data-action=\"/api/v1/jobs/\(escape(job.id))/cancel\">Cancel</button>"
        case .failed, .cancelled: return "<button data-action=\"/api/v1/jobs/\(escape(job.id))/retry\">Retry as new version</button>"
        case .done: return ""
        }
    }

    static func seams(_ scores: [Double?]?) -> String {
        guard let scores, !scores.isEmpty else { return "–" }
        return scores.map { score in
            guard let score else { return "<span class=\"seam none\" title=\"no score\">–</span>" }
            let grade = score <= seamGood ? "good" : score <= seamWarn ? "warn" : "bad"
            return "<span class=\"seam \(grade)\" title=\"seam score (≤ \(seamGood) smooth, > \(seamWarn) a visible jump)\">\(String(format: "%.2f", score))</span>"
        }.joined(separator: " ")
    }

    // MARK: - One job

    static func job(_ job: JobSnapshot, storageRoot: String) -> String {
        var html = """
            <h1>\(escape(job.show)) / \(escape(job.shot)) \(escape(job.version)) <span class="state \(job.state.rawValue)">\(job.state.rawValue)</span></h1>
            <p class="facts">Job <code>\(escape(job.id))</code> · \(escape(job.generator)) · \(escape(job.fps)) fps · frames \(job.firstFrame)–\(job.firstFrame + job.framesTotal - 1)
            · owner \(escape(job.owner)) · submitted \(time(job.submittedAt))\(job.finishedAt.map { " · finished \(time($0))" } ?? "")</p>
            <p>\(progress(job)) \(job.renderFPS.map { String(format: "%.1f fps", $0) } ?? "") \(job.etaSeconds.map { "· ETA \(duration($0))" } ?? "") \(actions(job))</p>
            """
        if let error = job.error { html += "<p class=\"error\">\(escape(error))</p>" }
        if job.seamScores != nil { html += "<p>Seam scores: \(seams(job.seamScores))</p>" }
        html += graph(job) + timeline(job)
        if let files = APIDocuments.publishedFiles(job, storageRoot: storageRoot) {
            html += "<h2>Published</h2><p>Plates: <code class=\"copy\">\(escape(files.folder.path))</code></p><table class=\"commands\">"
            for (tool, line) in APIDocuments.commands(job, folder: files.folder, base: files.base).sorted(by: { $0.key < $1.key }) {
                html += "<tr><th>\(escape(tool))</th><td><input class=\"copy\" readonly value=\"\(escape(line))\"></td><td><button data-copy>Copy</button></td></tr>"
            }
            html += "</table>"
            if let sheet = files.contactSheet {
                html += "<h3>Contact sheet</h3><img class=\"thumb contact\" alt=\"contact sheet\" data-src=\"\(escape(APIDocuments.fileURL(job, sheet)))\">"
            }
            if !files.proxies.isEmpty {
                let shown = evenlySpaced(files.proxies, count: Self.thumbnailsShown)
                html += "<h3>Proxies</h3><p class=\"muted\">\(shown.count) of \(files.proxies.count), evenly spaced.</p><div class=\"thumbs\">"
                for name in shown { html += "<img class=\"thumb\" alt=\"\(escape(name))\" data-src=\"\(escape(APIDocuments.fileURL(job, name)))\">" }
                html += "</div>"
            }
            if let report = files.report, let text = try? String(contentsOf: report, encoding: .utf8) {
                html += "<details><summary>Job report (JSON)</summary><pre class=\"report\">\(escape(String(text.prefix(200_000))))</pre></details>"
            }
        }
        return html
    }

    /// Proxies on a job page at most; the contact sheet shows the whole shot.
    static let thumbnailsShown = 12

    static func evenlySpaced<T>(_ items: [T], count: Int) -> [T] {
        guard items.count > count, count > 1 else { return items }
        return (0..<count).map { items[$0 * (items.count - 1) / (count - 1)] }
    }

    /// lighting → generate ×k → blend ×b → publish, each task a chip coloured by state.
    static func graph(_ job: JobSnapshot) -> String {
        var html = "<h2>Task graph</h2><div class=\"graph\">"
        var first = true
        for kind in TaskKind.allCases {
            let tasks = job.tasks.filter { $0.kind == kind }
            guard !tasks.isEmpty else { continue }
            if !first { html += "<span class=\"arrow\">→</span>" }
            first = false
            html += "<div class=\"stage\"><div class=\"muted\">\(kind.rawValue)\(tasks.count > 1 ? " ×\(tasks.count)" : "")</div>"
            for task in tasks {
                html += "<span class=\"chip \(task.state.rawValue)\" title=\"\(escape(task.name)): \(task.state.rawValue)\">\(escape(task.name))</span>"
            }
            html += "</div>"
        }
        return html + "</div>"
    }

    /// One row per task: state, attempts, node, start, end, duration, and a bar per attempt on a
    /// common time axis (the Gantt view).
    static func timeline(_ job: JobSnapshot) -> String {
        let now = Date()
        let starts = job.tasks.flatMap(\.history).map(\.startedAt)
        let ends = job.tasks.flatMap(\.history).map { $0.endedAt ?? now }
        let origin = starts.min() ?? job.submittedAt
        let span = max(0.001, (ends.max() ?? now).timeIntervalSince(origin))
        var html = """
            <h2>Timeline</h2><p class="muted">Time axis: \(duration(span)) from the first lease (\(time(origin))).</p>
            <table class="timeline"><thead><tr><th>Task</th><th>State</th><th>Attempts</th><th>Node</th><th>Start</th><th>End</th><th>Duration</th><th title="mean seconds per frame, as the node reported them">Per frame: generate · convert · write</th><th class="axis"></th></tr></thead><tbody>
            """
        for task in job.tasks {
            var bars = ""
            for attempt in task.history {
                let left = attempt.startedAt.timeIntervalSince(origin) / span * 100
                let width = max(0.4, (attempt.endedAt ?? now).timeIntervalSince(attempt.startedAt) / span * 100)
                bars += "<span class=\"bar \(attempt.result.rawValue)\" style=\"left:\(String(format: "%.2f", left))%;width:\(String(format: "%.2f", width))%\" title=\"attempt \(attempt.number) on \(escape(attempt.node)): \(attempt.result.rawValue)\"></span>"
            }
            html += """
                <tr class="task" data-task="\(escape(task.name))" data-state="\(task.state.rawValue)"><td>\(escape(task.name))</td>
                <td><span class="chip \(task.state.rawValue)">\(task.state.rawValue)</span></td><td>\(task.attempts)</td><td>\(escape(task.node ?? ""))</td>
                <td>\(task.startedAt.map(time) ?? "")</td><td>\(task.endedAt.map(time) ?? "")</td><td>\(task.durationSeconds.map(duration) ?? "")</td>
                <td class="stages">\(task.stageSeconds.map(stages) ?? "")</td><td class="axis"><div class="lane">\(bars)</div></td></tr>
                """
            if let error = task.error, task.state != .done { html += "<tr><td></td><td colspan=\"8\" class=\"error\">\(escape(String(error.prefix(500))))</td></tr>" }
        }
        return html + "</tbody></table>"
    }

    /// Mean seconds per frame of each stage a task's frames went through ("–" for none).
    static func stages(_ totals: FrameTimings.Totals) -> String {
        func mean(_ seconds: Double, _ frames: Int) -> String {
            guard frames > 0 else { return "–" }
            let each = seconds / Double(frames)
            return each < 1 ? String(format: "%.1f ms", each * 1000) : String(format: "%.2f s", each)
        }
        return [mean(totals.generateSeconds, totals.generateFrames), mean(totals.convertSeconds, totals.convertFrames), mean(totals.writeSeconds, totals.frames)]
            .joined(separator: " · ")
    }

    // MARK: - Nodes

    static func nodes(_ snapshot: FarmSnapshot) -> String {
        var html = "<h1>Nodes</h1>"
        guard !snapshot.nodes.isEmpty else { return html + "<p class=\"muted\">No node connected: <code>scenefarm node --coordinator tcp://HOST:5555</code>.</p>" }
        html += """
            <table class="nodes"><thead><tr><th>Node</th><th>State</th><th>Slots</th><th>Running</th><th>Heartbeat</th><th>Cores</th><th>Memory</th>
            <th>Generators</th><th>Done</th><th>Failures</th><th></th></tr></thead><tbody>
            """
        for node in snapshot.nodes {
            let button = node.drained
                ? "<button data-action=\"/api/v1/nodes/\(escape(node.name))/resume\">Resume</button>"
                : "<button data-action=\"/api/v1/nodes/\(escape(node.name))/drain\">Drain</button>"
            html += """
                <tr data-node="\(escape(node.name))" data-state="\(escape(node.state))"><td>\(escape(node.name))</td><td><span class="state \(escape(node.state))">\(escape(node.state))</span></td>
                <td>\(node.slots)</td><td>\(escape(node.running.joined(separator: ", ")))</td><td>\(node.heartbeatAgeSeconds.map { String(format: "%.1f s ago", $0) } ?? "–")</td>
                <td>\(node.cores.map(String.init) ?? "–")</td><td>\(node.memoryBytes.map { String(format: "%.1f GiB", Double($0) / 1_073_741_824) } ?? "–")</td>
                <td>\(escape(node.generators.joined(separator: ", ")))</td><td>\(node.tasksDone)</td><td>\(node.failures)</td><td>\(button)</td></tr>
                """
        }
        return html + "</tbody></table>"
    }

    // MARK: - Text

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static func time(_ date: Date) -> String {
        "<time datetime=\"\(date.formatted(machineTime))\">\(date.formatted(shownTime))</time>"
    }

    // Value-type format styles, made once: an ISO8601DateFormatter per call built an ICU
    // formatter each time, and rendering the jobs page took a fifth of the farm bench's CPU.
    /// `2026-12-02T13:31:14Z`, as ISO8601DateFormatter's default writes it.
    private static let machineTime = Date.ISO8601FormatStyle()
    /// `2026-12-02 13:31:14` (UTC), for people.
    private static let shownTime = Date.ISO8601FormatStyle(dateSeparator: .dash, dateTimeSeparator: .space).year().month().day().time(includingFractionalSeconds: false)

    static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        if seconds < 3600 { return String(format: "%dm %02ds", Int(seconds) / 60, Int(seconds) % 60) }
        return String(format: "%dh %02dm", Int(seconds) / 3600, Int(seconds) % 3600 / 60)
    }
}
