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
        let otio = OTIOSidecar(sequence: sequence, metadata: metadata)
        let amf = AMFSidecar(sequence: sequence, author: author)
        try otio.write(into: folder)
        try amf.write(into: folder)
        var written = [otio.fileName, amf.fileName]
        if proxyFormat != .none, sequence.colorspace != "Raw" {
            let renderer = try ProxyRenderer(config: config, colorspace: sequence.colorspace)
            let result = try ProxyWriter(renderer: renderer, format: proxyFormat, every: proxyEvery).write(sequence, in: folder)
            written += result.proxies + (result.contactSheet.map { [$0] } ?? [])
        }
        return written
    }
}
