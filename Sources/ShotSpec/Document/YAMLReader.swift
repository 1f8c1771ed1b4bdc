import CYAML

/// Builds a `SpecValue` from YAML text with libyaml's event parser and an explicit stack, so no
/// input can recurse: nesting depth, values after alias expansion and string lengths are
/// checked as each event arrives, before anything larger is built (see `SpecLimits`).
struct YAMLReader {
    private let file: String
    private var stack: [Frame] = []
    private var root: SpecValue?
    /// Values built so far, each alias counted as the whole value it stands for.
    private var values = 0
    private var anchors: [String: (value: SpecValue, count: Int)] = [:]

    /// A list or mapping still being read.
    private struct Frame {
        var items: [SpecValue] = []
        var pairs: [(key: String, value: SpecValue)] = []
        var pendingKey: String?
        var seen: Set<String> = []
        let isMapping: Bool
        let line: Int
        let anchor: String?
        /// Values inside this one, itself included: what an alias of it would add.
        var count = 1
    }

    /// Reads the single document in `text`.
    static func read(_ text: String, file: String) throws(SpecError) -> SpecValue {
        var reader = YAMLReader(file: file)
        return try reader.run(text)
    }

    private init(file: String) {
        self.file = file
    }

    private mutating func run(_ text: String) throws(SpecError) -> SpecValue {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw SpecError(path: file, reason: "cannot start the YAML parser (out of memory)") }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        if bytes.isEmpty { bytes = [0x0A] }
        var documents = 0
        let result: Result<SpecValue?, SpecError> = bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return .failure(Self.parseError(parser, file: file)) }
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1
                do throws(SpecError) {
                    switch event.type {
                    case YAML_STREAM_END_EVENT:
                        return .success(root)
                    case YAML_DOCUMENT_START_EVENT:
                        documents += 1
                        if documents > 1 {
                            throw SpecError(path: file, reason: "holds more than one YAML document; a spec is one document", line: line)
                        }
                    case YAML_SCALAR_EVENT:
                        let scalar = event.data.scalar
                        let text = try string(scalar.value, Int(scalar.length), line: line)
                        let anchor = scalar.anchor.map { String(cString: $0) }
                        try addScalar(text, plain: scalar.style == YAML_PLAIN_SCALAR_STYLE, line: line, anchor: anchor)
                    case YAML_SEQUENCE_START_EVENT:
                        try open(isMapping: false, line: line, anchor: event.data.sequence_start.anchor.map { String(cString: $0) })
                    case YAML_MAPPING_START_EVENT:
                        try open(isMapping: true, line: line, anchor: event.data.mapping_start.anchor.map { String(cString: $0) })
                    case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                        try close()
                    case YAML_ALIAS_EVENT:
                        let name = String(cString: event.data.alias.anchor)
                        guard let anchored = anchors[name] else {
                            throw SpecError(path: file, reason: "alias *\(SpecField.shown(name)) names no anchor defined before it", line: line)
                        }
                        try add(anchored.value, count: anchored.count, line: line, keyText: Self.keyText(anchored.value))
                    default:
                        break
                    }
                } catch {
                    return .failure(error)
                }
            }
        }
        guard let value = try result.get() else { throw SpecError(path: file, reason: "the file is empty") }
        return value
    }

    // MARK: - Building

    private mutating func open(isMapping: Bool, line: Int, anchor: String?) throws(SpecError) {
        guard stack.count < SpecLimits.maxDepth else {
            throw SpecError(path: file, reason: "lists and mappings nest more than \(SpecLimits.maxDepth) levels deep", line: line)
        }
        try countValues(1, line: line)
        if let top = stack.last, top.isMapping, top.pendingKey == nil {
            throw SpecError(path: file, reason: "mapping keys must be plain strings", line: line)
        }
        stack.append(Frame(isMapping: isMapping, line: line, anchor: anchor))
    }

    private mutating func close() throws(SpecError) {
        guard let frame = stack.popLast() else { return }
        let value: SpecValue = frame.isMapping ? .object(frame.pairs, line: frame.line) : .array(frame.items, line: frame.line)
        if let anchor = frame.anchor { anchors[anchor] = (value, frame.count) }
        // Already counted as it was built.
        try attach(value, count: frame.count, line: frame.line, keyText: nil)
    }

    private mutating func addScalar(_ text: String, plain: Bool, line: Int, anchor: String?) throws(SpecError) {
        let value = Self.scalarValue(text, plain: plain, line: line)
        if let anchor { anchors[anchor] = (value, 1) }
        try add(value, count: 1, line: line, keyText: text)
    }

    /// Adds a new value (a scalar, or an alias standing for `count` values).
    private mutating func add(_ value: SpecValue, count: Int, line: Int, keyText: String?) throws(SpecError) {
        try countValues(count, line: line)
        try attach(value, count: count, line: line, keyText: keyText)
    }

    private mutating func attach(_ value: SpecValue, count: Int, line: Int, keyText: String?) throws(SpecError) {
        // A plain scalar beyond Double's range (`1e999`) would be infinity, which the canonical
        // JSON that nodes read back cannot hold, as JSON specs refuse it (`JSONGrammar`); as a key
        // it is only text.
        if case .number(let number, let text, _) = value, !number.isFinite, stack.last.map({ !$0.isMapping || $0.pendingKey != nil }) ?? true {
            throw SpecError(path: file, reason: StrictJSON.reason(.numberTooLarge(text: JSONGrammar.shown(number: text))), line: line)
        }
        guard !stack.isEmpty else {
            root = value
            return
        }
        stack[stack.count - 1].count += count
        if !stack[stack.count - 1].isMapping {
            stack[stack.count - 1].items.append(value)
        } else if let key = stack[stack.count - 1].pendingKey {
            stack[stack.count - 1].pairs.append((key, value))
            stack[stack.count - 1].pendingKey = nil
        } else {
            guard let keyText else { throw SpecError(path: file, reason: "mapping keys must be plain strings", line: line) }
            guard stack[stack.count - 1].seen.insert(keyText).inserted else {
                throw SpecError(path: file, reason: "key '\(SpecField.shown(keyText))' appears twice", line: line)
            }
            stack[stack.count - 1].pendingKey = keyText
        }
    }

    private mutating func countValues(_ count: Int, line: Int) throws(SpecError) {
        values += count
        guard values <= SpecLimits.maxValues else {
            throw SpecError(
                path: file,
                reason: "holds more than \(SpecLimits.maxValues) values (each use of a YAML alias counts in full); a spec may hold at most that many",
                line: line
            )
        }
    }

    private func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, _ length: Int, line: Int) throws(SpecError) -> String {
        guard let pointer, length > 0 else { return "" }
        let text = String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
        guard text.count <= SpecLimits.maxStringLength else {
            throw SpecError(path: file, reason: "a string of \(text.count) characters; strings may be at most \(SpecLimits.maxStringLength)", line: line)
        }
        return text
    }

    // MARK: - Scalars and errors

    /// Quoted scalars are always strings; plain ones resolve like YAML 1.2's core schema.
    static func scalarValue(_ text: String, plain: Bool, line: Int?) -> SpecValue {
        if plain {
            switch text {
            case "true", "True", "TRUE": return .bool(true, line: line)
            case "false", "False", "FALSE": return .bool(false, line: line)
            case "null", "Null", "NULL", "~", "": return .null(line: line)
            default: break
            }
            if let number = Double(text), !text.unicodeScalars.contains(where: { $0.properties.isAlphabetic && $0 != "e" && $0 != "E" }) {
                return .number(number, text: text, line: line)
            }
        }
        return .string(text, line: line)
    }

    /// The text of a scalar used as a mapping key through an alias.
    private static func keyText(_ value: SpecValue) -> String? {
        switch value {
        case .string(let s, _): return s
        case .number(_, let text, _): return text
        default: return nil
        }
    }

    private static func parseError(_ parser: yaml_parser_t, file: String) -> SpecError {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        let context = parser.context.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : "\($0): " } ?? ""
        if parser.error == YAML_READER_ERROR {
            return SpecError(path: file, reason: "not valid YAML: \(problem) at byte \(parser.problem_offset)")
        }
        if parser.error == YAML_MEMORY_ERROR {
            return SpecError(path: file, reason: "not valid YAML: out of memory")
        }
        let mark = parser.problem_mark
        return SpecError(path: file, reason: "not valid YAML: \(context)\(problem) at line \(mark.line + 1), column \(mark.column + 1)")
    }
}
