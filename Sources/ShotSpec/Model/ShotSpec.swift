import Foundation

/// A validated shot description: what to render, how, and where the plates go.
public struct ShotSpec: Sendable, Equatable {
    public var show: String
    public var shot: String
    /// Shots of the same scene share one lighting solve.
    public var scene: String
    public var fps: FrameRate
    public var frames: FrameRange
    public var resolution: Resolution
    public var generator: GeneratorSpec
    public var output: OutputSpec
    public var camera: CameraSpec
    public var environment: EnvironmentSpec
    public var ground: GroundSpec
    public var objects: [ObjectSpec]
    /// Point, spot and area lights (`shot.lights`), in the order given.
    public var lights: [LightSpec] = []
    public var chunking: ChunkingSpec
    /// The document as parsed, kept for hashing and for shipping to nodes.
    public var document: SpecValue
    /// Folder of the spec file: relative paths (HDRI, output root) resolve against it.
    public var baseDirectory: URL

    /// SHA-256 of the canonical JSON of the document, hex.
    public var specHash: String { SHA256Digest.hex(of: Array(document.canonicalJSON.utf8)) }
}

/// Frame numbers of the shot, inclusive.
public struct FrameRange: Sendable, Equatable, Codable {
    public var first: Int
    public var count: Int
    public var last: Int { first + count - 1 }
    public var numbers: ClosedRange<Int> { first...last }

    public init(first: Int, count: Int) {
        self.first = first
        self.count = count
    }
}

public struct Resolution: Sendable, Equatable, Codable {
    public var width: Int
    public var height: Int
    public static let maxDimension = 16384

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}

/// Which generator renders the shot and its generator-specific parameters.
public struct GeneratorSpec: Sendable, Equatable {
    public var name: String
    /// Raw parameters; the generator validates them and reports `shot.generator.params.…` paths.
    public var params: SpecField?

    public static func == (lhs: GeneratorSpec, rhs: GeneratorSpec) -> Bool {
        lhs.name == rhs.name && lhs.params?.value == rhs.params?.value
    }
}

public enum PlateVersion: Sendable, Equatable, CustomStringConvertible {
    /// An explicit version such as `v003`.
    case fixed(Int)
    /// One above the highest published version.
    case next

    public var description: String {
        switch self {
        case .fixed(let n): return Self.label(n)
        case .next: return "next"
        }
    }

    public static func label(_ n: Int) -> String { String(format: "v%03d", n) }

    public static func parse(_ text: String) -> PlateVersion? {
        if text == "next" { return .next }
        let digits = text.dropFirst()
        guard text.hasPrefix("v"), digits.count >= 3, digits.allSatisfy({ ("0"..."9").contains($0) }),
              let n = Int(digits), n >= 1 else { return nil }
        return .fixed(n)
    }
}

public enum Compression: String, Sendable, CaseIterable, Codable {
    case none, rle, zips, zip, piz, pxr24, b44, dwaa, dwab
}

public enum BitDepth: String, Sendable, CaseIterable, Codable {
    case half, float
}

public enum ChannelSet: String, Sendable, CaseIterable, Codable {
    case rgb, rgba
}

public enum ProxyFormat: String, Sendable, CaseIterable, Codable {
    case none, png, jpeg
}

/// Where and how the plate is written.
public struct OutputSpec: Sendable, Equatable {
    /// Storage root; relative roots resolve against the spec's folder.
    public var root: String
    public var plate: String
    public var version: PlateVersion
    public var colorspace: String
    public var compression: Compression
    public var dwaLevel: Double
    public var bitDepth: BitDepth
    public var channels: ChannelSet
    /// Strict SMPTE ST 2065-4 ACES container (uncompressed scanline half, ACES AP0).
    public var acesContainer: Bool
    public var proxyFormat: ProxyFormat
    public var proxyEvery: Int
    /// An OCIO config for this shot, overriding `$OCIO` and the bundled config.
    public var ocioConfig: String?
    /// Review movies made at publish, each through a display/view of the config.
    public var reviews: [ReviewSpec] = []
}

/// One review movie of a version (`output.review`): the display and view the plates are seen
/// through, and the codec (`h264`, `prores`, or `hevc` for Rec.2100-PQ). Checked against the
/// config and the review encoder when the job is prepared.
public struct ReviewSpec: Sendable, Equatable {
    public var display: String
    public var view: String
    public var codec: String

    public init(display: String, view: String, codec: String) {
        self.display = display
        self.view = view
        self.codec = codec
    }

    /// The codecs the review encoder offers.
    public static let codecs = ["h264", "prores", "hevc"]
}

/// How long shots are split; see Docs/chunking.md.
public struct ChunkingSpec: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable { case auto, parallel, sequential }
    /// Overlap frames between neighbouring chunks; nil means round(0.5 s × fps).
    public var overlap: Int?
    public var mode: Mode
    /// Conditioning frames handed to the next chunk in sequential mode; nil means the generator's maximum.
    public var conditioningFrames: Int?
}
