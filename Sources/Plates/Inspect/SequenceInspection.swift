import Foundation

/// What `scenefarm inspect` reports for a sequence: range, gaps, and a line of statistics per frame.
public struct SequenceInspection: Sendable {
    /// One frame's summary: RGB extremes and mean, NaN/Inf counts over all channels.
    public struct FrameSummary: Sendable {
        public let frame: Int
        public let min: Float
        public let max: Float
        public let mean: Double
        public let nanCount: Int
        public let infCount: Int
    }

    public let pattern: SequencePattern
    public let frames: [FrameSummary]
    /// Frame numbers between the first and last on disk that are absent.
    public let missing: [Int]

    public var first: Int? { frames.first?.frame }
    public var last: Int? { frames.last?.frame }
    public var nanCount: Int { frames.reduce(0) { $0 + $1.nanCount } }
    public var infCount: Int { frames.reduce(0) { $0 + $1.infCount } }

    /// Reads every frame of `pattern` on disk.
    public static func read(_ pattern: SequencePattern) throws(PlateError) -> SequenceInspection {
        let numbers = pattern.framesOnDisk()
        guard let first = numbers.first, let last = numbers.last else {
            throw .io(path: pattern.display, message: "no frames match")
        }
        let present = Set(numbers)
        var summaries: [FrameSummary] = []
        for n in numbers {
            let frame = try FrameInspection.read(pattern.path(n))
            let colour = frame.stats.filter { $0.name != "A" }
            let finite = colour.reduce(0) { $0 + $1.finiteCount }
            let mean = finite > 0 ? colour.reduce(0.0) { $0 + $1.mean * Double($1.finiteCount) } / Double(finite) : .nan
            summaries.append(FrameSummary(
                frame: n, min: colour.map(\.min).filter { !$0.isNaN }.min() ?? .nan, max: colour.map(\.max).filter { !$0.isNaN }.max() ?? .nan,
                mean: mean, nanCount: frame.nanCount, infCount: frame.infCount))
        }
        return SequenceInspection(pattern: pattern, frames: summaries, missing: (first...last).filter { !present.contains($0) })
    }

    /// The report: range, missing frames, per-frame lines.
    public var text: String {
        var lines = [pattern.display]
        if let first, let last {
            lines.append("  frames: \(first)–\(last), \(frames.count) on disk, \(missing.count) missing")
        }
        if !missing.isEmpty { lines.append("  missing: " + Self.ranges(missing)) }
        lines.append("  NaN: \(nanCount), Inf: \(infCount)")
        lines.append("  frame          min          max         mean    NaN    Inf")
        for f in frames {
            let columns = [String(f.frame), FrameInspection.number(f.min), FrameInspection.number(f.max), FrameInspection.number(f.mean),
                           String(f.nanCount), String(f.infCount)]
            let widths = [7, 13, 13, 13, 7, 7]
            lines.append(zip(columns, widths).map { String(repeating: " ", count: max(0, $1 - $0.count)) + $0 }.joined())
        }
        return lines.joined(separator: "\n")
    }

    /// `1003, 1010–1012`
    static func ranges(_ numbers: [Int]) -> String {
        var parts: [String] = []
        var start = numbers.first ?? 0, previous = start
        for n in numbers.dropFirst() + [Int.min] {
            if n == previous + 1 {
                previous = n
                continue
            }
            parts.append(start == previous ? "\(start)" : "\(start)–\(previous)")
            start = n
            previous = n
        }
        return numbers.isEmpty ? "" : parts.joined(separator: ", ")
    }
}
