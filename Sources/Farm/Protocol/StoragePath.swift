import Foundation

/// Paths in messages are relative to the storage root; this keeps them there.
public enum StoragePath {
    /// The absolute URL for `relative` under `root`, or nil if it is absolute, empty, has `..`,
    /// or otherwise escapes the root.
    public static func resolve(_ relative: String, under root: URL) -> URL? {
        guard !relative.isEmpty, !relative.hasPrefix("/"), !relative.contains("\0") else { return nil }
        let components = relative.split(separator: "/", omittingEmptySubsequences: true)
        guard !components.isEmpty, !components.contains(where: { $0 == ".." || $0 == "." }) else { return nil }
        let base = root.standardizedFileURL
        let url = base.appendingPathComponent(components.joined(separator: "/")).standardizedFileURL
        return url.path.hasPrefix(base.path.hasSuffix("/") ? base.path : base.path + "/") ? url : nil
    }

    /// `url` as a path relative to `root` (what messages carry), or its whole path if outside.
    public static func relative(_ url: URL, to root: URL) -> String {
        let base = root.standardizedFileURL.path
        let prefix = base.hasSuffix("/") ? base : base + "/"
        let path = url.standardizedFileURL.path
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
