import Foundation

/// Reads files a user names (specs, configs, HDRIs, plates) without ever blocking or
/// allocating without bound: only regular files, opened non-blocking, sizes checked first.
///
/// A FIFO, a device or a folder given as a spec would otherwise block a read forever or
/// stream without end, so they are refused with a message that says what the path is.
public enum InputFile {
    /// Why a named file cannot be read.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case missing(path: String)
        case notRegular(path: String, kind: String)
        case tooLarge(path: String, bytes: Int64, limit: Int64)
        case unreadable(path: String, reason: String)

        public var description: String {
            switch self {
            case .missing(let path): return "\(path): no such file"
            case .notRegular(let path, let kind): return "\(path): is \(kind), not a regular file"
            case .tooLarge(let path, let bytes, let limit):
                return "\(path): is \(bytes) bytes, more than the \(limit) bytes allowed here"
            case .unreadable(let path, let reason): return "\(path): cannot be read (\(reason))"
            }
        }

        /// The same failure without the path, for callers that put the path in front themselves.
        public var reason: String {
            switch self {
            case .missing: return "no such file"
            case .notRegular(_, let kind): return "is \(kind), not a regular file"
            case .tooLarge(_, let bytes, let limit): return "is \(bytes) bytes, more than the \(limit) bytes allowed here"
            case .unreadable(_, let reason): return "cannot be read (\(reason))"
            }
        }
    }

    /// Checks that `path` names a regular file (following links) no larger than `limit`; returns its size.
    /// For files that a C library opens itself (OpenEXR, OpenColorIO).
    @discardableResult
    public static func check(_ path: String, limit: Int64 = .max) throws(Failure) -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .missing(path: path) }
            throw .unreadable(path: path, reason: String(cString: strerror(code)))
        }
        return try checkKind(info, path: path, limit: limit)
    }

    /// Reads a whole regular file of at most `limit` bytes. Never blocks on a FIFO or device.
    public static func read(_ path: String, limit: Int64) throws(Failure) -> Data {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .missing(path: path) }
            throw .unreadable(path: path, reason: String(cString: strerror(code)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        let size = try checkKind(info, path: path, limit: limit)
        var data = Data(count: Int(size))
        var filled = 0
        let ok = data.withUnsafeMutableBytes { (buffer: UnsafeMutableRawBufferPointer) -> Bool in
            while filled < buffer.count {
                let n = Foundation.read(fd, buffer.baseAddress! + filled, buffer.count - filled)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                if n == 0 { break }
                filled += n
            }
            return true
        }
        guard ok else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        // A file that shrank while being read is read as far as it goes; one that grew is cut at
        // its size when opened, which is still within the limit.
        if filled < data.count { data.removeSubrange(filled...) }
        return data
    }

    private static func checkKind(_ info: stat, path: String, limit: Int64) throws(Failure) -> Int64 {
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw .notRegular(path: path, kind: "a folder")
        case S_IFIFO: throw .notRegular(path: path, kind: "a named pipe (FIFO)")
        case S_IFCHR, S_IFBLK: throw .notRegular(path: path, kind: "a device")
        case S_IFSOCK: throw .notRegular(path: path, kind: "a socket")
        default: throw .notRegular(path: path, kind: "not a plain file")
        }
        let size = Int64(info.st_size)
        guard size <= limit else { throw .tooLarge(path: path, bytes: size, limit: limit) }
        return size
    }
}
