import Foundation

/// One ffmpeg process fed raw frames on stdin. Its messages go to a temporary file (a pipe nobody
/// drains could fill and stall the encoder), and are quoted in the error when it fails.
final class FFmpegPipe {
    private let process = Process()
    private let input = Pipe()
    private let log: URL
    private let executable: String

    /// An encoder that exits early must surface as EPIPE on our write, not kill the process.
    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    init(_ executable: String, arguments: [String]) throws(PlateError) {
        _ = Self.ignoreBrokenPipes
        self.executable = executable
        log = FileManager.default.temporaryDirectory.appendingPathComponent("scenefarm-ffmpeg-\(UUID().uuidString.prefix(8)).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        do {
            let handle = try FileHandle(forWritingTo: log)
            process.standardError = handle
            try process.run()
        } catch {
            throw .unsupported(path: executable, reason: "cannot start ffmpeg (install it: Farm/install-deps.sh): \(error.localizedDescription)")
        }
    }

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: log)
    }

    func write(_ data: Data) throws(PlateError) {
        do {
            try input.fileHandleForWriting.write(contentsOf: data)
        } catch {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
            throw .unsupported(path: executable, reason: "ffmpeg stopped reading frames: \(messages())")
        }
    }

    func finish() throws(PlateError) {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw .unsupported(path: executable, reason: "ffmpeg failed (exit \(process.terminationStatus)): \(messages())")
        }
    }

    private func messages() -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return String(text.suffix(2000)).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
