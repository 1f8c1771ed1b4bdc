import Foundation
import ShotSpec

/// The per-frame header content of a plate: timing, provenance and `scenefarm/…` strings.
public struct FrameMetadata: Sendable, Equatable {
    public var frameNumber: Int
    public var fps: FrameRate
    /// SMPTE timecode of this frame (by default the frame number counted from 00:00:00:00).
    public var timecode: Timecode
    public var owner: String
    public var comments: String
    /// EXR `capDate` format, `YYYY:MM:DD hh:mm:ss`.
    public var capDate: String
    /// Extra string attributes, written as given (keys like `scenefarm/shot`).
    public var strings: [String: String]

    public init(frameNumber: Int, fps: FrameRate, owner: String, comments: String, capDate: Date, strings: [String: String]) {
        self.frameNumber = frameNumber
        self.fps = fps
        self.timecode = Timecode(frame: frameNumber, rate: fps)
        self.owner = owner
        self.comments = comments
        self.capDate = Self.exrDate(capDate)
        self.strings = strings
    }

    /// `2026:11:26 12:00:00`, in UTC, as the EXR standard attribute wants.
    public static func exrDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy:MM:dd HH:mm:ss"
        return formatter.string(from: date)
    }
}

/// How plates are encoded: fixed for a task, so a `PlateWriter` is built once and reused.
public struct PlateFormat: Sendable, Equatable {
    public var colorspace: String
    public var compression: Compression
    public var dwaLevel: Double
    public var bitDepth: BitDepth
    public var channels: ChannelSet
    /// Strict SMPTE ST 2065-4: uncompressed scanline half, AP0, `acesImageContainerFlag`.
    public var acesContainer: Bool

    public init(colorspace: String, compression: Compression = .piz, dwaLevel: Double = 45, bitDepth: BitDepth = .half,
                channels: ChannelSet = .rgba, acesContainer: Bool = false) {
        self.colorspace = colorspace
        self.compression = compression
        self.dwaLevel = dwaLevel
        self.bitDepth = bitDepth
        self.channels = channels
        self.acesContainer = acesContainer
    }

    public init(output: OutputSpec, colorspace: String) {
        self.init(colorspace: colorspace, compression: output.compression, dwaLevel: output.dwaLevel, bitDepth: output.bitDepth,
                  channels: output.channels, acesContainer: output.acesContainer)
    }

    /// Scratch format for intermediate frames (blend inputs): lossless float.
    public static let intermediate = PlateFormat(colorspace: "ACEScg", compression: .zip, bitDepth: .float, channels: .rgba)
}
