import Foundation

/// Reads and validates shot specs from YAML or JSON. Every error names the field path.
public enum ShotSpecLoader {
    public static let topLevelKeys = [
        "spec_version", "show", "shot", "scene", "fps", "frames", "resolution", "generator", "output",
        "camera", "environment", "ground", "objects", "chunking",
    ]

    /// Loads a spec file; `.json` files are read as JSON, anything else as YAML.
    public static func load(path: String) throws(SpecError) -> ShotSpec {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw SpecError(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw SpecError(path: path, reason: "is a folder, not a shot spec file") }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SpecError(path: path, reason: "cannot be read (permission denied?)")
        }
        let document: SpecValue
        if url.pathExtension.lowercased() == "json" {
            document = try SpecValue.parseJSON(data, file: path)
        } else {
            guard let text = String(data: data, encoding: .utf8) else {
                throw SpecError(path: path, reason: "is not UTF-8 text")
            }
            document = try SpecValue.parseYAML(text, file: path)
        }
        return try decode(document, baseDirectory: url.deletingLastPathComponent().standardizedFileURL)
    }

    /// Parses spec text (YAML or JSON) as if it came from a file in `baseDirectory`.
    public static func parse(_ text: String, baseDirectory: URL, name: String = "<spec>") throws(SpecError) -> ShotSpec {
        try decode(try SpecValue.parseYAML(text, file: name), baseDirectory: baseDirectory)
    }

    /// Validates a parsed document.
    public static func decode(_ document: SpecValue, baseDirectory: URL) throws(SpecError) -> ShotSpec {
        let root = try SpecField(document, path: "shot").object(allowed: topLevelKeys)
        if let version = root.optional("spec_version") {
            guard try version.int() == 1 else { throw version.fail("this SceneFarm reads spec_version 1") }
        }
        let fps = try frameRate(root.required("fps"))
        let frames = try frameRange(root.required("frames"), fps: fps)
        let resolution = try self.resolution(root.required("resolution"))
        let shot = try root.required("shot").name()
        let scene = try root.optional("scene")?.name()
        return ShotSpec(
            show: try root.required("show").name(),
            shot: shot,
            scene: scene ?? shot,
            fps: fps,
            frames: frames,
            resolution: resolution,
            generator: try generator(root.optional("generator")),
            output: try output(root.optional("output")),
            camera: try camera(root.optional("camera")),
            environment: try environment(root.optional("environment"), baseDirectory: baseDirectory),
            ground: try ground(root.optional("ground")),
            objects: try objects(root.optional("objects")),
            chunking: try chunking(root.optional("chunking")),
            document: document,
            baseDirectory: baseDirectory
        )
    }

    // MARK: - Timing

    static func frameRate(_ field: SpecField) throws(SpecError) -> FrameRate {
        let text: String
        switch field.value {
        case .number(let d, let raw, _):
            guard d > 0 else { throw field.fail("frame rate must be greater than 0, got \(raw)") }
            guard d <= 1000 else { throw field.fail("frame rate \(raw) is above 1000") }
            text = raw
        case .string(let s, _):
            text = s
        default:
            throw field.fail("expected a frame rate such as 24, 24000/1001 or 23.976, got \(field.value.typeName)")
        }
        if let slash = text.firstIndex(of: "/"), let n = Int(text[..<slash]), let d = Int(text[text.index(after: slash)...]) {
            guard n > 0, d > 0 else { throw field.fail("frame rate must be greater than 0, got \(text)") }
        }
        guard let rate = FrameRate.parse(text) else {
            throw field.fail("'\(text)' is not a frame rate; use a number such as 24 or 23.976, or a ratio such as 24000/1001")
        }
        guard rate.value <= 1000 else { throw field.fail("frame rate \(text) is above 1000") }
        // Below 1 fps a chunk could hold no frames and timecode has no whole-frame base.
        guard rate.value >= 1 else { throw field.fail("frame rate \(text) is below 1") }
        return rate
    }

    static func frameRange(_ field: SpecField, fps: FrameRate) throws(SpecError) -> FrameRange {
        let obj = try field.object(allowed: ["first", "last", "count", "seconds"])
        let first = try obj.optional("first")?.int(in: 0...9_999_999) ?? 1001
        let length = try obj.exactlyOne(of: ["last", "count", "seconds"])
        let count: Int
        switch length.path.split(separator: ".").last {
        case "last":
            let last = try length.int()
            guard last >= first else {
                throw length.fail("frame range is reversed: last frame \(last) is before first frame \(first)")
            }
            count = last - first + 1
        case "count":
            count = try length.int()
            guard count > 0 else { throw length.fail("must be at least 1 frame, got \(count)") }
        default:
            let seconds = try length.double()
            guard seconds > 0 else { throw length.fail("must be greater than 0 seconds, got \(SpecField.format(seconds))") }
            let frames = (seconds * fps.value).rounded()
            // Checked before the Int conversion, which would trap on a huge value.
            guard frames <= 1_000_000 else {
                throw length.fail("\(SpecField.format(seconds)) s at \(fps) fps is more than the 1000000 frames a shot may hold")
            }
            count = Int(frames)
            guard count > 0 else { throw length.fail("\(SpecField.format(seconds)) s is less than one frame at \(fps) fps") }
        }
        guard count <= 1_000_000 else { throw length.fail("\(count) frames is more than the 1000000 a shot may hold") }
        return FrameRange(first: first, count: count)
    }

    static func resolution(_ field: SpecField) throws(SpecError) -> Resolution {
        let n = try field.numbers(2)
        for (i, v) in n.enumerated() {
            let name = i == 0 ? "width" : "height"
            guard v == v.rounded() else { throw field.fail("\(name) must be a whole number of pixels, got \(v)") }
            guard v >= 1 else { throw field.fail("\(name) must be at least 1 pixel, got \(SpecField.format(v))") }
            guard v <= Double(Resolution.maxDimension) else {
                throw field.fail("\(name) \(SpecField.format(v)) is above the maximum of \(Resolution.maxDimension)")
            }
        }
        return Resolution(width: Int(n[0]), height: Int(n[1]))
    }

    // MARK: - Generator and output

    static func generator(_ field: SpecField?) throws(SpecError) -> GeneratorSpec {
        guard let field else { return GeneratorSpec(name: "scenelit", params: nil) }
        let obj = try field.object(allowed: ["name", "params"])
        let params = obj.optional("params")
        if let params { _ = try params.object(allowed: params.value.objectKeys) }
        return GeneratorSpec(name: try obj.optional("name")?.name() ?? "scenelit", params: params)
    }

    static func output(_ field: SpecField?) throws(SpecError) -> OutputSpec {
        var out = OutputSpec(
            root: "plates", plate: "main", version: .fixed(1), colorspace: "ACES2065-1", compression: .piz,
            dwaLevel: 45, bitDepth: .half, channels: .rgba, acesContainer: false, proxyFormat: .png, proxyEvery: 1,
            ocioConfig: nil
        )
        guard let field else { return out }
        let obj = try field.object(allowed: [
            "root", "plate", "version", "colorspace", "compression", "dwa_level", "bit_depth", "channels",
            "aces_container", "proxies", "ocio_config",
        ])
        if let f = obj.optional("root") {
            out.root = try f.string()
            guard !out.root.isEmpty else { throw f.fail("must not be empty") }
        }
        if let f = obj.optional("plate") { out.plate = try f.name() }
        if let f = obj.optional("version") {
            let text = try f.string()
            guard let version = PlateVersion.parse(text) else {
                throw f.fail("'\(text)' is not a version; use v001, v002, … or next")
            }
            out.version = version
        }
        if let f = obj.optional("colorspace") {
            out.colorspace = try f.string()
            guard !out.colorspace.isEmpty else { throw f.fail("must not be empty") }
        }
        if let f = obj.optional("compression") {
            out.compression = Compression(rawValue: try f.oneOf(Compression.allCases.map(\.rawValue)))!
        }
        if let f = obj.optional("dwa_level") { out.dwaLevel = try f.double(in: 0...10_000) }
        if let f = obj.optional("bit_depth") { out.bitDepth = BitDepth(rawValue: try f.oneOf(BitDepth.allCases.map(\.rawValue)))! }
        if let f = obj.optional("channels") { out.channels = ChannelSet(rawValue: try f.oneOf(ChannelSet.allCases.map(\.rawValue)))! }
        if let f = obj.optional("aces_container") { out.acesContainer = try f.bool() }
        if let f = obj.optional("ocio_config") { out.ocioConfig = try f.string() }
        if let f = obj.optional("proxies") {
            let proxies = try f.object(allowed: ["format", "every"])
            if let p = proxies.optional("format") {
                out.proxyFormat = ProxyFormat(rawValue: try p.oneOf(ProxyFormat.allCases.map(\.rawValue)))!
            }
            if let p = proxies.optional("every") { out.proxyEvery = try p.int(in: 1...100_000) }
        }
        if out.acesContainer {
            if obj.has("compression"), out.compression != .none {
                throw try obj.required("compression").fail("the ACES container (aces_container: true) must be uncompressed; remove compression or set it to none")
            }
            if obj.has("bit_depth"), out.bitDepth != .half {
                throw try obj.required("bit_depth").fail("the ACES container (aces_container: true) is half float only")
            }
            out.compression = .none
            out.bitDepth = .half
        }
        return out
    }

    static func chunking(_ field: SpecField?) throws(SpecError) -> ChunkingSpec {
        var spec = ChunkingSpec(overlap: nil, mode: .auto, conditioningFrames: nil)
        guard let field else { return spec }
        let obj = try field.object(allowed: ["overlap", "mode", "conditioning_frames"])
        if let f = obj.optional("overlap") {
            let overlap = try f.int()
            guard overlap >= 0 else { throw f.fail("must not be negative, got \(overlap)") }
            spec.overlap = overlap
        }
        if let f = obj.optional("mode") { spec.mode = ChunkingSpec.Mode(rawValue: try f.oneOf(ChunkingSpec.Mode.allCases.map(\.rawValue)))! }
        if let f = obj.optional("conditioning_frames") {
            let c = try f.int()
            guard c >= 0 else { throw f.fail("must not be negative, got \(c)") }
            spec.conditioningFrames = c
        }
        return spec
    }
}

extension SpecValue {
    /// Keys of a mapping (empty for other values).
    var objectKeys: [String] {
        if case .object(let pairs, _) = self { return pairs.map(\.key) }
        return []
    }
}
