import Foundation
import Plates
import ShotSpec

/// The coordinator's half of publish: the accepted area's `vNNN` folder, which only the
/// coordinator writes, becomes the published version by one rename, holding exactly the accepted
/// frames and the publish task's accepted sidecars; then it is made read-only.
struct VersionPublisher {
    let staging: JobStaging
    let frames: FrameRange

    enum Failure: Error, CustomStringConvertible {
        case missingFrames([Int])
        case plate(PlateError)

        var description: String {
            switch self {
            case .missingFrames(let frames):
                return "publish: \(frames.count) accepted frame(s) missing, first \(frames.prefix(5).map(String.init).joined(separator: ", "))"
            case .plate(let error):
                return "publish: \(error)"
            }
        }
    }

    /// Publishes; `sidecars` are the accepted publish files relative to the `vNNN` folder.
    /// Returns the version folder and any stray entries that were removed first (none unless
    /// something other than the coordinator wrote into the accepted area).
    func publish(sidecars: [String]) throws(Failure) -> (folder: URL, removed: [String]) {
        let folder = staging.acceptedFrames
        let frameNames = frames.numbers.map { staging.layout.frameName(version: staging.version, frame: $0) }
        let expected = Set(frameNames).union(sidecars)
        var removed: [String] = []
        let fm = FileManager.default
        for entry in ((try? fm.subpathsOfDirectory(atPath: folder.path)) ?? []).sorted(by: >) {
            let url = folder.appendingPathComponent(entry)
            var status = stat()
            guard lstat(url.path, &status) == 0 else { continue }
            let kind = status.st_mode & S_IFMT
            let isFolder = kind == S_IFDIR
            // Only regular files and the folders holding them: a link named like a frame is stray.
            if isFolder ? !expected.contains(where: { $0.hasPrefix(entry + "/") }) : (kind != S_IFREG || !expected.contains(entry)) {
                try? fm.removeItem(at: url)
                removed.append(entry)
            }
        }
        let missing = frames.numbers.filter { !fm.fileExists(atPath: folder.appendingPathComponent(staging.layout.frameName(version: staging.version, frame: $0)).path) }
        guard missing.isEmpty else { throw .missingFrames(missing) }
        for name in expected { chmod(folder.appendingPathComponent(name).path, 0o444) }
        let target = staging.layout.versionFolder(staging.version)
        if fm.fileExists(atPath: target.path) {
            throw .plate(.versionExists(path: target.path, next: PlateVersion.label((staging.layout.publishedVersions().max() ?? staging.version) + 1)))
        }
        guard rename(folder.path, target.path) == 0 else {
            throw .plate(.io(path: target.path, message: "cannot publish \(folder.path): \(String(cString: strerror(errno)))"))
        }
        // Folders last: moving a folder needs write permission on it.
        let subfolders = Set(sidecars.compactMap { $0.contains("/") ? String($0[..<$0.lastIndex(of: "/")!]) : nil })
        for subfolder in subfolders { chmod(target.appendingPathComponent(subfolder).path, 0o555) }
        chmod(target.path, 0o555)
        staging.layout.discard(job: staging.job)
        return (target, removed)
    }
}
