import Foundation

/// A frame-numbered file sequence on disk: `name.####.exr`, `name.%04d.exr`, or the sequence found
/// in a version folder.
public struct SequencePattern: Sendable, Equatable {
    public let folder: URL
    /// Text before the frame number (`shot_plate_v001.`).
    public let prefix: String
    /// Text after the frame number (`.exr`).
    public let suffix: String
    /// Digits of zero padding; 0 means unpadded.
    public let padding: Int

    public init(folder: URL, prefix: String, suffix: String, padding: Int) {
        self.folder = folder
        self.prefix = prefix
        self.suffix = suffix
        self.padding = padding
    }

    /// `name.####.exr` as the user would type it.
    public var display: String { folder.appendingPathComponent(prefix + String(repeating: "#", count: max(1, padding)) + suffix).path }

    /// The path of `frame`.
    public func path(_ frame: Int) -> String {
        folder.appendingPathComponent(prefix + String(format: "%0\(padding)ld", frame) + suffix).path
    }

    /// Parses a `#`-run or `%0Nd` in the last path component; nil when there is neither.
    public static func parse(_ path: String) -> SequencePattern? {
        let url = URL(fileURLWithPath: path)
        let name = url.lastPathComponent
        let folder = url.deletingLastPathComponent()
        if let start = name.firstIndex(of: "#") {
            var end = start
            while end < name.endIndex, name[end] == "#" { end = name.index(after: end) }
            return SequencePattern(folder: folder, prefix: String(name[..<start]), suffix: String(name[end...]), padding: name.distance(from: start, to: end))
        }
        if let match = name.range(of: #"%0?\d*d"#, options: .regularExpression) {
            let digits = name[match].dropFirst().dropLast()
            return SequencePattern(folder: folder, prefix: String(name[..<match.lowerBound]), suffix: String(name[match.upperBound...]), padding: Int(digits) ?? 0)
        }
        return nil
    }

    /// The frame numbers present on disk, sorted.
    public func framesOnDisk() -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.compactMap(frameNumber).sorted()
    }

    /// The frame number in `name`, when it matches this pattern.
    func frameNumber(_ name: String) -> Int? {
        guard name.hasPrefix(prefix), name.hasSuffix(suffix), name.count > prefix.count + suffix.count else { return nil }
        let digits = name.dropFirst(prefix.count).dropLast(suffix.count)
        guard digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), padding == 0 || digits.count >= padding else { return nil }
        return Int(digits)
    }

    /// The largest `<prefix><digits>.exr` sequence in `folder` (a version folder holds one).
    public static func find(in folder: URL) -> SequencePattern? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var groups: [String: (padding: Int, count: Int)] = [:]
        for name in names where name.hasSuffix(".exr") && !name.hasPrefix(".") {
            let stem = name.dropLast(4)
            let digits = stem.reversed().prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { continue }
            let prefix = String(stem.dropLast(digits.count))
            let entry = groups[prefix] ?? (digits.count, 0)
            groups[prefix] = (min(entry.padding, digits.count), entry.count + 1)
        }
        guard let best = groups.max(by: { $0.value.count < $1.value.count || ($0.value.count == $1.value.count && $0.key > $1.key) }) else { return nil }
        return SequencePattern(folder: folder, prefix: best.key, suffix: ".exr", padding: best.value.padding)
    }
}
