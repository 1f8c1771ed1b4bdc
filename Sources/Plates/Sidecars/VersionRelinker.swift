import Foundation
import ImageCore

/// Re-points a version folder's sidecars at where the folder is now, after it moved (a remount,
/// an archive restore, a delivery copy). Only the `.otio` holds an absolute path (OTIO joins
/// `target_url_base` to frame names verbatim and resolves nothing relative to the file); the AMF,
/// the job report, the proxies and the EXR headers name frames by pattern only.
public enum VersionRelinker {
    /// One rewritten reference: the sidecar (name within the folder) and its old and new URL.
    public struct Change: Sendable, Equatable {
        public let file: String
        public let from: String
        public let to: String
    }

    /// The largest `.otio` read (SceneFarm's are ~3 KB; an editorial timeline of thousands of clips fits).
    public static let maxSidecarBytes: Int64 = 16 << 20
    /// The deepest JSON nesting read (SceneFarm's .otio nests 9 levels); checked before parsing,
    /// because the JSON parser recurses.
    public static let maxDepth = 64

    /// Rewrites every `.otio` in `folder` whose media references point elsewhere, after checking
    /// that the frames they name are in `folder`. Returns what changed (nothing when the sidecars
    /// already point here). Files keep their mode; a read-only published folder stays read-only.
    public static func relink(_ folder: URL) throws(PlateError) -> [Change] {
        let folder = folder.standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .unsupported(path: folder.path, reason: "is not a version folder (no such folder)")
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".otio") && !$0.hasPrefix(".") }.sorted()
        guard !names.isEmpty else {
            throw .unsupported(path: folder.path, reason: "holds no .otio sidecar; give the version folder (…/<plate>/vNNN)")
        }
        var base = folder.absoluteString
        if !base.hasSuffix("/") { base += "/" }
        var changes: [Change] = []
        var pending: [(url: URL, data: Data, mode: mode_t)] = []
        for name in names {
            let url = folder.appendingPathComponent(name)
            let data: Data
            do {
                data = try InputFile.read(url.path, limit: maxSidecarBytes)
            } catch {
                throw .unsupported(path: url.path, reason: error.reason)
            }
            guard depth(of: data) <= maxDepth else {
                throw .unsupported(path: url.path, reason: "nests deeper than \(maxDepth) levels; not an OTIO file SceneFarm wrote")
            }
            guard let root = try? JSONSerialization.jsonObject(with: data) else {
                throw .unsupported(path: url.path, reason: "is not valid JSON")
            }
            var found: [Change] = []
            let rewritten = try rewrite(root, base: base, folder: folder, file: name, changes: &found)
            guard !found.isEmpty else { continue }
            guard let out = try? JSONSerialization.data(withJSONObject: rewritten, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else {
                throw .unsupported(path: url.path, reason: "cannot be written back as JSON")
            }
            var info = stat()
            let mode: mode_t = stat(url.path, &info) == 0 ? info.st_mode & 0o7777 : 0o644
            pending.append((url, out + Data("\n".utf8), mode))
            changes += found
        }
        guard !pending.isEmpty else { return [] }
        // A published version folder is read-only (0555); open it for the renames only.
        var info = stat()
        let folderMode: mode_t? = stat(folder.path, &info) == 0 ? info.st_mode & 0o7777 : nil
        if let folderMode, folderMode & S_IWUSR == 0 { chmod(folder.path, folderMode | S_IWUSR) }
        defer { if let folderMode, folderMode & S_IWUSR == 0 { chmod(folder.path, folderMode) } }
        for file in pending { try AtomicFile.write(file.data, to: file.url, mode: file.mode) }
        return changes
    }

    /// Walks the OTIO tree and re-points image sequence and external references at `folder`.
    private static func rewrite(_ node: Any, base: String, folder: URL, file: String, changes: inout [Change]) throws(PlateError) -> Any {
        if let list = node as? [Any] {
            var out: [Any] = []
            for item in list { out.append(try rewrite(item, base: base, folder: folder, file: file, changes: &changes)) }
            return out
        }
        guard var object = node as? [String: Any] else { return node }
        let schema = object["OTIO_SCHEMA"] as? String ?? ""
        if schema.hasPrefix("ImageSequenceReference."), let old = object["target_url_base"] as? String {
            let prefix = object["name_prefix"] as? String ?? ""
            let suffix = object["name_suffix"] as? String ?? ""
            let start = (object["start_frame"] as? NSNumber)?.intValue ?? 0
            let padding = (object["frame_zero_padding"] as? NSNumber)?.intValue ?? 0
            let first = prefix + String(format: "%0\(max(0, min(padding, 16)))d", start) + suffix
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(first).path) else {
                throw .unsupported(path: folder.path, reason: "does not hold \(first), the first frame \(file) names; relink the folder that holds the frames")
            }
            if old != base {
                object["target_url_base"] = base
                changes.append(Change(file: file, from: old, to: base))
            }
        } else if schema.hasPrefix("ExternalReference."), let old = object["target_url"] as? String,
                  let oldURL = URL(string: old), oldURL.isFileURL {
            let moved = folder.appendingPathComponent(oldURL.lastPathComponent)
            if FileManager.default.fileExists(atPath: moved.path), old != moved.absoluteString {
                object["target_url"] = moved.absoluteString
                changes.append(Change(file: file, from: old, to: moved.absoluteString))
            }
        }
        for (key, value) in object where value is [Any] || value is [String: Any] {
            object[key] = try rewrite(value, base: base, folder: folder, file: file, changes: &changes)
        }
        return object
    }

    /// The deepest nesting of `[` and `{` outside strings.
    static func depth(of data: Data) -> Int {
        var depth = 0, deepest = 0, inString = false, escaped = false
        for byte in data {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return deepest
    }
}
