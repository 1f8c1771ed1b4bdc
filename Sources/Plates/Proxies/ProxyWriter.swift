import Foundation
import ImageCore
import ShotSpec

/// Writes a version's sRGB proxies (`proxy/<baseName>.<frame>.png|jpg`) and its contact sheet
/// (`proxy/<baseName>.contact.png`) from the EXR frames in a folder.
public struct ProxyWriter: Sendable {
    /// What one run wrote, paths relative to the version folder.
    public struct Result: Sendable, Equatable {
        public var proxies: [String]
        public var contactSheet: String?
    }

    public static let folderName = "proxy"

    public let renderer: ProxyRenderer
    public let format: ProxyFormat
    /// Every Nth frame from the first gets a proxy.
    public let every: Int
    /// Thumbnail width on the contact sheet.
    public let thumbnailWidth: Int

    public init(renderer: ProxyRenderer, format: ProxyFormat, every: Int = 1, thumbnailWidth: Int = 240) {
        self.renderer = renderer
        self.format = format
        self.every = max(1, every)
        self.thumbnailWidth = thumbnailWidth
    }

    /// The frames that get proxies: the first, then every `every`th.
    public func proxiedFrames(of frames: FrameRange) -> [Int] {
        Array(stride(from: frames.first, through: frames.last, by: every))
    }

    /// `<baseName>.1001.png` (or `.jpg`).
    public func proxyName(_ sequence: PlateSequence, frame: Int) -> String {
        "\(sequence.baseName).\(String(format: "%0\(sequence.padding)d", frame)).\(fileExtension)"
    }

    /// `png` or `jpg`.
    public var fileExtension: String { format == .jpeg ? "jpg" : "png" }

    /// The proxy and the contact-sheet thumbnail of one frame, from its plate pixels: the
    /// thumbnail is box-filtered from the proxy's scene-linear downscale, not from display codes.
    public func render(_ image: RGBAImage) throws(PlateError) -> (proxy: DisplayImage, thumbnail: DisplayImage) {
        let linear = ProxyRenderer.downscale(image, maxWidth: renderer.maxWidth)
        let proxy = try renderer.display(linear)
        return (proxy, try renderer.display(ProxyRenderer.downscale(linear, maxWidth: thumbnailWidth)))
    }

    /// Writes `proxy` in this writer's format.
    public func encode(_ proxy: DisplayImage, to url: URL) throws(PlateError) {
        if format == .jpeg {
            try JPEGEncoder.write(proxy, to: url)
        } else {
            try PNGEncoder.write(proxy, to: url)
        }
    }

    /// The size `render` gives a `width`×`height` frame's thumbnail.
    public func thumbnailSize(width: Int, height: Int) -> (width: Int, height: Int) {
        var size = (width: width, height: height)
        for maxWidth in [renderer.maxWidth, thumbnailWidth] {
            let factor = BoxDownscale.factor(width: size.width, maxWidth: maxWidth)
            size = ((size.width + factor - 1) / factor, (size.height + factor - 1) / factor)
        }
        return size
    }

    /// `<baseName>.contact.png`
    public func contactSheetName(_ sequence: PlateSequence) -> String { "\(sequence.baseName).contact.png" }

    /// Reads the proxied frames of `sequence` from `folder` and writes the proxies and contact sheet
    /// into `folder/proxy/`. Does nothing when the format is `.none`.
    @discardableResult
    public func write(_ sequence: PlateSequence, in folder: URL) throws(PlateError) -> Result {
        guard format != .none else { return Result(proxies: [], contactSheet: nil) }
        let session = try Session(writer: self, sequence: sequence, folder: folder)
        return try session.finish { frame throws(PlateError) in
            try PlateReader.read(folder.appendingPathComponent(sequence.frameName(frame)).path).image
        }
    }

    /// Proxies fed frame by frame, so a caller already reading the plates (the publish task scoring
    /// seams) decodes each frame once; `finish` reads whatever was not fed and writes the sheet.
    public final class Session {
        public let writer: ProxyWriter
        public let sequence: PlateSequence
        /// The frames that get proxies.
        public let frames: Set<Int>
        private let proxyFolder: URL
        private var written: [Int: String] = [:]
        private var thumbnails: [Int: DisplayImage] = [:]

        public init(writer: ProxyWriter, sequence: PlateSequence, folder: URL) throws(PlateError) {
            self.writer = writer
            self.sequence = sequence
            frames = Set(writer.proxiedFrames(of: sequence.frames))
            proxyFolder = folder.appendingPathComponent(ProxyWriter.folderName)
            do {
                try FileManager.default.createDirectory(at: proxyFolder, withIntermediateDirectories: true)
            } catch {
                throw .notWritable(path: proxyFolder.path, reason: error.localizedDescription)
            }
        }

        /// Writes the proxy of `frame` from its plate pixels, if it is a proxied frame not done yet.
        public func add(frame: Int, image: RGBAImage) throws(PlateError) {
            guard frames.contains(frame), written[frame] == nil else { return }
            let (proxy, thumbnail) = try writer.render(image)
            let name = writer.proxyName(sequence, frame: frame)
            try writer.encode(proxy, to: proxyFolder.appendingPathComponent(name))
            written[frame] = "\(ProxyWriter.folderName)/\(name)"
            thumbnails[frame] = thumbnail
        }

        /// Takes the proxy of `frame` that a frame-writing task already encoded (`file`, the same
        /// bytes `add` would write) and its thumbnail: a hard link where the file system allows,
        /// else a copy, so publish neither decodes the plate nor re-encodes the proxy.
        public func adopt(frame: Int, file: URL, thumbnail: DisplayImage) throws(PlateError) {
            guard frames.contains(frame), written[frame] == nil else { return }
            let name = writer.proxyName(sequence, frame: frame)
            let url = proxyFolder.appendingPathComponent(name)
            if link(file.path, url.path) != 0 {
                do {
                    try FileManager.default.copyItem(at: file, to: url)
                } catch {
                    throw .io(path: url.path, message: "cannot take the proxy \(file.path): \(error.localizedDescription)")
                }
            }
            written[frame] = "\(ProxyWriter.folderName)/\(name)"
            thumbnails[frame] = thumbnail
        }

        /// Proxies the frames not fed yet (read with `read`), then writes the contact sheet in frame order.
        public func finish(read: (Int) throws(PlateError) -> RGBAImage) throws(PlateError) -> Result {
            for frame in frames.sorted() where written[frame] == nil {
                try add(frame: frame, image: try read(frame))
            }
            let order = frames.sorted()
            let sheetName = writer.contactSheetName(sequence)
            // The sheet is the one proxy file publish still encodes, alone, after the last frame.
            try PNGEncoder.write(ContactSheet.compose(order.compactMap { thumbnails[$0] }), to: proxyFolder.appendingPathComponent(sheetName), level: PNGEncoder.fastLevel)
            return Result(proxies: order.compactMap { written[$0] }, contactSheet: "\(ProxyWriter.folderName)/\(sheetName)")
        }
    }
}
