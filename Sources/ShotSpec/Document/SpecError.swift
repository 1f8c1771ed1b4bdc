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

extension SpecError {
    /// This error with its source line looked up in `document` when it has none, for checks that
    /// run after loading (generator parameters, colour spaces) and know only the field path.
    public func locating(in document: SpecValue) -> SpecError {
        guard line == nil, let found = document.line(at: path) else { return self }
        return SpecError(path: path, reason: reason, line: found)
    }
}

extension SpecValue {
    /// The source line of the value at a field path such as `shot.objects[2].material.base_color`,
    /// or of its nearest ancestor that exists.
    public func line(at path: String) -> Int? {
        guard path == "shot" || path.hasPrefix("shot.") || path.hasPrefix("shot[") else { return nil }
        var node = self
        var best = line
        var rest = Substring(path.dropFirst(4))
        while !rest.isEmpty {
            if rest.hasPrefix(".") {
                rest = rest.dropFirst()
                let end = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
                let key = String(rest[..<end])
                rest = rest[end...]
                guard case .object(let pairs, _) = node, let next = pairs.first(where: { $0.key == key })?.value else { return best }
                node = next
            } else if rest.hasPrefix("["), let close = rest.firstIndex(of: "]"), let index = Int(rest[rest.index(after: rest.startIndex)..<close]) {
                rest = rest[rest.index(after: close)...]
                guard case .array(let items, _) = node, items.indices.contains(index) else { return best }
                node = items[index]
            } else {
                return best
            }
            best = node.line ?? best
        }
        return best
    }
}
