import Foundation

/// The ACES Metadata File sidecar `<baseName>.amf` (AMF v2.0, Academy S-2019-001): which
/// ACES pipeline the plate belongs to, so Resolve, Baselight or Nuke can rebuild the viewing
/// transform the proxies were made with.
public struct AMFSidecar: Sendable {
    /// The ACES 1.x output transforms the proxies can be made with.
    public enum Output: String, Sendable, CaseIterable {
        case sRGB = "sRGB_100nits_dim"
        case rec709 = "Rec709_100nits_dim"

        /// The ODT's transform ID; AMF pairs it with the RRT, as the Academy's own examples do.
        public var odtTransformId: String { "urn:ampas:aces:transformId:v1.5:ODT.Academy.\(rawValue).a1.0.3" }

        var label: String { self == .sRGB ? "sRGB" : "Rec.709" }
    }

    public static let namespace = "urn:ampas:aces:amf:v2.0"
    public static let rrtTransformId = "urn:ampas:aces:transformId:v1.5:RRT.a1.0.3"
    /// ACEScg (AP1) → ACES2065-1 (AP0), the step between SceneFarm's working space and its plates.
    public static let acescgToACES = "urn:ampas:aces:transformId:v1.5:ACEScsc.Academy.ACEScg_to_ACES.a1.0.3"

    public let sequence: PlateSequence
    public let output: Output
    public let description: String
    public let created: Date
    public let author: String

    public init(sequence: PlateSequence, output: Output = .sRGB, description: String? = nil, author: String = "SceneFarm", created: Date = Date()) {
        self.sequence = sequence
        self.output = output
        self.description = description ?? "SceneFarm plate \(sequence.baseName), \(sequence.colorspace)"
        self.author = author
        self.created = created
    }

    /// `<baseName>.amf`
    public var fileName: String { "\(sequence.baseName).amf" }

    /// The AMF XML document.
    public func xml() -> String {
        let now = Self.timestamp(created)
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <aces:acesMetadataFile xmlns:aces="\(Self.namespace)" xmlns:cdl="urn:ASC:CDL:v1.01" version="2.0">
                <aces:amfInfo>
                    <aces:description>\(Self.escape(description))</aces:description>
                    <aces:author>
                        <aces:name>\(Self.escape(author))</aces:name>
                        <aces:emailAddress>scenefarm@localhost</aces:emailAddress>
                    </aces:author>
            \(Self.dateTime(now, indent: 8))
                    <aces:uuid>urn:uuid:\(UUID().uuidString.lowercased())</aces:uuid>
                </aces:amfInfo>
                <aces:clipId>
                    <aces:clipName>\(Self.escape(sequence.baseName))</aces:clipName>
                    <aces:sequence idx="#" min="\(sequence.frames.first)" max="\(sequence.frames.last)">\(Self.escape(sequence.hashPattern))</aces:sequence>
                </aces:clipId>
                <aces:pipeline>
                    <aces:pipelineInfo>
                        <aces:description>ACES 1.3: \(Self.escape(sequence.colorspace)) plates, viewed through ACES 1.0 Output - \(output.label)</aces:description>
            \(Self.dateTime(now, indent: 12))
                        <aces:uuid>urn:uuid:\(UUID().uuidString.lowercased())</aces:uuid>
                        <aces:systemVersion>
                            <aces:majorVersion>1</aces:majorVersion>
                            <aces:minorVersion>3</aces:minorVersion>
                            <aces:patchVersion>0</aces:patchVersion>
                        </aces:systemVersion>
                    </aces:pipelineInfo>
            \(inputTransform())        <aces:outputTransform applied="false">
                        <aces:description>ACES 1.0 Output - \(output.label)</aces:description>
                        <aces:referenceRenderingTransform>
                            <aces:transformId>\(Self.rrtTransformId)</aces:transformId>
                        </aces:referenceRenderingTransform>
                        <aces:outputDeviceTransform>
                            <aces:transformId>\(output.odtTransformId)</aces:transformId>
                        </aces:outputDeviceTransform>
                    </aces:outputTransform>
                </aces:pipeline>
            </aces:acesMetadataFile>

            """
    }

    /// ACES2065-1 plates were converted from ACEScg by SceneFarm (applied); ACEScg plates still
    /// need that step (not applied). Other colour spaces have no Academy transform ID, so the
    /// element is left out and the pipeline description names the colour space.
    private func inputTransform() -> String {
        let applied: Bool
        switch sequence.colorspace {
        case "ACES2065-1", "ACES - ACES2065-1", "aces2065_1", "lin_ap0": applied = true
        case "ACEScg", "ACES - ACEScg", "lin_ap1": applied = false
        default: return ""
        }
        return """
                    <aces:inputTransform applied="\(applied)">
                        <aces:description>ACEScg to ACES2065-1\(applied ? " (applied by SceneFarm when writing the plates)" : "")</aces:description>
                        <aces:transformId>\(Self.acescgToACES)</aces:transformId>
                    </aces:inputTransform>

            """
    }

    /// Writes the sidecar into `folder` (usually the staging folder before publish).
    @discardableResult
    public func write(into folder: URL) throws(PlateError) -> URL {
        let url = folder.appendingPathComponent(fileName)
        try AtomicFile.write(Data(xml().utf8), to: url)
        return url
    }

    private static func dateTime(_ stamp: String, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        return """
            \(pad)<aces:dateTime>
            \(pad)    <aces:creationDateTime>\(stamp)</aces:creationDateTime>
            \(pad)    <aces:modificationDateTime>\(stamp)</aces:modificationDateTime>
            \(pad)</aces:dateTime>
            """
    }

    /// xs:dateTime in UTC, e.g. `2026-11-26T12:00:00Z`.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
