import Foundation

/// Writes small files (sidecars, proxies) through a temporary name in the same folder and a
/// rename, so a reader never sees half a file.
enum AtomicFile {
    static func write(_ data: Data, to url: URL) throws(PlateError) {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp")
        do {
            try data.write(to: temporary)
        } catch {
            throw .io(path: url.path, message: "cannot write: \(error.localizedDescription)")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw .io(path: url.path, message: "cannot move the finished file into place: \(reason)")
        }
    }
}
