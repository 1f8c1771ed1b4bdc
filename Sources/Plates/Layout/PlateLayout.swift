import Foundation
import ShotSpec

/// Where a plate's frames live:
/// `<root>/<show>/<shot>/plates/<plate>/<version>/<shot>_<plate>_<version>.<frame:04d>.exr`.
///
/// A version is staged under `<plate>/.work/<job>/<version>/` and appears under its real name
/// only when the job publishes it, by one rename: a half-rendered version is never visible.
public struct PlateLayout: Sendable, Equatable {
    public let root: URL
    public let show: String
    public let shot: String
    public let plate: String

    public init(root: URL, show: String, shot: String, plate: String) {
        self.root = root.standardizedFileURL
        self.show = show
        self.shot = shot
        self.plate = plate
    }

    /// The layout a spec asks for, with an optional root override (`--out`).
    public init(spec: ShotSpec, rootOverride: String? = nil) {
        let root: URL
        if let rootOverride {
            root = URL(fileURLWithPath: rootOverride)
        } else if spec.output.root.hasPrefix("/") {
            root = URL(fileURLWithPath: spec.output.root)
        } else {
            root = spec.baseDirectory.appendingPathComponent(spec.output.root)
        }
        self.init(root: root, show: spec.show, shot: spec.shot, plate: spec.output.plate)
    }

    /// `<root>/<show>/<shot>/plates/<plate>`
    public var plateFolder: URL {
        root.appendingPathComponent(show).appendingPathComponent(shot).appendingPathComponent("plates").appendingPathComponent(plate)
    }

    /// The published folder of a version.
    public func versionFolder(_ version: Int) -> URL { plateFolder.appendingPathComponent(PlateVersion.label(version)) }

    /// Staging area of a job (frames, intermediates), removed when the job publishes.
    public func workFolder(job: String) -> URL { plateFolder.appendingPathComponent(".work").appendingPathComponent(job) }

    /// Where a job's frames are written before publish.
    public func stagingFolder(job: String, version: Int) -> URL { workFolder(job: job).appendingPathComponent(PlateVersion.label(version)) }

    /// Float32 overlap frames kept for blending, outside any version folder.
    public func intermediateFolder(job: String) -> URL { workFolder(job: job).appendingPathComponent("intermediate") }

    /// `<shot>_<plate>_<version>` — the frame name prefix.
    public func baseName(version: Int) -> String { "\(shot)_\(plate)_\(PlateVersion.label(version))" }

    /// Digits of zero padding in frame file names.
    public static let framePadding = 4

    /// `<shot>_<plate>_<version>.1001.exr`
    public func frameName(version: Int, frame: Int) -> String {
        PlateSequence.frameName(baseName: baseName(version: version), frame: frame, padding: Self.framePadding)
    }

    /// Versions already published (folders named v###).
    public func publishedVersions() -> [Int] {
        versionNumbers(in: plateFolder)
    }

    /// Versions reserved by jobs still staging under `.work/`.
    public func reservedVersions() -> [Int] {
        let work = plateFolder.appendingPathComponent(".work")
        let jobs = (try? FileManager.default.contentsOfDirectory(atPath: work.path)) ?? []
        return jobs.flatMap { versionNumbers(in: work.appendingPathComponent($0)) }
    }

    /// The version a new job should write: `next` is one above anything published or reserved;
    /// a fixed version must be neither.
    public func resolve(_ version: PlateVersion) throws(PlateError) -> Int {
        let taken = Set(publishedVersions() + reservedVersions())
        let next = (taken.max() ?? 0) + 1
        switch version {
        case .next:
            return next
        case .fixed(let n):
            if publishedVersions().contains(n) {
                throw .versionExists(path: versionFolder(n).path, next: PlateVersion.label(next))
            }
            if taken.contains(n) {
                throw .versionReserved(path: versionFolder(n).path, next: PlateVersion.label(next))
            }
            return n
        }
    }

    /// Checks the root can be created and written, creating nothing.
    public func checkWritable() throws(PlateError) {
        var probe = root
        let fm = FileManager.default
        while !fm.fileExists(atPath: probe.path) {
            let parent = probe.deletingLastPathComponent()
            if parent.path == probe.path { break }
            probe = parent
        }
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: probe.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .notWritable(path: root.path, reason: "\(probe.path) is a file, not a folder")
        }
        guard access(probe.path, W_OK | X_OK) == 0 else {
            throw .notWritable(path: root.path, reason: "no write permission on \(probe.path)")
        }
    }

    /// Creates the job's staging folder for `version`, failing if another job holds it.
    public func reserve(job: String, version: Int) throws(PlateError) -> URL {
        let staging = stagingFolder(job: job, version: version)
        do {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: intermediateFolder(job: job), withIntermediateDirectories: true)
        } catch {
            throw .notWritable(path: staging.path, reason: error.localizedDescription)
        }
        return staging
    }

    /// Moves the staged version into place in one rename and removes the job's work folder.
    /// Refuses if the version appeared meanwhile: published versions are never overwritten.
    public func publish(job: String, version: Int) throws(PlateError) -> URL {
        let staging = stagingFolder(job: job, version: version)
        let target = versionFolder(version)
        if FileManager.default.fileExists(atPath: target.path) {
            throw .versionExists(path: target.path, next: PlateVersion.label((publishedVersions().max() ?? version) + 1))
        }
        guard rename(staging.path, target.path) == 0 else {
            throw .io(path: target.path, message: "cannot publish \(staging.path): \(String(cString: strerror(errno)))")
        }
        discard(job: job)
        return target
    }

    /// Removes a job's staging area (cancelled or failed jobs).
    public func discard(job: String) {
        try? FileManager.default.removeItem(at: workFolder(job: job))
        // rmdir only succeeds on an empty folder, so another job's staging is never touched.
        rmdir(plateFolder.appendingPathComponent(".work").path)
    }

    private func versionNumbers(in folder: URL) -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.compactMap { name in
            guard case .fixed(let n)? = PlateVersion.parse(name) else { return nil }
            return n
        }
    }
}
