import Foundation

/// The text format of `NAME.key` and `NAME.pub`: `#` comment lines and `field = Z85` lines.
///
/// Z85 uses `=` and `#` as digits, so a line splits at its first `=` only, and only lines that
/// start with `#` are comments.
enum CurveKeyFile {
    /// Reads `field = value` pairs from the file at `url`.
    static func read(_ url: URL) throws(SecurityError) -> [String: (value: String, line: Int)] {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw SecurityError.keyFileUnreadable(path: url.path, reason: reason(error))
        }
        var fields: [String: (value: String, line: Int)] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw SecurityError.keyFileMalformed(path: url.path, line: index + 1, reason: "expected 'public = KEY' or 'secret = KEY'")
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard name == "public" || name == "secret" else {
                throw SecurityError.keyFileMalformed(path: url.path, line: index + 1, reason: "unknown field '\(name)', expected public or secret")
            }
            guard fields[name] == nil else {
                throw SecurityError.keyFileMalformed(path: url.path, line: index + 1, reason: "'\(name)' given twice")
            }
            fields[name] = (value, index + 1)
        }
        return fields
    }

    /// Creates `url` with `mode`, failing if it exists, so a key is never overwritten or widened by a race.
    static func create(_ url: URL, contents: String, mode: mode_t) throws(SecurityError) {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            if errno == EEXIST { throw SecurityError.keyExists(path: url.path) }
            throw SecurityError.keyFileWriteFailed(path: url.path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        // The umask may only narrow `mode`; fchmod makes the result exactly `mode`.
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fchmod(fd, mode) == 0, fsync(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(url.path)
            throw SecurityError.keyFileWriteFailed(path: url.path, reason: reason)
        }
    }

    static func reason(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}
