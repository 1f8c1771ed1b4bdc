import Chunking
import Foundation
import ImageCore
import Plates
import ShotSpec

/// The last task of a job: check every accepted frame is there, score the seams, write the job
/// report, sidecars and proxies into this attempt's own folder, and name them in the outcome.
/// The coordinator then moves exactly those files and the accepted frames into the version and
/// makes it appear by one rename (`VersionPublisher`): no node renames into a published version.
///
/// Publish mostly assembles: the tasks that wrote the frames left each frame's proxy, thumbnail
/// and interior difference in the accepted `extras/` (`FrameExtras`), so only the frames nothing
/// was left for (a part's first frame, the seam pairs, output of an older node) are decoded here.
struct Publisher {
    let context: TaskContext

    func publish() throws -> TaskOutcome {
        let job = context.job
        let spec = context.spec
        let frames = Array(spec.frames.numbers)
        let missing = frames.filter { !FileManager.default.fileExists(atPath: context.acceptedFinalPath(frame: $0).path) }
        guard missing.isEmpty else { throw TaskError.missingFrames(version: PlateVersion.label(job.version), frames: missing) }

        let sequence = PlateSequence(layout: context.layout, version: job.version, frames: spec.frames, fps: spec.fps, colorspace: context.plateColorspace)
        let extras = VersionExtras(
            sequence: sequence, proxyFormat: spec.output.proxyFormat, proxyEvery: spec.output.proxyEvery,
            author: job.owner, metadata: ["show": spec.show, "shot": spec.shot, "job": job.id],
            reviews: try JobPreparation.reviewMovies(spec, config: context.colorConfig)
        )
        // Each frame is decoded once: the seam score and the proxies share what is read.
        try context.makeAttemptFolders()
        let folder = context.attemptVersionFolder
        let proxies = try extras.proxySession(in: folder, config: context.colorConfig)
        if let proxies { try adoptProxies(proxies) }
        let read = { (frame: Int) throws(PlateError) -> RGBAImage in
            let image = try PlateReader.read(context.acceptedFinalPath(frame: frame).path).image
            try proxies?.add(frame: frame, image: image)
            return image
        }
        var seams: SeamReport?
        if job.plan.chunks.count > 1 {
            seams = try SeamMetrics.report(plan: job.plan, known: interiorDifferences()) { frame in try read(frame) }
        }
        var written: [String] = []
        if let result = try proxies?.finish(read: read) {
            written += result.proxies + (result.contactSheet.map { [$0] } ?? [])
        }
        written += try extras.writeSidecars(into: folder)
        // Review movies read the accepted frames again, one at a time, through their display/view.
        written += try extras.writeReviews(into: folder, config: context.colorConfig) { frame throws(PlateError) in
            try PlateReader.read(context.acceptedFinalPath(frame: frame).path).image
        }
        let report = JobReport(job: job, spec: spec, colorspace: context.plateColorspace, seams: seams)
        let reportName = "\(context.layout.baseName(version: job.version)).report.json"
        try report.write(to: folder.appendingPathComponent(reportName))
        written.append(reportName)

        return TaskOutcome(
            files: written.map { context.relative(folder.appendingPathComponent($0)) },
            published: context.relative(context.layout.versionFolder(job.version)), seams: seams
        )
    }

    /// The proxies and thumbnails the frame-writing tasks left; a frame whose pair of files is
    /// missing or not the expected size is rendered from its plate by `finish` as before.
    private func adoptProxies(_ session: ProxyWriter.Session) throws {
        guard let proxied = context.staging.proxies else { return }
        let size = session.writer.thumbnailSize(width: context.spec.resolution.width, height: context.spec.resolution.height)
        let accepted = context.staging.workFolder
        for frame in session.frames.sorted() {
            let proxy = accepted.appendingPathComponent(JobStaging.proxyPath(frame: frame, fileExtension: proxied.fileExtension))
            let thumbnailURL = accepted.appendingPathComponent(JobStaging.thumbnailPath(frame: frame))
            guard FileManager.default.fileExists(atPath: proxy.path),
                  let thumbnail = try? PPMFile.read(thumbnailURL, width: size.width, height: size.height) else { continue }
            try session.adopt(frame: frame, file: proxy, thumbnail: thumbnail)
        }
    }

    /// The interior differences the generate tasks measured (`extras/pairs/*.json`).
    private func interiorDifferences() -> [Int: Double] {
        let folder = context.staging.workFolder.appendingPathComponent(JobStaging.pairsPath(task: "x")).deletingLastPathComponent()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let files = names.filter { $0.hasSuffix(".json") }.compactMap { name in
            try? JSONDecoder().decode(FramePairs.self, from: Data(contentsOf: folder.appendingPathComponent(name)))
        }
        return FramePairs.merged(files)
    }
}
