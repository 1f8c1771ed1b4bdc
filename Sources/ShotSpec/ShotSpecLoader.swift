import Foundation

/// Reads and validates shot specs from YAML or JSON. Every error names the field path.
public enum ShotSpecLoader {
    public static let topLevelKeys = [
        "spec_version", "show", "shot", "scene", "fps", "frames", "resolution", "generator", "output",
        "camera", "environment", "ground", "objects", "lights", "chunking",
    ]

    /// Loads a spec file; `.json` files are read as JSON, anything else as YAML. Only a regular
    /// file of at most `SpecLimits.maxBytes` is read (a FIFO or device is refused, never opened
    /// for a blocking read).
    public static func load(path: String) throws(SpecError) -> ShotSpec {
        let url = URL(fileURLWithPath: path)
        let document = try SpecValue.load(path: path)
        return try decode(document, baseDirectory: url.deletingLastPathComponent().standardizedFileURL)
    }

    /// Parses spec text as if it came from the file `name` in `baseDirectory`: as JSON when the
    /// name ends in `.json` (as `load` reads it), else as YAML.
    public static func parse(_ text: String, baseDirectory: URL, name: String = "<spec>") throws(SpecError) -> ShotSpec {
        try decode(try SpecValue.parse(text, file: name), baseDirectory: baseDirectory)
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
            ground: try ground(root.optional("ground"), baseDirectory: baseDirectory),
            objects: try objects(root.optional("objects"), baseDirectory: baseDirectory),
            lights: try lights(root.optional("lights")),
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
        if let slash = text.firstIndex(of: "/") {
            let terms = [text[..<slash], text[text.index(after: slash)...]].map { $0.trimmingCharacters(in: .whitespaces) }
            if let n = Int(terms[0]), let d = Int(terms[1]) {
                guard n > 0, d > 0 else { throw field.fail("frame rate must be greater than 0, got \(SpecField.shown(text))") }
            }
            // Bounded terms keep every frame-time product (frames × denominator) far from overflow.
            guard terms.allSatisfy({ $0.count <= 7 && (Int($0).map { $0 <= SpecLimits.maxFrameRateTerm } ?? true) }) else {
                throw field.fail("frame rate \(SpecField.shown(text)): numerator and denominator may be at most \(SpecLimits.maxFrameRateTerm)")
            }
        }
        guard let rate = FrameRate.parse(text) else {
            throw field.fail("'\(SpecField.shown(text))' is not a frame rate; use a number such as 24 or 23.976, or a ratio such as 24000/1001")
        }
        guard rate.value <= 1000 else { throw field.fail("frame rate \(text) is above 1000") }
        // Below 1 fps a chunk could hold no frames and timecode has no whole-frame base.
        guard rate.value >= 1 else { throw field.fail("frame rate \(text) is below 1") }
        return rate
    }

    static func frameRange(_ field: SpecField, fps: FrameRate) throws(SpecError) -> FrameRange {
        let obj = try field.object(allowed: ["first", "last", "count", "seconds"])
        let first = try obj.optional("first")?.int(in: 0...SpecLimits.maxFrameNumber) ?? 1001
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
            guard frames <= Double(SpecLimits.maxFrames) else {
                throw length.fail("\(SpecField.format(seconds)) s at \(fps) fps is more than the \(SpecLimits.maxFrames) frames a shot may hold")
            }
            count = Int(frames)
            guard count > 0 else { throw length.fail("\(SpecField.format(seconds)) s is less than one frame at \(fps) fps") }
        }
        guard count <= SpecLimits.maxFrames else { throw length.fail("\(count) frames is more than the \(SpecLimits.maxFrames) a shot may hold") }
        guard first + count - 1 <= SpecLimits.maxFrameNumber else {
            throw length.fail("the shot would end at frame \(first + count - 1), past the highest frame number \(SpecLimits.maxFrameNumber)")
        }
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
        guard n[0] * n[1] <= Double(SpecLimits.maxPixels) else {
            throw field.fail("\(Int(n[0]))x\(Int(n[1])) is \(Int(n[0] * n[1])) pixels, above the \(SpecLimits.maxPixels) (8192x4320) a frame may hold")
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
            "aces_container", "proxies", "ocio_config", "review",
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
        if let f = obj.optional("review") {
            // One movie as a mapping, or several as a list of them.
            let items: [SpecField] = if case .array = f.value { try f.items() } else { [f] }
            guard items.count <= 8 else { throw f.fail("\(items.count) review movies; a version may have at most 8") }
            out.reviews = []
            for item in items {
                let review = try item.object(allowed: ["display", "view", "codec"])
                out.reviews.append(ReviewSpec(
                    display: try review.required("display").string(), view: try review.required("view").string(),
                    codec: try review.optional("codec")?.oneOf(ReviewSpec.codecs) ?? "h264"
                ))
            }
        }
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
            spec.overlap = try frameCount(f)
        }
        if let f = obj.optional("mode") { spec.mode = ChunkingSpec.Mode(rawValue: try f.oneOf(ChunkingSpec.Mode.allCases.map(\.rawValue)))! }
        if let f = obj.optional("conditioning_frames") {
            spec.conditioningFrames = try frameCount(f)
        }
        return spec
    }
}

extension ShotSpecLoader {
    /// A count of frames: 0 up to the most a shot may hold.
    static func frameCount(_ field: SpecField) throws(SpecError) -> Int {
        let n = try field.int()
        guard n >= 0 else { throw field.fail("must not be negative, got \(n)") }
        guard n <= SpecLimits.maxFrames else { throw field.fail("\(n) is more than the \(SpecLimits.maxFrames) frames a shot may hold") }
        return n
    }
}

extension SpecValue {
    /// Keys of a mapping (empty for other values).
    var objectKeys: [String] {
        if case .object(let pairs, _) = self { return pairs.map(\.key) }
        return []
    }
}
