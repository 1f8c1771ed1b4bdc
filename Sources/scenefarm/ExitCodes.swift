import ArgumentParser
import Foundation

/// Exit codes for farm-queue wrappers: 0 done, 1 failed, 2 bad input.
enum ExitCodes {
    static let failure: Int32 = 1
    static let badInput: Int32 = 2
}

/// Prints `error: …` on stderr and exits with `code`, never a stack trace.
func fail(_ message: String, code: Int32) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    return ExitCode(code)
}
