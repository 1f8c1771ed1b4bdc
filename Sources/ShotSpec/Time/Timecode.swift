/// SMPTE timecode for a frame count at a frame rate (drop-frame for 29.97 and 59.94).
public struct Timecode: Sendable, Hashable, CustomStringConvertible {
    public let hours: Int
    public let minutes: Int
    public let seconds: Int
    public let frames: Int
    public let dropFrame: Bool

    /// Timecode of `frame` frames since 00:00:00:00.
    public init(frame: Int, rate: FrameRate) {
        let base = rate.timecodeBase
        var n = max(0, frame)
        dropFrame = rate.isDropFrameCandidate
        if dropFrame {
            // Drop 2 (or 4 at 60) frame numbers each minute except every tenth minute.
            let drop = base / 15
            let perTenMinutes = base * 600 - drop * 9
            let perMinute = base * 60 - drop
            let tens = n / perTenMinutes
            let rest = n % perTenMinutes
            n += drop * 9 * tens
            if rest > drop { n += drop * ((rest - drop) / perMinute) }
        }
        frames = n % base
        seconds = (n / base) % 60
        minutes = (n / (base * 60)) % 60
        hours = (n / (base * 3600)) % 24
    }

    /// `01:00:00:00`, or `01:00:00;00` for drop-frame.
    public var description: String {
        let sep = dropFrame ? ";" : ":"
        return String(format: "%02d:%02d:%02d\(sep)%02d", hours, minutes, seconds, frames)
    }

    /// The SMPTE 12M packed BCD time-and-flags word, as OpenEXR's `timeCode` attribute stores it.
    public var packedTimeAndFlags: UInt32 {
        func bcd(_ v: Int) -> UInt32 { UInt32((v / 10) << 4 | (v % 10)) }
        var word = bcd(frames) | (bcd(seconds) << 8) | (bcd(minutes) << 16) | (bcd(hours) << 24)
        if dropFrame { word |= 1 << 6 }
        return word
    }
}

import Foundation
