import Chunking
import Foundation
import Plates
import ShotSpec

/// The coordinator's check of what a RESULT claims, and the move of the checked files from the
/// attempt's own folder into the job's accepted area (`JobStaging`).
///
/// A result is accepted only if every file it names lies in the sending attempt's folder, is a
/// regular file (no link) whose folder really is that folder, and is exactly the set the task
/// must write; every frame must have an OpenEXR header with the shot's size and the job and task
/// names the node stamps. Nothing is moved unless all of it checks out.
struct AttemptOutput {
    let staging: JobStaging
    let storageRoot: URL
    let attempt: String
    let task: TaskNode
    let plan: ChunkPlan
    let width: Int
    let height: Int

    /// Why a result was not accepted; the attempt counts as failed (retryable).
    struct Rejected: Error, CustomStringConvertible {
        let reason: String
        var description: String { "result rejected: \(reason)" }
    }

    /// Most sidecar files a publish result may name (proxies, contact sheet, OTIO, AMF, report).
    static func maxPublishFiles(frames: Int) -> Int { frames + 16 }

    /// Checks `outcome`; returns the moves (attempt file → accepted file) that accept it.
    func check(_ outcome: TaskOutcome) throws(Rejected) -> [(from: URL, to: URL)] {
        let prefix = relative(staging.attemptFolder(attempt)) + "/"
        var rests: [String] = []
        for path in outcome.files {
            guard StoragePath.resolve(path, under: storageRoot) != nil, path.hasPrefix(prefix) else {
                throw Rejected(reason: "file '\(LogText.quoted(path))' is not inside this attempt's folder \(prefix)")
            }
            rests.append(String(path.dropFirst(prefix.count)))
        }
        guard Set(rests).count == rests.count else { throw Rejected(reason: "a file is listed twice") }
        let versionLabel = PlateVersion.label(staging.version)
        var frameFiles: Set<String> = []
        switch task.kind {
        case .lighting:
            guard rests.isEmpty, outcome.framesWritten == 0 else { throw Rejected(reason: "a lighting task writes no files under the job") }
            if let id = outcome.lightingID, !NodeName.isValid(id, maxLength: 128) {
                throw Rejected(reason: "lighting id '\(LogText.quoted(id))' is not a plain name")
            }
            return []
        case .generate, .blend:
            guard let expected = staging.expectedFiles(for: task, plan: plan) else { return [] }
            let wanted = Set(expected.finals.values).union(expected.intermediates)
            // The frames are required; what the task leaves for publish (proxies, frame differences) may be absent.
            guard wanted.isSubset(of: rests), rests.allSatisfy(expected.allows) else {
                let missing = wanted.subtracting(rests).count, extra = rests.filter { !expected.allows($0) }.count
                throw Rejected(reason: "\(task.name) must write \(wanted.count) file(s); the result lists \(rests.count) (\(missing) missing, \(extra) unexpected)")
            }
            guard outcome.framesWritten == expected.finals.count else {
                throw Rejected(reason: "framesWritten is \(outcome.framesWritten); \(task.name) owns \(expected.finals.count) final frame(s)")
            }
            frameFiles = wanted
        case .publish:
            let frameNames = Set(plan.frames.numbers.map { staging.framePath($0) })
            guard rests.count <= Self.maxPublishFiles(frames: plan.frames.count) else { throw Rejected(reason: "too many sidecar files (\(rests.count))") }
            for rest in rests {
                let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
                guard parts.first.map(String.init) == versionLabel, (2...3).contains(parts.count),
                      parts.dropFirst().allSatisfy({ !$0.isEmpty && !$0.hasPrefix(".") }), !frameNames.contains(rest) else {
                    throw Rejected(reason: "publish file '\(LogText.quoted(rest))' is not a sidecar of \(versionLabel)")
                }
            }
            let base = "\(versionLabel)/\(staging.layout.baseName(version: staging.version))"
            for required in ["\(base).report.json", "\(base).otio", "\(base).amf"] where !rests.contains(required) {
                throw Rejected(reason: "publish did not write \(required)")
            }
        }
        var checkedFolders: [String: Bool] = [:]
        let realRoot = Self.realPath(storageRoot.path)
        var moves: [(from: URL, to: URL)] = []
        for rest in rests {
            let source = staging.attemptFile(attempt, rest)
            var status = stat()
            guard lstat(source.path, &status) == 0 else { throw Rejected(reason: "\(rest) does not exist") }
            guard status.st_mode & S_IFMT == S_IFREG else { throw Rejected(reason: "\(rest) is not a regular file") }
            // A folder on the way that is a link would let the "attempt's file" be anything.
            let folder = source.deletingLastPathComponent().path
            if checkedFolders[folder] == nil {
                let expected = realRoot.map { $0 + "/" + relative(source.deletingLastPathComponent()) }
                checkedFolders[folder] = realRoot != nil && Self.realPath(folder) == expected
            }
            guard checkedFolders[folder] == true else { throw Rejected(reason: "the folder of \(rest) is not this attempt's folder (a link?)") }
            if frameFiles.contains(rest) {
                switch ExrHeaderCheck.read(source) {
                case .failure(let reason):
                    throw Rejected(reason: "\(rest): \(reason)")
                case .success(let header):
                    guard header.width == width, header.height == height else {
                        throw Rejected(reason: "\(rest) is \(header.width)x\(header.height); the shot is \(width)x\(height)")
                    }
                    guard Int(status.st_size) > header.size else { throw Rejected(reason: "\(rest) has no pixel data") }
                    guard header.strings["scenefarm/job"] == staging.job, header.strings["scenefarm/task"] == task.name else {
                        throw Rejected(reason: "\(rest) was not written for \(staging.job) \(task.name)")
                    }
                }
            }
            moves.append((source, staging.workFolder.appendingPathComponent(rest)))
        }
        return moves
    }

    /// Accepts checked files and, for a publish task, publishes the version made of the accepted
    /// frames and these sidecars: the coordinator's and `scenefarm task run`'s one way to finish a
    /// task. Returns the version folder and any stray entries removed first (publish only);
    /// throws `VersionPublisher.Failure` when the version cannot be published.
    static func acceptAndPublish(_ moves: [(from: URL, to: URL)], task: TaskNode, staging: JobStaging, frames: FrameRange) throws -> (folder: URL, removed: [String])? {
        try accept(moves)
        guard task.kind == .publish else { return nil }
        let prefix = staging.acceptedFrames.path + "/"
        let sidecars = moves.map { String($0.to.path.dropFirst(prefix.count)) }
        return try VersionPublisher(staging: staging, frames: frames).publish(sidecars: sidecars)
    }

    /// Moves checked files into the accepted area (renames on one file system).
    static func accept(_ moves: [(from: URL, to: URL)]) throws {
        var made: Set<String> = []
        for (from, to) in moves {
            let folder = to.deletingLastPathComponent()
            if made.insert(folder.path).inserted {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            }
            guard rename(from.path, to.path) == 0 else {
                throw PlateError.io(path: to.path, message: "cannot accept \(from.path): \(String(cString: strerror(errno)))")
            }
        }
    }

    private func relative(_ url: URL) -> String { StoragePath.relative(url, to: storageRoot) }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
