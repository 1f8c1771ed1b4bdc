import Foundation
import Inference
import ShotSpec
import Testing

/// Plugins files: parsing, path-named errors, and registration into a generator registry.
@Suite struct PluginConfigTests {
    static let base = URL(fileURLWithPath: "/srv/farm/plugins")

    static func error(_ text: String) -> SpecError? {
        do {
            _ = try PluginConfig.parse(text, baseDirectory: base)
            return nil
        } catch {
            return error
        }
    }

    @Test func entryParsesWithDefaultsAndResolvesPathsAgainstTheFile() throws {
        let configs = try PluginConfig.parse(
            """
            plugins:
              - name: refdiffusion
                command: [python3, reference_plugin.py, --fast]
                working_directory: models
                env: {CUDA_VISIBLE_DEVICES: 1, MODEL: big}
                frames: exr
                timeouts: {frame_s: 2.5}
              - name: second
                command: [/opt/bin/second]
            """,
            baseDirectory: Self.base
        )
        #expect(configs.count == 2)
        let first = configs[0]
        #expect(first.command == ["python3", "reference_plugin.py", "--fast"])
        #expect(first.workingDirectory.path == "/srv/farm/plugins/models")
        #expect(first.environment == ["CUDA_VISIBLE_DEVICES": "1", "MODEL": "big"])
        #expect(first.frameTransport == .exr)
        #expect(first.timeouts == PluginConfig.Timeouts(startup: 60, frame: 2.5, total: 86_400, killGrace: 5))
        #expect(configs[1].workingDirectory.path == "/srv/farm/plugins")
        #expect(configs[1].frameTransport == .raw)
    }

    @Test func negativeTimeoutNamesItsPath() {
        let error = Self.error("plugins:\n  - name: a\n    command: [x]\n    timeouts: {frame_s: -1}\n")
        #expect(error?.path == "plugins_file.plugins[0].timeouts.frame_s")
        #expect(error?.reason == "must be greater than 0, got -1")
        #expect(error?.line == 4)
    }

    @Test func misspelledKeyIsNamedWithASuggestion() {
        let error = Self.error("plugins:\n  - name: a\n    comand: [x]\n")
        #expect(error?.path == "plugins_file.plugins[0].comand")
        #expect(error?.reason.contains("did you mean 'command'?") == true)
    }

    @Test func missingOrEmptyCommandIsNamed() {
        #expect(Self.error("plugins:\n  - name: a\n")?.description == "plugins_file.plugins[0].command: is required")
        #expect(Self.error("plugins:\n  - name: a\n    command: []\n")?.path == "plugins_file.plugins[0].command")
        #expect(Self.error("plugins:\n  - name: a\n    command: python3 x.py\n")?.reason == "expected a list, got a string")
    }

    @Test func badNameTransportAndDuplicatesAreNamed() {
        #expect(Self.error("plugins:\n  - name: 'a b'\n    command: [x]\n")?.path == "plugins_file.plugins[0].name")
        #expect(Self.error("plugins:\n  - name: a\n    command: [x]\n    frames: png\n")?.reason == "'png' is not one of raw, exr")
        let duplicate = Self.error("plugins:\n  - name: a\n    command: [x]\n  - name: a\n    command: [y]\n")
        #expect(duplicate?.description == "plugins_file.plugins[1].name: plugin 'a' is configured twice")
        #expect(Self.error("plugin:\n  - name: a\n")?.path == "plugins_file.plugin")
    }

    @Test func missingFileIsNamed() {
        #expect(throws: SpecError(path: "/nonexistent/plugins.yaml", reason: "no such file")) {
            _ = try PluginConfig.load(path: "/nonexistent/plugins.yaml")
        }
    }

    @Test func shippedPluginsFileRegistersBothPluginsBesideTheBuiltIns() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Farm/plugins/plugins.yaml")
        var registry = GeneratorRegistry.builtIn
        try registry.registerPlugins(file: file.path)
        #expect(registry.names.contains("refdiffusion"))
        #expect(registry.names.contains("testpattern"))
        let skeleton = try registry.generator(named: "videomodel")
        #expect(skeleton.capabilities.conditioningFrames == 8)
        #expect(skeleton.capabilities.maxFramesPerCall == 121)
    }

    @Test func pluginCannotTakeABuiltInName() throws {
        let configs = try PluginConfig.parse("plugins:\n  - name: testpattern\n    command: [python3, x.py]\n", baseDirectory: Self.base)
        var registry = GeneratorRegistry.builtIn
        #expect(throws: GeneratorError.invalidInput(SpecError(
            path: "plugins_file.plugins[0].name",
            reason: "'testpattern' is already a generator (built in or configured earlier); choose another name"
        ))) {
            try registry.registerPlugins(configs)
        }
    }
}
