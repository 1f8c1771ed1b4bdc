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
        "\(sequence.baseName).\(String(format: "%0\(sequence.padding)d", frame)).\(format == .jpeg ? "jpg" : "png")"
    }

    /// `<baseName>.contact.png`
    public func contactSheetName(_ sequence: PlateSequence) -> String { "\(sequence.baseName).contact.png" }

    /// Reads the proxied frames of `sequence` from `folder` and writes the proxies and contact sheet
    /// into `folder/proxy/`. Does nothing when the format is `.none`.
    @discardableResult
    public func write(_ sequence: PlateSequence, in folder: URL) throws(PlateError) -> Result {
        guard format != .none else { return Result(proxies: [], contactSheet: nil) }
        let proxyFolder = folder.appendingPathComponent(Self.folderName)
        do {
            try FileManager.default.createDirectory(at: proxyFolder, withIntermediateDirectories: true)
        } catch {
            throw .notWritable(path: proxyFolder.path, reason: error.localizedDescription)
        }
        var written: [String] = []
        var thumbnails: [DisplayImage] = []
        for frame in proxiedFrames(of: sequence.frames) {
            let plate = try PlateReader.read(folder.appendingPathComponent(sequence.frameName(frame)).path)
            let linear = ProxyRenderer.downscale(plate.image, maxWidth: renderer.maxWidth)
            let proxy = try renderer.display(linear)
            let name = proxyName(sequence, frame: frame)
            let url = proxyFolder.appendingPathComponent(name)
            if format == .jpeg {
                try JPEGEncoder.write(proxy, to: url)
            } else {
                try PNGEncoder.write(proxy, to: url)
            }
            written.append("\(Self.folderName)/\(name)")
            thumbnails.append(try renderer.display(ProxyRenderer.downscale(linear, maxWidth: thumbnailWidth)))
        }
        let sheetName = contactSheetName(sequence)
        try PNGEncoder.write(ContactSheet.compose(thumbnails), to: proxyFolder.appendingPathComponent(sheetName))
        return Result(proxies: written, contactSheet: "\(Self.folderName)/\(sheetName)")
    }
}
