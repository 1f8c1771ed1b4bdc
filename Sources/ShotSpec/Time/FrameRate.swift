/// A rational frame rate such as 24/1 or 24000/1001.
public struct FrameRate: Sendable, Hashable, Codable, CustomStringConvertible {
    public let numerator: Int
    public let denominator: Int

    /// Nil unless both terms are positive and, once reduced, at most `SpecLimits.maxFrameRateTerm`,
    /// which keeps every frames × denominator product in planning and timecode far from overflow.
    public init?(numerator: Int, denominator: Int) {
        guard numerator > 0, denominator > 0 else { return nil }
        let g = Self.gcd(numerator, denominator)
        guard numerator / g <= SpecLimits.maxFrameRateTerm, denominator / g <= SpecLimits.maxFrameRateTerm else { return nil }
        self.numerator = numerator / g
        self.denominator = denominator / g
    }

    private enum CodingKeys: String, CodingKey { case numerator, denominator }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let n = try container.decode(Int.self, forKey: .numerator), d = try container.decode(Int.self, forKey: .denominator)
        guard let rate = FrameRate(numerator: n, denominator: d) else {
            throw DecodingError.dataCorruptedError(forKey: .numerator, in: container, debugDescription: "\(n)/\(d) is not a frame rate")
        }
        self = rate
    }

    /// Frames per second as a real number.
    public var value: Double { Double(numerator) / Double(denominator) }

    /// `24`, `24000/1001`
    public var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }

    /// The rate rounded to whole frames, as timecode counts (24000/1001 → 24).
    public var timecodeBase: Int { max(1, Int(value.rounded())) }

    /// NTSC-style rates (x000/1001) whose 29.97/59.94 timecode uses drop-frame counting.
    public var isDropFrameCandidate: Bool { denominator == 1001 && (timecodeBase == 30 || timecodeBase == 60) }

    /// Seconds from the first frame to frame offset `n`.
    public func seconds(frames n: Int) -> Double { Double(n) * Double(denominator) / Double(numerator) }

    /// Parses `24`, `24000/1001`, `23.976`, `29.97`, `59.94` (decimal NTSC rates become x000/1001).
    public static func parse(_ text: String) -> FrameRate? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let slash = trimmed.firstIndex(of: "/") {
            let numerator = trimmed[..<slash].trimmingCharacters(in: .whitespaces)
            let denominator = trimmed[trimmed.index(after: slash)...].trimmingCharacters(in: .whitespaces)
            guard let n = Int(numerator), let d = Int(denominator) else { return nil }
            return FrameRate(numerator: n, denominator: d)
        }
        guard let value = Double(trimmed), value.isFinite, value > 0 else { return nil }
        return FrameRate(decimal: value)
    }

    /// A decimal rate: whole numbers stay whole; values within 0.01 of n×1000/1001 become that rational.
    public init?(decimal value: Double) {
        // The bound keeps the Int conversions below from trapping on absurd input.
        guard value.isFinite, value > 0, value <= Double(SpecLimits.maxFrameRateTerm) else { return nil }
        let whole = value.rounded()
        if abs(value - whole) < 1e-9 {
            self.init(numerator: Int(whole), denominator: 1)
            return
        }
        let ntscBase = (value * 1001 / 1000).rounded()
        if ntscBase > 0, abs(value - ntscBase * 1000 / 1001) < 0.01 {
            self.init(numerator: Int(ntscBase) * 1000, denominator: 1001)
            return
        }
        // Any other decimal: keep three decimal places exactly.
        self.init(numerator: Int((value * 1000).rounded()), denominator: 1000)
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}

import Foundation
