import Foundation

/// A value at a known path in the spec, with typed accessors that throw path-named errors.
public struct SpecField: Sendable {
    public let value: SpecValue
    public let path: String

    public init(_ value: SpecValue, path: String) {
        self.value = value
        self.path = path
    }

    public func fail(_ reason: String) -> SpecError {
        SpecError(path: path, reason: reason, line: value.line)
    }

    public func string() throws(SpecError) -> String {
        switch value {
        case .string(let s, _): return s
        case .number(_, let text, _): return text
        default: throw fail("expected a string, got \(value.typeName)")
        }
    }

    /// A string that must be non-empty, short enough for a plate file name, and safe as a single
    /// path component: letters, digits, '_', '-' and '.', starting with a letter, digit or '_'
    /// (a leading '.' would hide the published files, a leading '-' reads as a command option).
    public func name() throws(SpecError) -> String {
        let s = try string()
        guard !s.isEmpty else { throw fail("must not be empty") }
        guard s.count <= SpecLimits.maxNameLength else {
            throw fail("is \(s.count) characters long; names may have at most \(SpecLimits.maxNameLength) so plate file names fit the file system")
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
        guard s.allSatisfy({ allowed.contains($0) }) else {
            throw fail("'\(Self.shown(s))' may only contain letters, digits, '_', '-' and '.'")
        }
        guard let first = s.first, first != ".", first != "-" else {
            throw fail("'\(Self.shown(s))' must start with a letter, a digit or '_'")
        }
        return s
    }

    /// User text as it may appear in a message: control characters escaped, at most 64 characters.
    public static func shown(_ text: String) -> String {
        let head = text.unicodeScalars.prefix(64)
        return escaped(String(String.UnicodeScalarView(head))) + (head.count < text.unicodeScalars.count ? "…" : "")
    }

    /// `a⏎b` → `a\nb`: every C0/C1 control character written as an escape, so user text can
    /// neither split a message or log line nor send escape sequences to a terminal.
    public static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20 || (0x7F...0x9F).contains(c.value): out += String(format: "\\u{%02X}", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    public func double() throws(SpecError) -> Double {
        guard case .number(let d, _, _) = value else { throw fail("expected a number, got \(value.typeName)") }
        guard d.isFinite else { throw fail("expected a finite number") }
        return d
    }

    public func double(in range: ClosedRange<Double>) throws(SpecError) -> Double {
        let d = try double()
        guard range.contains(d) else { throw fail("\(Self.format(d)) is out of range \(Self.format(range.lowerBound))…\(Self.format(range.upperBound))") }
        return d
    }

    public func positiveDouble() throws(SpecError) -> Double {
        let d = try double()
        guard d > 0 else { throw fail("must be greater than 0, got \(Self.format(d))") }
        return d
    }

    public func nonNegativeDouble() throws(SpecError) -> Double {
        let d = try double()
        guard d >= 0 else { throw fail("must not be negative, got \(Self.format(d))") }
        return d
    }

    public func int() throws(SpecError) -> Int {
        guard case .number(let d, let text, _) = value else { throw fail("expected a whole number, got \(value.typeName)") }
        guard d.isFinite, d == d.rounded(), abs(d) < 1e12 else { throw fail("expected a whole number, got \(text)") }
        return Int(d)
    }

    public func int(in range: ClosedRange<Int>) throws(SpecError) -> Int {
        let i = try int()
        guard range.contains(i) else { throw fail("\(i) is out of range \(range.lowerBound)…\(range.upperBound)") }
        return i
    }

    public func bool() throws(SpecError) -> Bool {
        guard case .bool(let b, _) = value else { throw fail("expected true or false, got \(value.typeName)") }
        return b
    }

    public func items() throws(SpecError) -> [SpecField] {
        guard case .array(let items, _) = value else { throw fail("expected a list, got \(value.typeName)") }
        return items.enumerated().map { SpecField($0.element, path: "\(path)[\($0.offset)]") }
    }

    /// A list of exactly `count` numbers.
    public func numbers(_ count: Int) throws(SpecError) -> [Double] {
        guard case .array(let items, _) = value else { throw fail("expected \(count) numbers, got \(value.typeName)") }
        guard items.count == count else { throw fail("expected \(count) numbers, got \(items.count)") }
        var out: [Double] = []
        for field in try self.items() { out.append(try field.double()) }
        return out
    }

    public func vector3() throws(SpecError) -> SIMD3<Double> {
        let n = try numbers(3)
        return SIMD3(n[0], n[1], n[2])
    }

    /// Three numbers, each within ±`limit` (positions within `SpecLimits.maxCoordinate`, and so on).
    public func vector3(within limit: Double) throws(SpecError) -> SIMD3<Double> {
        let v = try vector3()
        for item in try items() { _ = try item.double(in: -limit...limit) }
        return v
    }

    /// One of a fixed set of words.
    public func oneOf(_ choices: [String]) throws(SpecError) -> String {
        let s = try string()
        guard choices.contains(s) else {
            throw fail("'\(Self.shown(s))' is not one of \(choices.joined(separator: ", "))")
        }
        return s
    }

    public func object(allowed: [String]) throws(SpecError) -> SpecObject {
        guard case .object(let pairs, _) = value else { throw fail("expected a mapping, got \(value.typeName)") }
        for pair in pairs where !allowed.contains(pair.key) {
            let child = SpecField(pair.value, path: "\(path).\(pair.key)")
            var reason = "unknown key"
            if let guess = Self.closest(to: pair.key, in: allowed) { reason += " (did you mean '\(guess)'?)" }
            reason += "; allowed keys: \(allowed.joined(separator: ", "))"
            throw SpecError(path: child.path, reason: reason, line: pair.value.line)
        }
        return SpecObject(pairs: pairs, field: self)
    }

    static func format(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
    }

    static func closest(to key: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(key.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, key.count / 3) else { return nil }
        return best.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}

/// A mapping whose keys have been checked against the allowed set.
public struct SpecObject: Sendable {
    let pairs: [(key: String, value: SpecValue)]
    public let field: SpecField

    public var path: String { field.path }
    public var keys: [String] { pairs.map(\.key) }

    public func has(_ key: String) -> Bool { pairs.contains { $0.key == key } }

    public func optional(_ key: String) -> SpecField? {
        guard let pair = pairs.first(where: { $0.key == key }) else { return nil }
        if case .null = pair.value { return nil }
        return SpecField(pair.value, path: "\(path).\(key)")
    }

    public func required(_ key: String) throws(SpecError) -> SpecField {
        guard let field = optional(key) else {
            // `fps: null` or `fps:` is reported at its own line, a missing key at the mapping's.
            let line = pairs.first { $0.key == key }?.value.line ?? field.value.line
            throw SpecError(path: "\(path).\(key)", reason: "is required", line: line)
        }
        return field
    }

    /// Requires exactly one of the given keys to be present.
    public func exactlyOne(of keys: [String]) throws(SpecError) -> SpecField {
        // A key written with no value (`sky:`) counts as given, so the user hears about that key
        // rather than "needs one of" for a key they can see in their file.
        let present = keys.compactMap { key in pairs.first { $0.key == key }.map { SpecField($0.value, path: "\(path).\(key)") } }
        guard present.count == 1 else {
            let listed = keys.joined(separator: ", ")
            if present.isEmpty { throw field.fail("needs one of: \(listed)") }
            throw field.fail("give only one of: \(listed) (found \(present.map { $0.path.split(separator: ".").last.map(String.init) ?? $0.path }.joined(separator: ", ")))")
        }
        return present[0]
    }
}
