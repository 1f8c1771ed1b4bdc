import Chunking
import Foundation
import ImageCore
import Plates
import ShotSpec

/// The last task of a job: check every frame is there, score the seams, write the job report
/// (and sidecars and proxies), then make the version appear by one rename.
struct Publisher {
    let context: TaskContext

    func publish() throws -> TaskOutcome {
        let job = context.job
        let spec = context.spec
        let frames = Array(spec.frames.numbers)
        let missing = frames.filter { !FileManager.default.fileExists(atPath: context.finalPath(frame: $0).path) }
        guard missing.isEmpty else { throw TaskError.missingFrames(version: PlateVersion.label(job.version), frames: missing) }

        let sequence = PlateSequence(layout: context.layout, version: job.version, frames: spec.frames, fps: spec.fps, colorspace: context.plateColorspace)
        let extras = VersionExtras(
            sequence: sequence, proxyFormat: spec.output.proxyFormat, proxyEvery: spec.output.proxyEvery,
            author: job.owner, metadata: ["show": spec.show, "shot": spec.shot, "job": job.id]
        )
        // Each frame is decoded once: the seam score and the proxies share what is read.
        let proxies = try extras.proxySession(in: context.stagingFolder, config: context.colorConfig)
        let read = { (frame: Int) throws(PlateError) -> RGBAImage in
            let image = try PlateReader.read(context.finalPath(frame: frame).path).image
            try proxies?.add(frame: frame, image: image)
            return image
        }
        var seams: SeamReport?
        if job.plan.chunks.count > 1 {
            seams = try SeamMetrics.report(plan: job.plan) { frame in try read(frame) }
        }
        _ = try proxies?.finish(read: read)
        try extras.writeSidecars(into: context.stagingFolder)
        let report = JobReport(job: job, spec: spec, colorspace: context.plateColorspace, seams: seams)
        let reportURL = context.stagingFolder.appendingPathComponent("\(context.layout.baseName(version: job.version)).report.json")
        try report.write(to: reportURL)

        let published = try context.layout.publish(job: job.id, version: job.version)
        return TaskOutcome(published: context.relative(published), seams: seams)
    }
}
