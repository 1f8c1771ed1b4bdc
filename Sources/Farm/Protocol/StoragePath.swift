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
}
