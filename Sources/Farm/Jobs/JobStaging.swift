import Chunking
import Foundation
import Plates
import ShotSpec

/// Where one job's files live before publish, relative to a storage root.
///
/// Every attempt writes only under its own folder, `P/.work/<job>/attempts/<attempt>/`, with the
/// same sub-layout as the job's *accepted* area `P/.work/<job>/` (`vNNN/` for final frames and
/// sidecars, `intermediate/cNNNN/` for overlap frames). Only the coordinator moves files from an
/// attempt's folder into the accepted area, after checking the attempt's RESULT; readers (blend,
/// the next sequential chunk, publish) read accepted files only. A stale attempt can therefore
/// touch nothing but its own folder, which is removed when its lease ends.
public struct JobStaging: Sendable, Equatable {
    public let layout: PlateLayout
    public let job: String
    public let version: Int
    /// Which final frames get proxies, so the proxy files a task may leave for publish are
    /// known; nil when the spec asks for none (or this staging was made without the spec).
    public let proxies: Proxies?

    /// The spec's proxy choice: every `every`th frame from `first`, as `fileExtension` files.
    public struct Proxies: Sendable, Equatable {
        public var first: Int
        public var every: Int
        public var fileExtension: String

        public func contains(_ frame: Int) -> Bool { frame >= first && (frame - first) % max(1, every) == 0 }
    }

    public init(layout: PlateLayout, job: String, version: Int, proxies: Proxies? = nil) {
        self.layout = layout
        self.job = job
        self.version = version
        self.proxies = proxies
    }

    /// The staging of `job` under `root` (the coordinator's or a node's storage root).
    public init(job: ShotJob, spec: ShotSpec, root: URL) {
        let output = spec.output
        self.init(
            layout: PlateLayout(root: root, show: spec.show, shot: spec.shot, plate: output.plate), job: job.id, version: job.version,
            proxies: output.proxyFormat == .none ? nil : Proxies(first: spec.frames.first, every: output.proxyEvery, fileExtension: output.proxyFormat == .jpeg ? "jpg" : "png")
        )
    }

    /// Name of the folder holding every attempt's folder inside the job's work folder.
    public static let attemptsFolderName = "attempts"

    /// `P/.work/<job>`: the accepted area (and the parent of every attempt folder).
    public var workFolder: URL { layout.workFolder(job: job) }

    /// `P/.work/<job>/vNNN`: accepted final frames; at publish, accepted sidecars too.
    public var acceptedFrames: URL { layout.stagingFolder(job: job, version: version) }

    /// `P/.work/<job>/intermediate/cNNNN/<frame:08d>.exr`: an accepted overlap frame.
    public func acceptedIntermediate(chunk: Int, frame: Int) -> URL {
        workFolder.appendingPathComponent(Self.intermediatePath(chunk: chunk, frame: frame))
    }

    /// `P/.work/<job>/attempts/<attempt>`.
    public func attemptFolder(_ attempt: String) -> URL {
        workFolder.appendingPathComponent(Self.attemptsFolderName).appendingPathComponent(attempt)
    }

    /// Where `attempt` writes `path` (a path relative to the accepted area, e.g. `v001/x.1001.exr`).
    public func attemptFile(_ attempt: String, _ path: String) -> URL {
        attemptFolder(attempt).appendingPathComponent(path)
    }

    /// `vNNN/<shot>_<plate>_vNNN.<frame>.exr`, relative to the accepted area or an attempt folder.
    public func framePath(_ frame: Int) -> String {
        "\(PlateVersion.label(version))/\(layout.frameName(version: version, frame: frame))"
    }

    /// `intermediate/cNNNN/<frame:08d>.exr`, relative to the accepted area or an attempt folder.
    public static func intermediatePath(chunk: Int, frame: Int) -> String {
        "intermediate/\(String(format: "c%04d", chunk))/\(String(format: "%08d.exr", frame))"
    }

    // MARK: - What frame-writing tasks leave for publish

    /// `extras/`: per-frame work done where the frame is written (proxy, thumbnail, differences
    /// between consecutive frames for the seam score), so publish only assembles it.
    public static let extrasFolderName = "extras"

    /// `extras/proxy/<frame:08d>.<ext>`: the frame's proxy, the bytes publish puts in `vNNN/proxy/`.
    public static func proxyPath(frame: Int, fileExtension: String) -> String {
        "\(extrasFolderName)/proxy/\(String(format: "%08d", frame)).\(fileExtension)"
    }

    /// `extras/thumbnail/<frame:08d>.ppm`: the frame's contact-sheet thumbnail.
    public static func thumbnailPath(frame: Int) -> String {
        "\(extrasFolderName)/thumbnail/\(String(format: "%08d", frame)).ppm"
    }

    /// `extras/pairs/<task>.json`: a generate task's interior frame differences (`FramePairs`).
    public static func pairsPath(task: String) -> String {
        "\(extrasFolderName)/pairs/\(task).json"
    }

    /// The files a generate or blend task writes, relative to an attempt folder.
    public struct ExpectedFiles: Sendable, Equatable {
        /// Final frames by number: required.
        public var finals: [Int: String]
        /// Overlap frames kept for blending or conditioning: required.
        public var intermediates: Set<String>
        /// What the task may leave for publish (`extras/`): publish works out whatever is absent.
        public var optional: Set<String>

        /// Whether a result or a transfer-mode FILE may name `path`.
        public func allows(_ path: String) -> Bool {
            finals.values.contains(path) || intermediates.contains(path) || optional.contains(path)
        }
    }

    /// The frames a generate or blend task delivers as finals, without building their paths: a
    /// lease counts them for every task it sends, and `expectedFiles` names them.
    public func finalFrames(for task: TaskNode, plan: ChunkPlan) -> [Int] {
        switch task.kind {
        case .lighting, .publish:
            return []
        case .generate:
            guard plan.chunks.indices.contains(task.index) else { return [] }
            let chunk = plan.chunks[task.index]
            return (task.frames ?? chunk.frames).filter { chunk.frames.contains($0) && chunk.role(of: $0) == .owned }
        case .blend:
            return plan.boundaries.first(where: { $0.index == task.index }).map { Array($0.overlapFrames) } ?? []
        }
    }

    /// The files, relative to an attempt folder, that a generate or blend task writes; nil for
    /// lighting (writes nothing under the job) and publish (sidecars, checked by shape).
    public func expectedFiles(for task: TaskNode, plan: ChunkPlan) -> ExpectedFiles? {
        if task.kind == .lighting || task.kind == .publish { return nil }
        var expected = ExpectedFiles(finals: Dictionary(uniqueKeysWithValues: finalFrames(for: task, plan: plan).map { ($0, framePath($0)) }),
                                     intermediates: [], optional: [])
        if task.kind == .generate, plan.chunks.indices.contains(task.index) {
            let chunk = plan.chunks[task.index]
            for frame in task.frames ?? chunk.frames where chunk.frames.contains(frame) {
                switch chunk.role(of: frame) {
                case .overlapWithPrevious, .overlapWithNext: expected.intermediates.insert(Self.intermediatePath(chunk: task.index, frame: frame))
                case .owned, nil: break
                }
            }
            if !expected.finals.isEmpty { expected.optional.insert(Self.pairsPath(task: task.name)) }
        }
        if let proxies {
            for frame in expected.finals.keys where proxies.contains(frame) {
                expected.optional.insert(Self.proxyPath(frame: frame, fileExtension: proxies.fileExtension))
                expected.optional.insert(Self.thumbnailPath(frame: frame))
            }
        }
        return expected
    }
}
