import ArgumentParser
import Foundation
import ShotSpec

/// Exit codes for farm-queue wrappers (Docs/operations.md): 0 done, 1 failed or cancelled,
/// 2 bad input, 3 coordinator unreachable (worth retrying later).
enum ExitCodes {
    static let failure: Int32 = 1
    static let badInput: Int32 = 2
    static let unreachable: Int32 = 3
}

/// Prints `error: …` on stderr as one line and returns the exit code to throw; never a stack trace.
/// Control characters from user input (a newline, an escape sequence) are shown escaped, so
/// they can neither split the line nor reach the terminal.
func fail(_ message: String, code: Int32) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(SpecField.escaped(message))\n".utf8))
    return ExitCode(code)
}
