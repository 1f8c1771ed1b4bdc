import Foundation
import ShotSpec

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
        /// Size and channels (`960x540, R half, G half, B half`): a sequence whose frames differ
        /// here is not one plate.
        public let layout: String
        /// The compression's name.
        public let compression: String
    }

    /// A frame on disk that could not be read: what the reader said about it.
    public struct DamagedFrame: Sendable {
        public let frame: Int
        public let error: PlateError
    }

    public let pattern: SequencePattern
    /// The frames that read, in order.
    public let frames: [FrameSummary]
    /// The frames on disk that did not read (damaged, unreadable, beyond the limits), in order. The
    /// rest of the sequence is still read, so one report names every frame to render again.
    public let damaged: [DamagedFrame]
    /// Runs of frame numbers between the first and last on disk that are absent, in order. Kept as
    /// ranges: frames 1 and 2000000000 make one gap, not two billion numbers.
    public let missing: [ClosedRange<Int>]
    /// The first and last frame numbers on disk, read or not.
    public let first: Int?
    public let last: Int?

    /// How many frames are on disk, read or damaged.
    public var onDisk: Int { frames.count + damaged.count }

    /// How many frames the gaps hold.
    public var missingCount: Int { missing.reduce(0) { $0 + $1.count } }

    /// The frames of each layout (size and channels), the commonest first: more than one means
    /// the frames do not make one plate.
    public var layouts: [(value: String, frames: [Int])] { Self.grouped(frames, by: \.layout) }
    /// The frames of each compression, the commonest first (a mix reads, so it is reported only).
    public var compressions: [(value: String, frames: [Int])] { Self.grouped(frames, by: \.compression) }

    public var nanCount: Int { frames.reduce(0) { $0 + $1.nanCount } }
    public var infCount: Int { frames.reduce(0) { $0 + $1.infCount } }

    /// Reads every frame of `pattern` on disk. A frame that does not read is recorded in `damaged`
    /// and the others are still read.
    public static func read(_ pattern: SequencePattern) throws(PlateError) -> SequenceInspection {
        let numbers = pattern.framesOnDisk()
        guard !numbers.isEmpty else {
            throw .io(path: pattern.display, message: "no frames match")
        }
        var summaries: [FrameSummary] = []
        var damaged: [DamagedFrame] = []
        for n in numbers {
            let frame: FrameInspection
            do {
                frame = try FrameInspection.read(pattern.path(n))
            } catch {
                damaged.append(DamagedFrame(frame: n, error: error))
                continue
            }
            let colour = frame.stats.filter { $0.name != "A" }
            let finite = colour.reduce(0) { $0 + $1.finiteCount }
            let mean = finite > 0 ? colour.reduce(0.0) { $0 + $1.mean * Double($1.finiteCount) } / Double(finite) : .nan
            summaries.append(FrameSummary(
                frame: n, min: colour.map(\.min).filter { !$0.isNaN }.min() ?? .nan, max: colour.map(\.max).filter { !$0.isNaN }.max() ?? .nan,
                mean: mean, nanCount: frame.nanCount, infCount: frame.infCount,
                layout: "\(frame.width)x\(frame.height), " + frame.channels.map { "\(SpecField.escaped($0.name)) \($0.type)" }.joined(separator: ", "),
                compression: frame.compression?.rawValue ?? "unknown"))
        }
        return SequenceInspection(pattern: pattern, frames: summaries, damaged: damaged, missing: gaps(numbers), first: numbers.first, last: numbers.last)
    }

    /// The runs absent between consecutive numbers of the sorted `numbers`.
    static func gaps(_ numbers: [Int]) -> [ClosedRange<Int>] {
        zip(numbers, numbers.dropFirst()).compactMap { earlier, later in later - earlier > 1 ? (earlier + 1)...(later - 1) : nil }
    }

    /// The report: range, missing frames, per-frame lines.
    public var text: String {
        var lines = [pattern.display]
        if let first, let last {
            lines.append("  frames: \(first)–\(last), \(onDisk) on disk, \(missingCount) missing")
        }
        if !missing.isEmpty { lines.append("  missing: " + Self.runs(missing)) }
        if !damaged.isEmpty {
            lines.append("  damaged: " + Self.runs(Self.runsOf(damaged.map(\.frame))) + " (\(damaged.count) frame\(damaged.count == 1 ? "" : "s"), not read: see the errors)")
        }
        for (name, groups) in [("format", layouts), ("compression", compressions)] where !groups.isEmpty {
            if groups.count == 1 {
                lines.append("  \(name): \(groups[0].value)")
            } else {
                lines.append("  \(name) differs: " + groups.map { "\($0.value) (\(Self.runs(Self.runsOf($0.frames))))" }.joined(separator: "; "))
            }
        }
        lines.append("  NaN: \(nanCount), Inf: \(infCount)")
        lines.append("  frame          min          max         mean    NaN    Inf")
        // Rows in frame order, a damaged frame's where it falls.
        let rows = frames.map { f in
            (f.frame, Self.row([String(f.frame), FrameInspection.number(f.min), FrameInspection.number(f.max), FrameInspection.number(f.mean),
                                String(f.nanCount), String(f.infCount)], widths: [7, 13, 13, 13, 7, 7]))
        } + damaged.map { ($0.frame, Self.row([String($0.frame), "damaged"], widths: [7, 13])) }
        lines += rows.sorted { $0.0 < $1.0 }.map(\.1)
        return lines.joined(separator: "\n")
    }

    private static func row(_ columns: [String], widths: [Int]) -> String {
        zip(columns, widths).map { String(repeating: " ", count: max(0, $1 - $0.count)) + $0 }.joined()
    }

    /// `1003, 1006–1007`.
    private static func runs(_ ranges: [ClosedRange<Int>]) -> String {
        ranges.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)–\($0.upperBound)" }.joined(separator: ", ")
    }

    /// The frames sharing each value of `key`, the largest group first (ties by first frame).
    private static func grouped(_ frames: [FrameSummary], by key: KeyPath<FrameSummary, String>) -> [(value: String, frames: [Int])] {
        Dictionary(grouping: frames, by: { $0[keyPath: key] })
            .map { (value: $0.key, frames: $0.value.map(\.frame).sorted()) }
            .sorted { ($0.frames.count, -$0.frames[0]) > ($1.frames.count, -$1.frames[0]) }
    }

    /// The runs of consecutive numbers in the sorted `numbers`.
    static func runsOf(_ numbers: [Int]) -> [ClosedRange<Int>] {
        var ranges: [ClosedRange<Int>] = []
        for n in numbers {
            if let last = ranges.last, last.upperBound == n - 1 { ranges[ranges.count - 1] = last.lowerBound...n } else { ranges.append(n...n) }
        }
        return ranges
    }
}
