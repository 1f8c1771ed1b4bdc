import ArgumentParser
import Foundation

/// Exit codes for farm-queue wrappers (Docs/operations.md): 0 done, 1 failed or cancelled,
/// 2 bad input, 3 coordinator unreachable (worth retrying later).
enum ExitCodes {
    static let failure: Int32 = 1
    static let badInput: Int32 = 2
    static let unreachable: Int32 = 3
}

/// Prints `error: …` on stderr and exits with `code`, never a stack trace.
func fail(_ message: String, code: Int32) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    return ExitCode(code)
}
