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
    /// Runs of frame numbers between the first and last on disk that are absent, in order. Kept as
    /// ranges: frames 1 and 2000000000 make one gap, not two billion numbers.
    public let missing: [ClosedRange<Int>]

    /// How many frames the gaps hold.
    public var missingCount: Int { missing.reduce(0) { $0 + $1.count } }

    public var first: Int? { frames.first?.frame }
    public var last: Int? { frames.last?.frame }
    public var nanCount: Int { frames.reduce(0) { $0 + $1.nanCount } }
    public var infCount: Int { frames.reduce(0) { $0 + $1.infCount } }

    /// Reads every frame of `pattern` on disk.
    public static func read(_ pattern: SequencePattern) throws(PlateError) -> SequenceInspection {
        let numbers = pattern.framesOnDisk()
        guard !numbers.isEmpty else {
            throw .io(path: pattern.display, message: "no frames match")
        }
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
        return SequenceInspection(pattern: pattern, frames: summaries, missing: gaps(numbers))
    }

    /// The runs absent between consecutive numbers of the sorted `numbers`.
    static func gaps(_ numbers: [Int]) -> [ClosedRange<Int>] {
        zip(numbers, numbers.dropFirst()).compactMap { earlier, later in later - earlier > 1 ? (earlier + 1)...(later - 1) : nil }
    }

    /// The report: range, missing frames, per-frame lines.
    public var text: String {
        var lines = [pattern.display]
        if let first, let last {
            lines.append("  frames: \(first)–\(last), \(frames.count) on disk, \(missingCount) missing")
        }
        if !missing.isEmpty { lines.append("  missing: " + missing.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)–\($0.upperBound)" }.joined(separator: ", ")) }
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
}
