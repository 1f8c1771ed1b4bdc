import Foundation

/// `scenefarm inspect --json`: the report as one JSON document, for a pipeline's QC scripts. The
/// same facts as the text; a value with no finite sample behind it (the mean of an all-NaN
/// channel) is `null`. Docs/compositing.md lists the fields.
public enum InspectionJSON {
    /// The document for `report`: pretty-printed, keys sorted, ending in a newline.
    public static func document(_ report: PlateInspector.Report) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        switch report {
        case .file(let frame): data = try encoder.encode(FileDocument(frame))
        case .sequence(let sequence): data = try encoder.encode(SequenceDocument(sequence))
        }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    struct FileDocument: Encodable {
        let kind = "file"
        let path: String
        let width: Int
        let height: Int
        let dataWindow: [String: [Int32]]
        let compression: String?
        let channels: [Channel]
        let attributes: [String: Attribute]
        let statistics: [Row]
        let nanCount: Int
        let infCount: Int

        init(_ frame: FrameInspection) {
            path = frame.path
            width = frame.width
            height = frame.height
            dataWindow = ["min": [frame.dataWindow.min.x, frame.dataWindow.min.y], "max": [frame.dataWindow.max.x, frame.dataWindow.max.y]]
            compression = frame.compression?.rawValue
            channels = frame.channels.map { Channel(name: $0.name, type: $0.type) }
            attributes = frame.attributes.mapValues(Attribute.init)
            statistics = frame.stats.map { Row(.channel($0.name), min: $0.min, max: $0.max, mean: $0.mean, nanCount: $0.nanCount, infCount: $0.infCount) }
            nanCount = frame.nanCount
            infCount = frame.infCount
        }
    }

    struct SequenceDocument: Encodable {
        let kind = "sequence"
        let pattern: String
        let first: Int?
        let last: Int?
        let onDisk: Int
        /// `[first, last]` of each gap.
        let missing: [[Int]]
        let missingCount: Int
        let damaged: [Damaged]
        let formats: [Group]
        let compressions: [Group]
        let nanCount: Int
        let infCount: Int
        let frames: [Row]

        init(_ s: SequenceInspection) {
            pattern = s.pattern.display
            first = s.first
            last = s.last
            onDisk = s.onDisk
            missing = pairs(s.missing)
            missingCount = s.missingCount
            damaged = s.damaged.map { Damaged(frame: $0.frame, error: $0.error.description) }
            formats = s.layouts.map { Group(value: $0.value, frames: pairs(SequenceInspection.runsOf($0.frames))) }
            compressions = s.compressions.map { Group(value: $0.value, frames: pairs(SequenceInspection.runsOf($0.frames))) }
            nanCount = s.nanCount
            infCount = s.infCount
            frames = s.frames.map { Row(.frame($0.frame), min: $0.min, max: $0.max, mean: $0.mean, nanCount: $0.nanCount, infCount: $0.infCount) }
        }
    }

    struct Channel: Encodable {
        let name: String
        let type: String
    }

    /// One row of statistics: a channel's (a file) or a frame's (a sequence). `min`, `max` and
    /// `mean` are written as `null` when no finite sample is behind them, never left out.
    struct Row: Encodable {
        enum Label {
            case channel(String)
            case frame(Int)
        }

        let label: Label
        let min: Double?
        let max: Double?
        let mean: Double?
        let nanCount: Int
        let infCount: Int

        init(_ label: Label, min: Float, max: Float, mean: Double, nanCount: Int, infCount: Int) {
            self.label = label
            self.min = finite(min)
            self.max = finite(max)
            self.mean = finite(mean)
            self.nanCount = nanCount
            self.infCount = infCount
        }

        enum CodingKeys: String, CodingKey { case channel, frame, min, max, mean, nanCount, infCount }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch label {
            case .channel(let name): try container.encode(name, forKey: .channel)
            case .frame(let frame): try container.encode(frame, forKey: .frame)
            }
            try container.encode(min, forKey: .min)
            try container.encode(max, forKey: .max)
            try container.encode(mean, forKey: .mean)
            try container.encode(nanCount, forKey: .nanCount)
            try container.encode(infCount, forKey: .infCount)
        }
    }

    struct Damaged: Encodable {
        let frame: Int
        let error: String
    }

    /// Frames sharing one format (size and channels) or one compression, as `[first, last]` runs.
    struct Group: Encodable {
        let value: String
        let frames: [[Int]]
    }

    /// A header attribute: strings and numbers as themselves, everything else as the text
    /// report words it.
    enum Attribute: Encodable {
        case string(String)
        case number(Double?)
        case text(String)

        init(_ attribute: ExrAttribute) {
            switch attribute {
            case .string(let s): self = .string(s)
            case .int(let i): self = .number(Double(i))
            case .float(let f): self = .number(finite(f))
            case .double(let d): self = .number(finite(d))
            default: self = .text(FrameInspection.describe(attribute))
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let s), .text(let s): try container.encode(s)
            case .number(let n): if let n { try container.encode(n) } else { try container.encodeNil() }
            }
        }
    }
}

/// Each range as `[first, last]`.
private func pairs(_ ranges: [ClosedRange<Int>]) -> [[Int]] { ranges.map { [$0.lowerBound, $0.upperBound] } }

/// `value`, or nil where JSON has no number for it (NaN, ±infinity).
private func finite(_ value: Float) -> Double? { value.isFinite ? Double(value) : nil }
private func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }
