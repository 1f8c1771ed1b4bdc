import Foundation

/// Frames done/total, frames per second and ETA: a redrawn bar on a terminal, plain lines otherwise.
final class ProgressReporter: @unchecked Sendable {
    private let lock = NSLock()
    private let label: String
    private let start = Date()
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private var lastLine = Date.distantPast
    private var lastReported = -1

    init(label: String) {
        self.label = label
    }

    func update(done: Int, total: Int) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        let elapsed = now.timeIntervalSince(start)
        let fps = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = fps > 0 ? Double(total - done) / fps : 0
        if isTerminal {
            guard done != lastReported, done == total || now.timeIntervalSince(lastLine) > 0.1 else { return }
            lastLine = now
            lastReported = done
            let width = 30
            let filled = total > 0 ? width * done / total : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let line = String(format: "\r%@ %@ %d/%d frames  %.1f fps  ETA %@ ", label, bar, done, total, fps, Self.clock(eta))
            FileHandle.standardError.write(Data(line.utf8))
            if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else {
            // Plain lines for logs: every 10% and at the end, never more than one every 2 s.
            let step = max(1, total / 10)
            guard done != lastReported, done == total || (done / step > lastReported / step && now.timeIntervalSince(lastLine) > 2) else { return }
            lastLine = now
            lastReported = done
            let line = String(format: "%@: %d/%d frames, %.2f fps, ETA %@\n", label, done, total, fps, Self.clock(eta))
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
