import Color
import Foundation

/// The ACES Metadata File sidecar `<baseName>.amf` (AMF v2.0, Academy S-2019-001): which
/// ACES pipeline the plate belongs to, so Resolve, Baselight or Nuke can rebuild the viewing
/// transform the version was reviewed through. Transform IDs are the Academy's ACES 1.3 IDs
/// (`ACESTransformIDs`); the file validates against the Academy's AMF v2 XSD.
public struct AMFSidecar: Sendable {
    public static let namespace = "urn:ampas:aces:amf:v2.0"

    public let sequence: PlateSequence
    /// The display and view (of the ACES CG config) the version was reviewed through.
    public let display: String
    public let view: String
    public let description: String
    public let created: Date
    public let author: String

    public init(sequence: PlateSequence, display: String = ProxyRenderer.display, view: String = ProxyRenderer.view,
                description: String? = nil, author: String = "SceneFarm", created: Date = Date()) {
        self.sequence = sequence
        self.display = display
        self.view = view
        self.description = description ?? "SceneFarm plate \(sequence.baseName), \(sequence.colorspace)"
        self.author = author
        self.created = created
    }

    /// `<baseName>.amf` for the proxies' display/view, `<baseName>.<display-view>.amf` for any other
    /// review (a version reviewed in SDR and HDR has one AMF per pipeline).
    public var fileName: String {
        display == ProxyRenderer.display && view == ProxyRenderer.view
            ? "\(sequence.baseName).amf"
            : "\(sequence.baseName).\(Self.slug(display: display, view: view)).amf"
    }

    /// A display and view as one file-name part, spaces and punctuation folded to `_`; review
    /// movies use the same, so a movie and its AMF share a name.
    public static func slug(display: String, view: String) -> String {
        String("\(display)-\(view)".map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    /// The ACES output transform of the review display/view; nil for views that are none
    /// (`Un-tone-mapped`, `Raw`), which the AMF then leaves out.
    public var outputTransform: ACESTransformIDs.Output? { ACESTransformIDs.output(display: display, view: view) }

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
                        <aces:description>ACES 1.3: \(Self.escape(sequence.colorspace)) plates, reviewed through \(Self.escape(view)) on \(Self.escape(display))</aces:description>
            \(Self.dateTime(now, indent: 12))
                        <aces:uuid>urn:uuid:\(UUID().uuidString.lowercased())</aces:uuid>
                        <aces:systemVersion>
                            <aces:majorVersion>1</aces:majorVersion>
                            <aces:minorVersion>3</aces:minorVersion>
                            <aces:patchVersion>0</aces:patchVersion>
                        </aces:systemVersion>
                    </aces:pipelineInfo>
            \(inputTransform())\(outputTransformElement())    </aces:pipeline>
            </aces:acesMetadataFile>

            """
    }

    /// ACES2065-1 plates were converted from ACEScg by SceneFarm (applied); ACEScg, ACEScct and
    /// ACEScc plates still need their step to ACES2065-1 (not applied). Other colour spaces have
    /// no Academy transform ID, so the element is left out and the pipeline description names the space.
    private func inputTransform() -> String {
        let colorspace = sequence.colorspace
        let applied = ACESTransformIDs.isACES2065(colorspace)
        guard let id = ACESTransformIDs.toACES(colorspace: applied ? "ACEScg" : colorspace) else { return "" }
        let source = applied ? "ACEScg" : colorspace
        return """
                    <aces:inputTransform applied="\(applied)">
                        <aces:description>\(Self.escape(source)) to ACES2065-1\(applied ? " (applied by SceneFarm when writing the plates)" : "")</aces:description>
                        <aces:transformId>\(id)</aces:transformId>
                    </aces:inputTransform>

            """
    }

    /// The review's ACES output transform, not applied to the plates.
    private func outputTransformElement() -> String {
        let label = "\(Self.escape(view)) on \(Self.escape(display))"
        switch outputTransform {
        case .none:
            return ""
        case .rrtAndODT(let rrt, let odt)?:
            return """
                        <aces:outputTransform applied="false">
                            <aces:description>\(label)</aces:description>
                            <aces:referenceRenderingTransform>
                                <aces:transformId>\(rrt)</aces:transformId>
                            </aces:referenceRenderingTransform>
                            <aces:outputDeviceTransform>
                                <aces:transformId>\(odt)</aces:transformId>
                            </aces:outputDeviceTransform>
                        </aces:outputTransform>

                """
        case .rrtODT(let id)?:
            return """
                        <aces:outputTransform applied="false">
                            <aces:description>\(label)</aces:description>
                            <aces:transformId>\(id)</aces:transformId>
                        </aces:outputTransform>

                """
        }
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
