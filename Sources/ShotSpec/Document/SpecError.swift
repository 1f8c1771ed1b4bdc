/// A validation error: the field path (`shot.camera.moves[2].to`), what is wrong, and the source line.
public struct SpecError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public let line: Int?

    public init(path: String, reason: String, line: Int? = nil) {
        self.path = path
        self.reason = reason
        self.line = line
    }

    /// `shot.camera.moves[2].to: expected 3 numbers, got 2`
    public var description: String { "\(path): \(reason)" }

    /// The message with the file and line in front, as the CLI prints it.
    public func located(in file: String) -> String {
        if path == file { return line.map { "\(file):\($0): \(reason)" } ?? "\(file): \(reason)" }
        return line.map { "\(file):\($0): \(description)" } ?? "\(file): \(description)"
    }
}
