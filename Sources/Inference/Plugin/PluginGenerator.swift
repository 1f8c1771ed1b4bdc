import Foundation
import ImageCore
import ShotSpec

/// A generator that runs an external model as a child process, one process per `generate` call,
/// speaking the plugin protocol of Docs/inference.md over its stdin and stdout.
public struct PluginGenerator: Generator {
    public let config: PluginConfig
    public let capabilities: GeneratorCapabilities
    /// The name and version the plugin reported in its hello (the registry uses `config.name`).
    public let reportedName: String

    /// Starts the plugin once to read its capabilities from the hello line.
    public init(config: PluginConfig) throws(GeneratorError) {
        let hello = try Self.handshake(config)
        self.init(config: config, hello: hello)
    }

    init(config: PluginConfig, hello: PluginProtocol.Hello) {
        self.config = config
        self.reportedName = hello.name
        self.capabilities = GeneratorCapabilities(
            name: config.name, version: hello.version, deterministic: hello.deterministic,
            conditioningFrames: hello.conditioningFrames, maxFramesPerCall: hello.maxFramesPerCall,
            maxWidth: hello.maxWidth, maxHeight: hello.maxHeight
        )
    }

    /// Runs the plugin until its hello, then closes its stdin (no task) and lets it exit.
    static func handshake(_ config: PluginConfig) throws(GeneratorError) -> PluginProtocol.Hello {
        let call = try PluginCall(config: config, cancellation: nil)
        let hello = try call.readHello()
        call.child.send([])
        call.finish()
        return hello
    }

    public func validate(_ spec: ShotSpec) throws(GeneratorError) {
        let resolution = spec.resolution
        if resolution.width > capabilities.maxWidth || resolution.height > capabilities.maxHeight {
            throw .invalidInput(SpecError(
                path: "shot.resolution",
                reason: "\(resolution.width)x\(resolution.height) is larger than plugin '\(config.name)' allows (\(capabilities.maxWidth)x\(capabilities.maxHeight))"
            ))
        }
    }

    public func generate(_ request: GenerationRequest, cancellation: CancellationFlag, emit: (Int, RGBAImage) throws -> Void) throws {
        try validate(request.spec)
        guard request.frames.count <= capabilities.maxFramesPerCall else {
            throw GeneratorError.unsupported(
                "plugin '\(config.name)' produces at most \(capabilities.maxFramesPerCall) frames per call; \(request.frames.count) were asked for"
            )
        }
        try cancellation.check()
        var frameDirectory: URL?
        if config.frameTransport == .exr {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scenefarm-plugin-\(UUID().uuidString)")
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw GeneratorError.failed("plugin '\(config.name)': cannot create a frame folder at \(folder.path): \(error.localizedDescription)")
            }
            frameDirectory = folder
        }
        defer { if let frameDirectory { try? FileManager.default.removeItem(at: frameDirectory) } }

        let call = try PluginCall(config: config, cancellation: cancellation)
        defer { call.finish() }
        _ = try call.readHello()
        // The previous chunk's frames arrive oldest first; the plugin gets the newest it accepts.
        let conditioning = Array(request.conditioning.suffix(capabilities.conditioningFrames))
        var parts: [PluginChildProcess.Outgoing] = [
            .bytes(PluginProtocol.taskLine(request, generator: config.name, conditioningCount: conditioning.count, frameDirectory: frameDirectory)),
        ]
        for (index, image) in conditioning.enumerated() {
            parts.append(.bytes(PluginProtocol.conditioningHeader(index: index, image: image)))
            parts.append(.floats(image.pixels))
        }
        call.child.send(parts)
        try call.receiveFrames(request.frames, resolution: request.spec.resolution, frameDirectory: frameDirectory, emit: emit)
    }
}
