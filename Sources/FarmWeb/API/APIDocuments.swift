import Farm
import Foundation
import Plates
import ShotSpec

/// The JSON bodies of /api/v1, built from a snapshot. Shapes are those of
/// Docs/api/openapi.json (`OpenAPIDocument`), which a test checks against the running server.
enum APIDocuments {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// `value` as a JSON object tree (dates as ISO 8601 strings).
    static func object(_ value: some Encodable) -> Any {
        guard let data = try? encoder.encode(value), let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return NSNull() }
        return object
    }

    static func data(_ object: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed])) ?? Data("{}".utf8)
    }

    static func error(_ code: String, _ message: String) -> [String: Any] {
        ["code": code, "message": message]
    }

    /// GET /api/v1/farm
    static func farm(_ snapshot: FarmSnapshot) -> [String: Any] {
        let s = snapshot.stats
        var nodes: [String: Int] = [:]
        for node in snapshot.nodes { nodes[node.state, default: 0] += 1 }
        var jobs: [String: Int] = [:]
        for state in JobState.allCases { jobs[state.rawValue] = snapshot.jobCounts[state.rawValue] ?? 0 }
        return [
            "version": snapshot.version,
            "takenAt": ISO8601DateFormatter().string(from: snapshot.takenAt),
            "storageRoot": snapshot.storageRoot,
            "jobs": jobs,
            "nodes": nodes,
            "counters": [
                "dispatched": s.dispatched, "completed": s.completed, "requeued": s.requeued, "dropped": s.dropped,
                "staleIgnored": s.staleIgnored, "nodesLost": s.nodesLost, "filesRefused": s.filesRefused, "refused": s.refused,
                "resultsRejected": s.resultsRejected, "leasesTimedOut": s.leasesTimedOut,
                "retried": snapshot.attemptResults[AttemptRecord.Result.retried.rawValue] ?? 0,
                "framesWritten": snapshot.framesWritten,
            ],
        ]
    }

    /// A job without its task graph (lists).
    static func summary(_ job: JobSnapshot) -> [String: Any] {
        var object = (self.object(job) as? [String: Any]) ?? [:]
        object["tasks"] = nil
        return object
    }

    /// GET /api/v1/jobs/{job}: the job, its task graph, where the plates are and how to open them.
    static func detail(_ job: JobSnapshot, storageRoot: String) -> [String: Any] {
        var object = (self.object(job) as? [String: Any]) ?? [:]
        let files = publishedFiles(job, storageRoot: storageRoot)
        object["platePath"] = files?.folder.path ?? NSNull()
        object["commands"] = files.map { commands(job, folder: $0.folder, base: $0.base) } ?? [String: String]()
        object["thumbnails"] = files?.proxies.map { fileURL(job, $0) } ?? []
        object["contactSheet"] = files?.contactSheet.map { fileURL(job, $0) } ?? NSNull()
        object["report"] = files?.report != nil ? "/api/v1/jobs/\(job.id)/report" : NSNull()
        return object
    }

    static func fileURL(_ job: JobSnapshot, _ name: String) -> String { "/api/v1/jobs/\(job.id)/files/\(name)" }

    /// GET /api/v1/versions
    static func versions(_ snapshot: FarmSnapshot) -> [String: Any] {
        let published = snapshot.jobs.filter { $0.published != nil }.map { job -> [String: Any] in
            [
                "job": job.id, "show": job.show, "shot": job.shot, "plate": job.plate, "version": job.version,
                "path": job.published ?? "", "frames": job.framesTotal, "firstFrame": job.firstFrame,
                "publishedAt": job.finishedAt.map { ISO8601DateFormatter().string(from: $0) } ?? NSNull(),
            ]
        }
        return ["versions": published]
    }

    static func action(_ reply: ClientReply) -> [String: Any] {
        ["message": reply.message ?? "done", "job": reply.job ?? NSNull()]
    }

    // MARK: - Published files

    /// Names a proxy or contact sheet may have: no folders, no dots first.
    static func isServableName(_ name: String) -> Bool {
        guard (1...200).contains(name.utf8.count), !name.hasPrefix(".") else { return false }
        let lower = name.lowercased()
        guard lower.hasSuffix(".png") || lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") else { return false }
        return name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._-".unicodeScalars.contains($0) }
    }

    struct PublishedFiles {
        var folder: URL
        var base: String
        var proxies: [String]
        var contactSheet: String?
        var report: URL?
    }

    /// The published version's folder and the images and report in it (regular files only).
    static func publishedFiles(_ job: JobSnapshot, storageRoot: String) -> PublishedFiles? {
        guard let published = job.published, case .fixed(let version)? = PlateVersion.parse(job.version) else { return nil }
        let folder = URL(fileURLWithPath: storageRoot).appendingPathComponent(published)
        let layout = PlateLayout(root: URL(fileURLWithPath: storageRoot), show: job.show, shot: job.shot, plate: job.plate)
        let base = layout.baseName(version: version)
        let proxyFolder = folder.appendingPathComponent("proxy")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: proxyFolder.path)) ?? []).filter(isServableName).sorted()
        let images = names.filter { isRegularFile(proxyFolder.appendingPathComponent($0)) }
        let report = folder.appendingPathComponent("\(base).report.json")
        return PublishedFiles(
            folder: folder, base: base, proxies: images.filter { !$0.contains(".contact.") }, contactSheet: images.first { $0.contains(".contact.") },
            report: isRegularFile(report) ? report : nil
        )
    }

    static func isRegularFile(_ url: URL) -> Bool {
        var status = stat()
        return lstat(url.path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
    }

    /// Lines a compositor pastes to open the plates.
    static func commands(_ job: JobSnapshot, folder: URL, base: String) -> [String: String] {
        let last = job.firstFrame + job.framesTotal - 1
        let hashes = "\(folder.path)/\(base).####.exr"
        return [
            "oiiotool": "oiiotool --frames \(job.firstFrame)-\(last) '\(folder.path)/\(base).#.exr' --info",
            "nuke": "nuke.nodes.Read(file='\(hashes)', first=\(job.firstFrame), last=\(last), colorspace='ACES2065-1')",
            "blender": "import bpy; img = bpy.data.images.load('\(folder.path)/\(base).\(String(format: "%04d", job.firstFrame)).exr'); img.source = 'SEQUENCE'",
        ]
    }
}
