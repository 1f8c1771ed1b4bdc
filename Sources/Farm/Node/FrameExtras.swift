import Chunking
import Foundation
import ImageCore
import Plates

/// The per-frame work of publish, done by the generate or blend task that writes the frame
/// (JobStaging `extras/`): the frame's proxy and contact-sheet thumbnail, and the difference
/// between consecutive frames that the seam score's interior median needs. Spread over the tasks
/// this way, it runs on every node in parallel instead of in publish's serial tail.
///
/// Everything is computed from the frame as read back from the file just written, i.e. the very
/// pixels publish would decode (half floats, after a lossy DWA compression too), so the proxies
/// and seam scores are the same bits as when publish measured them itself.
final class FrameExtras {
    private let context: TaskContext
    private let proxies: ProxyWriter?
    private let proxied: JobStaging.Proxies?
    private let measuresPairs: Bool
    private var previous: (frame: Int, image: RGBAImage)?
    /// The first final frame this task wrote, for the pair it makes with the frame before it.
    private var first: (frame: Int, image: RGBAImage)?
    private var pairs: [FramePairs.Pair] = []
    private(set) var files: [String] = []

    /// `pairs`: measure consecutive final frames (a generate task, whose finals are all owned by
    /// its chunk); a blend's frames are overlap frames, never interior pairs.
    init(context: TaskContext, pairs: Bool) throws {
        self.context = context
        measuresPairs = pairs
        let spec = context.spec
        let sequence = PlateSequence(layout: context.layout, version: context.job.version, frames: spec.frames, fps: spec.fps, colorspace: context.plateColorspace)
        proxies = try VersionExtras(sequence: sequence, proxyFormat: spec.output.proxyFormat, proxyEvery: spec.output.proxyEvery, author: context.job.owner)
            .proxyWriter(config: context.colorConfig)
        proxied = proxies == nil ? nil : context.staging.proxies
        // Folders are made once, before any frame, as for the frames themselves (TaskContext).
        var folders = pairs ? [JobStaging.pairsPath(task: context.task.name)] : []
        if proxied != nil { folders += [JobStaging.proxyPath(frame: 0, fileExtension: "x"), JobStaging.thumbnailPath(frame: 0)] }
        for path in folders {
            try FileManager.default.createDirectory(at: context.staging.attemptFile(context.attempt, path).deletingLastPathComponent(), withIntermediateDirectories: true)
        }
    }

    /// Called right after final frame `frame` is written to the attempt's folder.
    func add(frame: Int) throws {
        let wantsProxy = proxied?.contains(frame) == true
        guard measuresPairs || wantsProxy else { return }
        let image = try PlateReader.read(context.attemptFinalPath(frame: frame).path).image
        if measuresPairs {
            if let previous, previous.frame == frame - 1 {
                pairs.append(FramePairs.Pair(frame: previous.frame, meanAbsoluteDifference: try SeamMetrics.meanAbsoluteDifference(previous.image, image)))
            }
            previous = (frame, image)
            if first == nil { first = (frame, image) }
        }
        if let proxies, let proxied, wantsProxy {
            let (proxy, thumbnail) = try proxies.render(image)
            let proxyURL = context.staging.attemptFile(context.attempt, JobStaging.proxyPath(frame: frame, fileExtension: proxied.fileExtension))
            try proxies.encode(proxy, to: proxyURL)
            let thumbnailURL = context.staging.attemptFile(context.attempt, JobStaging.thumbnailPath(frame: frame))
            try PPMFile.write(thumbnail, to: thumbnailURL)
            files += [context.relative(proxyURL), context.relative(thumbnailURL)]
        }
    }

    /// Writes the pairs file (if any pair was measured); returns every file left for publish,
    /// relative to the storage root.
    func finish() throws -> [String] {
        try measureEdges()
        if !pairs.isEmpty {
            let url = context.staging.attemptFile(context.attempt, JobStaging.pairsPath(task: context.task.name))
            try JSONEncoder().encode(FramePairs(task: context.task.name, pairs: pairs)).write(to: url, options: .atomic)
            files.append(context.relative(url))
        }
        return files
    }

    /// A part of a split chunk also measures the pairs across its two ends when the neighbouring
    /// part's frame is already accepted (it finished first): one decode here, in parallel with
    /// the other tasks, instead of two in publish. Whichever part finishes second finds the other's
    /// frame; if neither does (they finish together, or this node has no shared storage), publish
    /// measures the pair itself.
    private func measureEdges() throws {
        guard measuresPairs, context.task.frames != nil, let first, let previous else { return }
        let plan = context.job.plan
        guard plan.chunks.indices.contains(context.task.index) else { return }
        let owned = plan.chunks[context.task.index].ownedFrames
        for (neighbour, image, pairFrame) in [(first.frame - 1, first.image, first.frame - 1), (previous.frame + 1, previous.image, previous.frame)]
        where owned.contains(neighbour) {
            let url = context.acceptedFinalPath(frame: neighbour)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            let other = try PlateReader.read(url.path).image
            let (a, b) = neighbour < pairFrame + 1 ? (other, image) : (image, other)
            pairs.append(FramePairs.Pair(frame: pairFrame, meanAbsoluteDifference: try SeamMetrics.meanAbsoluteDifference(a, b)))
        }
    }
}
