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

    public init(layout: PlateLayout, job: String, version: Int) {
        self.layout = layout
        self.job = job
        self.version = version
    }

    /// The staging of `job` under `root` (the coordinator's or a node's storage root).
    public init(job: ShotJob, spec: ShotSpec, root: URL) {
        self.init(layout: PlateLayout(root: root, show: spec.show, shot: spec.shot, plate: spec.output.plate), job: job.id, version: job.version)
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

    /// The files, relative to an attempt folder, that a generate or blend task must write; nil
    /// for lighting (writes nothing under the job) and publish (sidecars, checked by shape).
    public func expectedFiles(for task: TaskNode, plan: ChunkPlan) -> (finals: [Int: String], intermediates: Set<String>)? {
        switch task.kind {
        case .lighting, .publish:
            return nil
        case .generate:
            guard plan.chunks.indices.contains(task.index) else { return ([:], []) }
            let chunk = plan.chunks[task.index]
            var finals: [Int: String] = [:]
            var intermediates: Set<String> = []
            for frame in task.frames ?? chunk.frames where chunk.frames.contains(frame) {
                switch chunk.role(of: frame) {
                case .owned: finals[frame] = framePath(frame)
                case .overlapWithPrevious, .overlapWithNext: intermediates.insert(Self.intermediatePath(chunk: task.index, frame: frame))
                case nil: break
                }
            }
            return (finals, intermediates)
        case .blend:
            guard let boundary = plan.boundaries.first(where: { $0.index == task.index }) else { return ([:], []) }
            return (Dictionary(uniqueKeysWithValues: boundary.overlapFrames.map { ($0, framePath($0)) }), [])
        }
    }
}
