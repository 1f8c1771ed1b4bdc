import Color
import Foundation
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

    public init(sequence: PlateSequence, proxyFormat: ProxyFormat, proxyEvery: Int, author: String, metadata: [String: String] = [:]) {
        self.sequence = sequence
        self.proxyFormat = proxyFormat
        self.proxyEvery = proxyEvery
        self.author = author
        self.metadata = metadata
    }

    /// Writes the sidecars, and the proxies when asked for and the plates have a colour space
    /// (data plates, `Raw`, have no display rendering). Returns the written paths relative to `folder`.
    @discardableResult
    public func write(into folder: URL, config: ColorConfig) throws(PlateError) -> [String] {
        var written = try writeSidecars(into: folder)
        if let session = try proxySession(in: folder, config: config) {
            let result = try session.finish { frame throws(PlateError) in
                try PlateReader.read(folder.appendingPathComponent(sequence.frameName(frame)).path).image
            }
            written += result.proxies + (result.contactSheet.map { [$0] } ?? [])
        }
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
        guard proxyFormat != .none, sequence.colorspace != "Raw" else { return nil }
        let renderer = try ProxyRenderer(config: config, colorspace: sequence.colorspace)
        return try ProxyWriter.Session(writer: ProxyWriter(renderer: renderer, format: proxyFormat, every: proxyEvery), sequence: sequence, folder: folder)
    }
}
