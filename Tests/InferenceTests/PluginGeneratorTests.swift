import Foundation
import ImageCore
import Inference
import ShotSpec
import Testing

/// The process-plugin backend against the real reference plugin (Farm/plugins/reference_plugin.py)
/// running as a child process.
@Suite struct PluginGeneratorTests {
    static let pluginsFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Farm/plugins")

    static func config(
        environment: [String: String] = [:], transport: PluginConfig.FrameTransport = .raw,
        timeouts: PluginConfig.Timeouts = .init(startup: 20, frame: 20, total: 120, killGrace: 1)
    ) -> PluginConfig {
        PluginConfig(
            name: "refdiffusion", command: ["python3", "reference_plugin.py"], workingDirectory: pluginsFolder,
            environment: environment, frameTransport: transport, timeouts: timeouts
        )
    }

    static func spec(params: String = "{}", width: Int = 64, height: Int = 36) throws -> ShotSpec {
        try ShotSpecLoader.parse(
            """
            show: demo
            shot: sh010
            fps: 24
            frames: {first: 1001, count: 8}
            resolution: [\(width), \(height)]
            generator: {name: refdiffusion, params: \(params)}
            """,
            baseDirectory: pluginsFolder
        )
    }

    /// Runs one call and returns what was emitted.
    static func run(
        _ generator: PluginGenerator, spec: ShotSpec, frames: ClosedRange<Int> = 1001...1004,
        conditioning: [RGBAImage] = [], cancellation: CancellationFlag = CancellationFlag(),
        onFrame: (Int) -> Void = { _ in }
    ) throws -> [(Int, RGBAImage)] {
        var emitted: [(Int, RGBAImage)] = []
        let request = GenerationRequest(spec: spec, frames: frames, conditioning: conditioning, lighting: .none)
        try generator.generate(request, cancellation: cancellation) { number, image in
            emitted.append((number, image))
            onFrame(number)
        }
        return emitted
    }

    /// The message of the `.failed` error `body` throws.
    static func failure(_ body: () throws -> Void) -> String {
        do {
            try body()
        } catch GeneratorError.failed(let message) {
            return message
        } catch {
            return "unexpected error: \(error)"
        }
        return "no error"
    }

    @Test func capabilitiesComeFromTheHelloUnderTheConfiguredName() throws {
        let generator = try PluginGenerator(config: Self.config())
        #expect(generator.capabilities == GeneratorCapabilities(
            name: "refdiffusion", version: "1.0.0", deterministic: true, conditioningFrames: 2,
            maxFramesPerCall: 400, maxWidth: 8192, maxHeight: 8192
        ))
        #expect(generator.reportedName == "reference-field")
    }

    @Test func goodRunYieldsRequestedFramesInOrderAndIsBitIdenticalAcrossRuns() throws {
        let generator = try PluginGenerator(config: Self.config())
        let spec = try Self.spec()
        let first = try Self.run(generator, spec: spec)
        let second = try Self.run(generator, spec: spec)
        #expect(first.map(\.0) == [1001, 1002, 1003, 1004])
        #expect(first.allSatisfy { $0.1.width == 64 && $0.1.height == 36 })
        #expect(first.map(\.1) == second.map(\.1))
        #expect(first[0].1 != first[1].1, "the field is animated")
        #expect(first[0].1.pixels.allSatisfy { $0.isFinite })
        #expect(first[0].1.pixels.max() ?? 0 > 1, "an HDR highlight above 1.0 survives the transport")
    }

    @Test func framesOfALaterChunkMatchTheSameFramesOfAnEarlierCall() throws {
        let generator = try PluginGenerator(config: Self.config())
        let spec = try Self.spec()
        let whole = try Self.run(generator, spec: spec, frames: 1001...1004)
        let tail = try Self.run(generator, spec: spec, frames: 1003...1004)
        #expect(tail.map(\.0) == [1003, 1004])
        #expect(tail.map(\.1) == Array(whole.suffix(2)).map(\.1))
    }

    @Test func conditioningFramesReachThePluginNewestLast() throws {
        let generator = try PluginGenerator(config: Self.config())
        let spec = try Self.spec()
        let plain = try Self.run(generator, spec: spec, frames: 1001...1002)
        let older = RGBAImage(width: 64, height: 36, fill: [7, 7, 7, 1])
        let newest = RGBAImage(width: 64, height: 36, pixels: (0..<(64 * 36 * 4)).map { Float($0 % 997) / 100 })
        let conditioned = try Self.run(generator, spec: spec, frames: 1001...1002, conditioning: [older, newest])
        // The plugin blends the first frame halfway toward the newest conditioning frame.
        var worst: Float = 0
        for i in newest.pixels.indices {
            let recovered = 2 * conditioned[0].1.pixels[i] - plain[0].1.pixels[i]
            worst = max(worst, abs(recovered - newest.pixels[i]))
        }
        #expect(worst < 1e-4)
        #expect(conditioned[1].1 != plain[1].1, "the pull fades over the following frames")
    }

    @Test func exrFrameTransportGivesTheSamePixelsAsRaw() throws {
        let spec = try Self.spec()
        let raw = try Self.run(try PluginGenerator(config: Self.config()), spec: spec, frames: 1001...1002)
        let exr = try Self.run(try PluginGenerator(config: Self.config(transport: .exr)), spec: spec, frames: 1001...1002)
        #expect(exr.map(\.0) == [1001, 1002])
        #expect(exr.map(\.1) == raw.map(\.1))
    }

    @Test func crashReportsTheExitStatusAndTheTailOfStderr() throws {
        let generator = try PluginGenerator(config: Self.config())
        var emitted: [Int] = []
        let message = Self.failure {
            _ = try Self.run(generator, spec: try Self.spec(params: "{mode: crash}")) { emitted.append($0) }
        }
        #expect(emitted == [1001])
        #expect(message.contains("plugin 'refdiffusion'"))
        #expect(message.contains("exit status 3"))
        #expect(message.contains("frame 1002"))
        #expect(message.contains("RuntimeError: simulated crash after the first frame"))
        #expect(message.contains("simulated traceback line 24"))
        #expect(!message.contains("simulated traceback line 5\n"), "only the last 20 lines are quoted")
    }

    @Test func crashBeforeHelloFailsTheHandshakeWithItsStatus() {
        let message = Self.failure { _ = try PluginGenerator(config: Self.config(environment: ["REFPLUGIN_MODE": "crash_startup"])) }
        #expect(message.contains("exit status 4"))
        #expect(message.contains("hello"))
        #expect(message.contains("cannot start (simulated)"))
    }

    @Test func hangingPluginIsStoppedAtTheFrameTimeout() throws {
        let generator = try PluginGenerator(config: Self.config(timeouts: .init(startup: 20, frame: 1.5, total: 60, killGrace: 0.5)))
        let message = Self.failure { _ = try Self.run(generator, spec: try Self.spec(params: "{mode: hang}")) }
        #expect(message.contains("timed out"))
        #expect(message.contains("timeouts.frame_s"))
        #expect(message.contains("frame 1001"))
        #expect(message.contains("SIGTERM"))
    }

    @Test func pluginSilentBeforeHelloIsStoppedAtTheStartupTimeout() {
        let config = Self.config(environment: ["REFPLUGIN_MODE": "hang_startup"], timeouts: .init(startup: 1, frame: 20, total: 60, killGrace: 0.5))
        let message = Self.failure { _ = try PluginGenerator(config: config) }
        #expect(message.contains("timeouts.startup_s"))
        #expect(message.contains("hello"))
    }

    @Test func totalTimeoutBoundsAPluginThatKeepsTalking() throws {
        let generator = try PluginGenerator(config: Self.config(timeouts: .init(startup: 20, frame: 20, total: 1.5, killGrace: 0.5)))
        let message = Self.failure { _ = try Self.run(generator, spec: try Self.spec(params: "{mode: slow, delay_s: 0.4}"), frames: 1001...1008) }
        #expect(message.contains("timeouts.total_s"))
    }

    @Test func garbageOnStdoutIsAProtocolError() throws {
        let generator = try PluginGenerator(config: Self.config())
        let message = Self.failure { _ = try Self.run(generator, spec: try Self.spec(params: "{mode: garbage}")) }
        #expect(message.contains("broke the plugin protocol"))
        #expect(message.contains("stdout line 2"))
        #expect(message.contains("not a JSON message"))
        #expect(message.contains("Loading checkpoint shards"))
    }

    @Test func shortFrameIsReportedWithTheByteCounts() throws {
        let generator = try PluginGenerator(config: Self.config())
        let message = Self.failure { _ = try Self.run(generator, spec: try Self.spec(params: "{mode: short}")) }
        #expect(message.contains("stopped after 18432 of the 36864 bytes announced for frame 1001"))
        #expect(message.contains("exit status 0"))
    }

    @Test func frameOfTheWrongSizeIsReported() throws {
        let generator = try PluginGenerator(config: Self.config())
        let message = Self.failure { _ = try Self.run(generator, spec: try Self.spec(params: "{mode: wrong_size}")) }
        #expect(message.contains("frame 1001 is 65x36 but the shot is 64x36"))
    }

    @Test func framesOutOfOrderAreReported() throws {
        let generator = try PluginGenerator(config: Self.config())
        let message = Self.failure { _ = try Self.run(generator, spec: try Self.spec(params: "{mode: out_of_order}")) }
        #expect(message.contains("sent frame 1004 where frame 1001 was due"))
    }

    @Test func pluginErrorIsQuotedInTheTaskError() throws {
        let generator = try PluginGenerator(config: Self.config())
        let message = Self.failure { _ = try Self.run(generator, spec: try Self.spec(params: "{mode: error}")) }
        #expect(message.contains("reported an error: simulated model failure: CUDA out of memory"))
        #expect(message.contains("exit status 1"))
    }

    @Test func pluginErrorNamingAParameterBecomesAPathNamedInputError() throws {
        let generator = try PluginGenerator(config: Self.config())
        #expect(throws: GeneratorError.invalidInput(SpecError(
            path: "shot.generator.params.strenght",
            reason: "unknown parameter; the reference plugin takes seed, speed, mode, delay_s"
        ))) {
            _ = try Self.run(generator, spec: try Self.spec(params: "{strenght: 2}"))
        }
    }

    @Test func cancellationStopsThePluginMidClip() throws {
        let generator = try PluginGenerator(config: Self.config())
        let cancellation = CancellationFlag()
        var emitted: [Int] = []
        #expect(throws: GeneratorError.cancelled) {
            _ = try Self.run(generator, spec: try Self.spec(params: "{mode: slow, delay_s: 0.3}"), frames: 1001...1008, cancellation: cancellation) {
                emitted.append($0)
                cancellation.cancel()
            }
        }
        #expect(emitted == [1001])
    }

    @Test func resolutionAboveThePluginsMaximumIsRejectedBeforeStarting() throws {
        let generator = try PluginGenerator(config: Self.config())
        #expect(throws: GeneratorError.self) { try generator.validate(try Self.spec(width: 8200, height: 36)) }
    }

    @Test func missingProgramIsNamedInTheError() {
        var config = Self.config()
        config.command = ["no-such-plugin-binary"]
        let message = Self.failure { _ = try PluginGenerator(config: config) }
        #expect(message.contains("cannot find an executable 'no-such-plugin-binary'"))
    }
}
