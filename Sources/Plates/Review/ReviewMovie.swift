import Color
import Foundation
import ImageCore
import ShotSpec

/// A version's review movie: every frame through one display/view of the ACES config, encoded by
/// ffmpeg with the colour tags of that display (SDR Rec.709/sRGB in H.264 or ProRes 422 HQ, HDR
/// Rec.2100-PQ 1000-nit in 10-bit HEVC with mastering-display metadata), the shot's rational rate
/// and the first frame's timecode. OCIO renders the pixels; ffmpeg only converts RGB to Y'CbCr and encodes.
public struct ReviewMovie: Sendable {
    public enum Codec: String, Sendable, CaseIterable {
        case h264
        case prores
        case hevc
    }

    /// The ITU-T H.273 colour description ffmpeg writes into the stream and container.
    public struct ColourTags: Sendable, Equatable {
        public let primaries: String
        public let transfer: String
        public let matrix: String
    }

    public let display: String
    public let view: String
    public let codec: Codec

    /// The folder inside a version that holds review movies.
    public static let folderName = "review"
    /// Rec.2020 primaries and D65 in units of 0.00002, luminance 1000 nits to 0.0001 nit in units of
    /// 0.0001 cd/m²: the ACES 1.1 1000-nit HDR output (black at 0.0001 nit) on a Rec.2020 display.
    static let masterDisplay = "G(8500,39850)B(6550,2300)R(35400,14600)WP(15635,16450)L(10000000,1)"

    /// Checks that the display has a review encoding and the codec can carry it.
    public init(display: String, view: String, codec: Codec) throws(PlateError) {
        guard let tags = Self.tags(display: display) else {
            throw .unsupported(path: "output.review.display", reason: "no review movie for display '\(display)'; use sRGB - Display, Rec.1886 Rec.709 - Display or Rec.2100-PQ - Display")
        }
        let hdr = tags.transfer == "smpte2084"
        if hdr != (codec == .hevc) {
            throw .unsupported(path: "output.review.codec", reason: hdr
                ? "HDR (\(display)) needs 10-bit HEVC: codec hevc"
                : "codec hevc is for Rec.2100-PQ - Display; SDR displays use h264 or prores")
        }
        self.display = display
        self.view = view
        self.codec = codec
    }

    /// The colour tags of a display colour space of the ACES CG config, or nil when it has no review encoding.
    public static func tags(display: String) -> ColourTags? {
        switch display {
        case "sRGB - Display": return ColourTags(primaries: "bt709", transfer: "iec61966-2-1", matrix: "bt709")
        case "Rec.1886 Rec.709 - Display": return ColourTags(primaries: "bt709", transfer: "bt709", matrix: "bt709")
        case "Rec.2100-PQ - Display": return ColourTags(primaries: "bt2020", transfer: "smpte2084", matrix: "bt2020nc")
        default: return nil
        }
    }

    /// `review/<baseName>.<slug>.mov`.
    public func relativePath(_ sequence: PlateSequence) -> String {
        "\(Self.folderName)/\(sequence.baseName).\(slug).mov"
    }

    /// Display and view with spaces and punctuation folded to `_`, for file names.
    public var slug: String { AMFSidecar.slug(display: display, view: view) }

    /// ffmpeg's arguments: raw 16-bit RGB frames on stdin, the movie at `output`.
    public func ffmpegArguments(width: Int, height: Int, sequence: PlateSequence, output: String) -> [String] {
        let tags = Self.tags(display: display)!
        let timecode = Timecode(frame: sequence.frames.first, rate: sequence.fps).description
        var args = [
            "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb48le", "-s", "\(width)x\(height)", "-framerate", sequence.fps.description, "-i", "-",
            // Y'CbCr with the display's matrix, video range, full chroma precision; even size for 4:2:0.
            // setparams tags the frames too: ProRes writes the frames' tags, not the stream options.
            "-vf", "crop=trunc(iw/2)*2:trunc(ih/2)*2,scale=out_color_matrix=\(tags.matrix == "bt2020nc" ? "bt2020" : tags.matrix):out_range=tv:flags=accurate_rnd+full_chroma_int"
                + ",setparams=color_primaries=\(tags.primaries):color_trc=\(tags.transfer):colorspace=\(tags.matrix):range=tv",
            "-color_primaries", tags.primaries, "-color_trc", tags.transfer, "-colorspace", tags.matrix, "-color_range", "tv",
            "-timecode", timecode, "-r", sequence.fps.description,
        ]
        switch codec {
        case .h264:
            args += ["-c:v", "libx264", "-preset", "medium", "-crf", "14", "-pix_fmt", "yuv420p", "-profile:v", "high"]
        case .prores:
            args += ["-c:v", "prores_ks", "-profile:v", "3", "-pix_fmt", "yuv422p10le", "-vendor", "apl0"]
        case .hevc:
            args += [
                "-c:v", "libx265", "-preset", "medium", "-crf", "12", "-pix_fmt", "yuv420p10le", "-tag:v", "hvc1",
                "-x265-params", "log-level=error:hdr10=1:repeat-headers=1:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:range=limited:master-display=\(Self.masterDisplay)",
            ]
        }
        return args + ["-metadata", "comment=SceneFarm review: \(view) on \(display)", output]
    }

    /// Renders every frame of `sequence` from `folder` through the config's display/view and encodes
    /// `folder/review/…mov`; returns its path relative to `folder`.
    @discardableResult
    public func write(_ sequence: PlateSequence, in folder: URL, config: ColorConfig, ffmpeg: String = "ffmpeg") throws(PlateError) -> String {
        try write(sequence, in: folder, config: config, ffmpeg: ffmpeg) { frame throws(PlateError) in
            try PlateReader.read(folder.appendingPathComponent(sequence.frameName(frame)).path).image
        }
    }

    /// As `write(_:in:config:ffmpeg:)`, with the plate frames from `read` (the publish task reads
    /// accepted frames from wherever the farm left them).
    @discardableResult
    public func write(_ sequence: PlateSequence, in folder: URL, config: ColorConfig, ffmpeg: String = "ffmpeg",
                      read: (Int) throws(PlateError) -> RGBAImage) throws(PlateError) -> String {
        let processor: ColorProcessor
        do {
            processor = try config.displayProcessor(from: sequence.colorspace, display: display, view: view)
        } catch {
            throw .unsupported(path: config.source, reason: "cannot build the review display transform: \(error.description)")
        }
        let relative = relativePath(sequence)
        let output = folder.appendingPathComponent(relative)
        do {
            try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw .notWritable(path: output.deletingLastPathComponent().path, reason: error.localizedDescription)
        }
        var encoder: FFmpegPipe?
        for frame in sequence.frames.first...sequence.frames.last {
            var image = try read(frame)
            do {
                try processor.apply(&image)
            } catch {
                throw .unsupported(path: "review", reason: error.description)
            }
            if encoder == nil {
                encoder = try FFmpegPipe(ffmpeg, arguments: ffmpegArguments(width: image.width, height: image.height, sequence: sequence, output: output.path))
            }
            try encoder?.write(Self.quantize16(image))
        }
        try encoder?.finish()
        return relative
    }

    /// Display-referred RGBA → packed little-endian 16-bit RGB, as `ProxyRenderer.quantize` clamps and rounds.
    public static func quantize16(_ image: RGBAImage) -> Data {
        ProxyRenderer.quantize(image, as: UInt16.self).map(\.littleEndian).withUnsafeBufferPointer { Data(buffer: $0) }
    }
}
