import Foundation
import ShotSpec

/// A published frame sequence as the sidecars describe it: where the frames will live once the
/// version is published, how they are named, their range, rate and colour space.
public struct PlateSequence: Sendable, Equatable {
    /// The published version folder (not the staging folder the files are written into).
    public let folder: URL
    /// `<shot>_<plate>_<version>`; frames are `<baseName>.<frame:04d>.exr`.
    public let baseName: String
    public let frames: FrameRange
    public let fps: FrameRate
    /// The plates' OCIO colour space (canonical name).
    public let colorspace: String
    /// Zero padding of the frame number in file names.
    public let padding: Int

    public init(folder: URL, baseName: String, frames: FrameRange, fps: FrameRate, colorspace: String, padding: Int = PlateLayout.framePadding) {
        self.folder = folder.standardizedFileURL
        self.baseName = baseName
        self.frames = frames
        self.fps = fps
        self.colorspace = colorspace
        self.padding = padding
    }

    /// The sequence of `version` in `layout`, described at its published location.
    public init(layout: PlateLayout, version: Int, frames: FrameRange, fps: FrameRate, colorspace: String) {
        self.init(folder: layout.versionFolder(version), baseName: layout.baseName(version: version), frames: frames, fps: fps, colorspace: colorspace)
    }

    /// `<baseName>.1001.exr`
    public func frameName(_ frame: Int) -> String {
        Self.frameName(baseName: baseName, frame: frame, padding: padding)
    }

    /// The one place the frame file naming rule lives.
    static func frameName(baseName: String, frame: Int, padding: Int) -> String {
        "\(baseName).\(String(format: "%0\(padding)d", frame)).exr"
    }

    /// `<baseName>.####.exr`, the pattern Nuke, AMF and `scenefarm inspect` understand.
    public var hashPattern: String { "\(baseName).\(String(repeating: "#", count: padding)).exr" }
}
