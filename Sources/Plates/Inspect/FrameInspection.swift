import COpenEXR
import Foundation
import ShotSpec

/// What `scenefarm inspect` reports for one EXR file: its header and per-channel statistics.
public struct FrameInspection: Sendable {
    public let path: String
    public let width: Int
    public let height: Int
    public let dataWindow: (min: SIMD2<Int32>, max: SIMD2<Int32>)
    public let channels: [ExrImage.Channel]
    public let compression: Compression?
    public let attributes: [String: ExrAttribute]
    /// Statistics of the R, G, B and A channels the file holds (other channels are listed, not decoded).
    public let stats: [ChannelStats]

    public init(_ exr: ExrImage) {
        path = exr.path
        width = exr.width
        height = exr.height
        dataWindow = exr.dataWindow
        channels = exr.channels
        compression = exr.compression
        attributes = exr.attributes
        let slots = ["R": 0, "G": 1, "B": 2, "A": 3]
        let present = Set(exr.channels.map(\.name))
        stats = ["R", "G", "B", "A"].filter(present.contains).map { ChannelStats.of(exr.image, slot: slots[$0] ?? 0, name: $0) }
    }

    /// Reads and inspects the file at `path`, holding our decoder to OpenEXR's own: a file either
    /// refuses, or reads differently, is reported as damaged.
    public static func read(_ path: String) throws(PlateError) -> FrameInspection {
        let exr = try PlateReader.read(path)
        try PlateReader.verifyWithOpenEXR(exr)
        return FrameInspection(exr)
    }

    public var nanCount: Int { stats.reduce(0) { $0 + $1.nanCount } }
    public var infCount: Int { stats.reduce(0) { $0 + $1.infCount } }

    /// The full report: header, channels, statistics.
    public var text: String {
        var lines = ["\(path)", "  size: \(width)x\(height), data window (\(dataWindow.min.x), \(dataWindow.min.y)) – (\(dataWindow.max.x), \(dataWindow.max.y))",
                     "  compression: \(compression?.rawValue ?? "unknown")",
                     "  channels: " + channels.map { "\($0.name) (\($0.type))" }.joined(separator: ", "),
                     "  attributes:"]
        for name in attributes.keys.sorted() {
            // Names and strings come from the file: escaped, so they cannot drive the terminal.
            if let value = attributes[name] { lines.append("    \(SpecField.escaped(name)): \(Self.describe(value))") }
        }
        lines.append("  statistics:")
        for s in stats {
            lines.append("    \(s.name): min \(Self.number(s.min)) max \(Self.number(s.max)) mean \(Self.number(s.mean)) NaN \(s.nanCount) Inf \(s.infCount)")
        }
        return lines.joined(separator: "\n")
    }

    /// A header value as text, in the units the EXR standard gives it.
    public static func describe(_ attribute: ExrAttribute) -> String {
        switch attribute {
        case .string(let s): return "\"\(SpecField.escaped(s))\""
        case .int(let i): return "\(i)"
        case .float(let f): return "\(f)"
        case .double(let d): return "\(d)"
        case .v2f(let v): return "(\(v.x), \(v.y))"
        case .chromaticities(let c):
            return "red (\(c.red.x), \(c.red.y)) green (\(c.green.x), \(c.green.y)) blue (\(c.blue.x), \(c.blue.y)) white (\(c.white.x), \(c.white.y))"
        case .rational(let n, let d): return "\(n)/\(d)"
        case .timecode(let packed, _): return timecode(packed)
        case .box2i(let lo, let hi): return "(\(lo.x), \(lo.y)) – (\(hi.x), \(hi.y))"
        case .compression(let c): return PlateReader.compression(from: exr_compression_t(rawValue: UInt32(c)))?.rawValue ?? "code \(c)"
        case .lineOrder(let o):
            let names = ["increasing y", "decreasing y", "random y"]
            return Int(o) < names.count ? names[Int(o)] : "code \(o)"
        case .other(let type): return "<\(SpecField.escaped(type))>"
        }
    }

    /// SMPTE 12M packed BCD time → `hh:mm:ss:ff` (`;` before frames when drop-frame).
    static func timecode(_ packed: UInt32) -> String {
        func bcd(_ shift: UInt32, _ tensMask: UInt32) -> Int {
            Int((packed >> shift) & 0xF) + 10 * Int((packed >> (shift + 4)) & tensMask)
        }
        let frames = bcd(0, 0x3), seconds = bcd(8, 0x7), minutes = bcd(16, 0x7), hours = bcd(24, 0x3)
        let drop = (packed >> 6) & 1 == 1
        let two = { (n: Int) in String(format: "%02d", n) }
        return "\(two(hours)):\(two(minutes)):\(two(seconds))\(drop ? ";" : ":")\(two(frames))"
    }

    static func number(_ value: Float) -> String { number(Double(value)) }
    static func number(_ value: Double) -> String { value.isNaN ? "n/a" : String(format: "%.6g", value) }
}
