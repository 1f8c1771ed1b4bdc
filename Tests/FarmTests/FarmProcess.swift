import Foundation
import TestSupport

/// A `scenefarm` child process writing stdout and stderr to its own log file.
final class FarmProcess: @unchecked Sendable {
    let name: String
    let logURL: URL
    private let process = Process()

    /// `executable` defaults to the built `scenefarm`; the protocol tests also run Python peers.
    init(name: String, arguments: [String], logURL: URL, executable: String = Repository.scenefarm) throws {
        self.name = name
        self.logURL = logURL
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // The child holds its own descriptor; ours would only keep the file open.
        try? log.close()
    }

    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }
    var isRunning: Bool { process.isRunning }

    func signal(_ number: Int32) {
        if process.isRunning { kill(process.processIdentifier, number) }
    }

    /// The exit status once the process has exited, or nil if it is still running at `timeout`.
    func waitForExit(timeout: Duration) -> Int32? {
        guard FarmHarness.eventually(timeout: timeout, { !self.isRunning }) else { return nil }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
