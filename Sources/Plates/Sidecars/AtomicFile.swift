import Foundation

/// Writes small files (sidecars, proxies) through a temporary name in the same folder and a
/// rename, so a reader never sees half a file.
enum AtomicFile {
    /// Writes `data` to `url`; with `mode`, the file gets exactly that permission (a relinked
    /// sidecar keeps the read-only mode of a published version).
    static func write(_ data: Data, to url: URL, mode: mode_t? = nil) throws(PlateError) {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp")
        do {
            try data.write(to: temporary)
        } catch {
            throw .io(path: url.path, message: "cannot write: \(error.localizedDescription)")
        }
        if let mode, chmod(temporary.path, mode) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw .io(path: url.path, message: "cannot set the file's mode: \(reason)")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw .io(path: url.path, message: "cannot move the finished file into place: \(reason)")
        }
    }
}
