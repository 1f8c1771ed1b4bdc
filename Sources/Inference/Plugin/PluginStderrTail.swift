import Foundation

/// Drains a child's stderr on its own thread and keeps the last lines, so a crash report can
/// quote what the plugin said before it died without the pipe ever filling up and blocking it.
final class PluginStderrTail: @unchecked Sendable {
    private let handle: FileHandle
    private let keep: Int
    private let condition = NSCondition()
    private var lines: [String] = []
    private var partial: [UInt8] = []
    private var ended = false
    /// Longer lines are cut: a plugin dumping a tensor on stderr must not swamp the error message.
    private static let maxLineLength = 400

    init(handle: FileHandle, keep: Int = 20) {
        self.handle = handle
        self.keep = keep
    }

    func start(name: String) {
        let thread = Thread { [self] in pump() }
        thread.name = name
        thread.start()
    }

    private func pump() {
        let fd = handle.fileDescriptor
        var chunk = [UInt8](repeating: 0, count: 1 << 14)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            condition.lock()
            if n <= 0 {
                if !partial.isEmpty { append(partial) }
                partial = []
                ended = true
                condition.broadcast()
                condition.unlock()
                return
            }
            for byte in chunk[0..<n] {
                if byte == 0x0A {
                    append(partial)
                    partial.removeAll(keepingCapacity: true)
                } else if partial.count < Self.maxLineLength {
                    partial.append(byte)
                }
            }
            condition.unlock()
        }
    }

    private func append(_ bytes: [UInt8]) {
        var line = String(decoding: bytes, as: UTF8.self)
        if line.hasSuffix("\r") { line.removeLast() }
        lines.append(line)
        if lines.count > keep { lines.removeFirst(lines.count - keep) }
    }

    /// The last lines, after waiting up to `wait` seconds for the stream to end.
    func tail(wait: TimeInterval) -> [String] {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(wait)
        while !ended && condition.wait(until: deadline) {}
        var result = lines
        if !partial.isEmpty { result.append(String(decoding: partial, as: UTF8.self)) }
        return Array(result.suffix(keep))
    }
}
