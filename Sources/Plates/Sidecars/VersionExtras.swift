import Color
import Foundation
import ImageCore
import ShotSpec

/// Everything a version carries beside its frames: the OTIO and AMF sidecars and the sRGB proxies
/// with their contact sheet. The publish task writes them into the staging folder, so they appear
/// with the frames in the same rename.
public struct VersionExtras: Sendable {
    public let sequence: PlateSequence
    public let proxyFormat: ProxyFormat
    public let proxyEvery: Int
    /// Who the AMF names as author (the job's owner).
    public let author: String
    /// Extra `metadata.scenefarm` entries for the OTIO clip (job id, show).
    public let metadata: [String: String]
    /// Review movies to make beside the proxies (the spec's `output.review`), each with its own AMF.
    public let reviews: [ReviewMovie]

    public init(sequence: PlateSequence, proxyFormat: ProxyFormat, proxyEvery: Int, author: String, metadata: [String: String] = [:],
                reviews: [ReviewMovie] = []) {
        self.sequence = sequence
        self.proxyFormat = proxyFormat
        self.proxyEvery = proxyEvery
        self.author = author
        self.metadata = metadata
        self.reviews = reviews
    }

    /// Encodes each review movie (frames from `read`) and writes the AMF of its display/view;
    /// returns the written paths relative to `folder`. Data plates (`Raw`) have no display rendering.
    @discardableResult
    public func writeReviews(into folder: URL, config: ColorConfig, read: (Int) throws(PlateError) -> RGBAImage) throws(PlateError) -> [String] {
        guard sequence.colorspace != "Raw" else { return [] }
        var written: [String] = []
        for review in reviews {
            written.append(try review.write(sequence, in: folder, config: config, read: read))
            let amf = AMFSidecar(sequence: sequence, display: review.display, view: review.view, author: author)
            if amf.fileName != AMFSidecar(sequence: sequence).fileName {
                try amf.write(into: folder)
                written.append(amf.fileName)
            }
        }
        return written
    }

    /// Writes the sidecars, and the proxies when asked for and the plates have a colour space
    /// (data plates, `Raw`, have no display rendering). Returns the written paths relative to `folder`.
    @discardableResult
    public func write(into folder: URL, config: ColorConfig) throws(PlateError) -> [String] {
        var written = try writeSidecars(into: folder)
        let read = { (frame: Int) throws(PlateError) -> RGBAImage in
            try PlateReader.read(folder.appendingPathComponent(sequence.frameName(frame)).path).image
        }
        if let session = try proxySession(in: folder, config: config) {
            let result = try session.finish(read: read)
            written += result.proxies + (result.contactSheet.map { [$0] } ?? [])
        }
        written += try writeReviews(into: folder, config: config, read: read)
        return written
    }

    /// Writes the OTIO and AMF sidecars; returns their names.
    @discardableResult
    public func writeSidecars(into folder: URL) throws(PlateError) -> [String] {
        let otio = OTIOSidecar(sequence: sequence, metadata: metadata)
        let amf = AMFSidecar(sequence: sequence, author: author)
        try otio.write(into: folder)
        try amf.write(into: folder)
        return [otio.fileName, amf.fileName]
    }

    /// A proxy session writing into `folder/proxy/`, or nil when no proxies are asked for or the
    /// plates are data (`Raw`).
    public func proxySession(in folder: URL, config: ColorConfig) throws(PlateError) -> ProxyWriter.Session? {
        guard let writer = try proxyWriter(config: config) else { return nil }
        return try ProxyWriter.Session(writer: writer, sequence: sequence, folder: folder)
    }

    /// The proxy writer, or nil when no proxies are asked for or the plates are data (`Raw`).
    public func proxyWriter(config: ColorConfig) throws(PlateError) -> ProxyWriter? {
        guard proxyFormat != .none, sequence.colorspace != "Raw" else { return nil }
        return ProxyWriter(renderer: try ProxyRenderer(config: config, colorspace: sequence.colorspace), format: proxyFormat, every: proxyEvery)
    }
}
