import Foundation
import ShotSpec

/// One external generator from a plugins file: the command to start and how long to wait for it.
public struct PluginConfig: Sendable, Equatable {
    /// How the plugin hands frames back.
    public enum FrameTransport: String, Sendable, CaseIterable {
        /// Raw little-endian Float32 samples on stdout after each `frame` line.
        case raw
        /// An EXR file the plugin writes into a folder the node gives it, named in the `frame` line.
        case exr
    }

    /// Deadlines, in seconds; each one ends the child (SIGTERM, then SIGKILL) and fails the task.
    public struct Timeouts: Sendable, Equatable {
        /// From start until the `hello` line (covers interpreter start-up, not weight loading).
        public var startup: TimeInterval
        /// Longest silence on stdout once the task is sent; `progress` lines count as activity.
        public var frame: TimeInterval
        /// Whole `generate` call, start to `done`.
        public var total: TimeInterval
        /// Between SIGTERM and SIGKILL when a plugin is stopped.
        public var killGrace: TimeInterval

        public init(startup: TimeInterval = 60, frame: TimeInterval = 600, total: TimeInterval = 86_400, killGrace: TimeInterval = 5) {
            self.startup = startup
            self.frame = frame
            self.total = total
            self.killGrace = killGrace
        }
    }

    /// The generator name shots use (`generator.name`); it overrides what the plugin's hello says.
    public var name: String
    /// argv: the program (looked up on PATH unless it holds a slash) and its arguments.
    public var command: [String]
    public var workingDirectory: URL
    /// Added to the node's environment for the child.
    public var environment: [String: String]
    public var frameTransport: FrameTransport
    public var timeouts: Timeouts
    /// Where the entry came from (`plugins_file.plugins[1]`), for errors that name it.
    public var fieldPath: String

    public init(
        name: String, command: [String], workingDirectory: URL, environment: [String: String] = [:],
        frameTransport: FrameTransport = .raw, timeouts: Timeouts = Timeouts(), fieldPath: String = "plugins"
    ) {
        self.fieldPath = fieldPath
        self.name = name
        self.command = command
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.frameTransport = frameTransport
        self.timeouts = timeouts
    }

    static let entryKeys = ["name", "command", "working_directory", "env", "frames", "timeouts"]
    static let timeoutKeys = ["startup_s", "frame_s", "total_s", "kill_grace_s"]

    /// Reads a plugins file (YAML or JSON); relative paths in it resolve against its folder.
    public static func load(path: String) throws(SpecError) -> [PluginConfig] {
        let url = URL(fileURLWithPath: path)
        let document = try SpecValue.load(path: path, kind: "a plugins file")
        return try configs(document, baseDirectory: url.deletingLastPathComponent().standardizedFileURL)
    }

    /// Parses plugins-file text as if it were a file in `baseDirectory`.
    public static func parse(_ text: String, baseDirectory: URL, name: String = "<plugins>") throws(SpecError) -> [PluginConfig] {
        try configs(try SpecValue.parseYAML(text, file: name), baseDirectory: baseDirectory)
    }

    private static func configs(_ document: SpecValue, baseDirectory: URL) throws(SpecError) -> [PluginConfig] {
        let root = try SpecField(document, path: "plugins_file").object(allowed: ["plugins"])
        var configs: [PluginConfig] = []
        for item in try root.required("plugins").items() {
            let config = try entry(item, baseDirectory: baseDirectory)
            if configs.contains(where: { $0.name == config.name }) {
                throw try item.object(allowed: entryKeys).required("name").fail("plugin '\(config.name)' is configured twice")
            }
            configs.append(config)
        }
        return configs
    }

    static func entry(_ field: SpecField, baseDirectory: URL) throws(SpecError) -> PluginConfig {
        let obj = try field.object(allowed: entryKeys)
        let commandField = try obj.required("command")
        var command: [String] = []
        for part in try commandField.items() { command.append(try part.string()) }
        guard let program = command.first, !program.isEmpty else {
            throw commandField.fail("needs at least the program to run, e.g. [python3, my_plugin.py]")
        }
        var directory = baseDirectory
        if let f = obj.optional("working_directory") {
            let text = try f.string()
            guard !text.isEmpty else { throw f.fail("must not be empty") }
            directory = text.hasPrefix("/") ? URL(fileURLWithPath: text) : baseDirectory.appendingPathComponent(text)
        }
        var environment: [String: String] = [:]
        if let f = obj.optional("env") {
            let env = try f.object(allowed: f.value.mappingKeys)
            for key in env.keys {
                guard !key.isEmpty, !key.contains("=") else { throw SpecError(path: "\(f.path).\(key)", reason: "is not a valid environment variable name") }
                environment[key] = try env.required(key).string()
            }
        }
        var timeouts = Timeouts()
        if let f = obj.optional("timeouts") {
            let t = try f.object(allowed: timeoutKeys)
            if let v = t.optional("startup_s") { timeouts.startup = try v.positiveDouble() }
            if let v = t.optional("frame_s") { timeouts.frame = try v.positiveDouble() }
            if let v = t.optional("total_s") { timeouts.total = try v.positiveDouble() }
            if let v = t.optional("kill_grace_s") { timeouts.killGrace = try v.nonNegativeDouble() }
        }
        return PluginConfig(
            name: try obj.required("name").name(),
            command: command,
            workingDirectory: directory.standardizedFileURL,
            environment: environment,
            frameTransport: try obj.optional("frames").map { f throws(SpecError) in
                FrameTransport(rawValue: try f.oneOf(FrameTransport.allCases.map(\.rawValue))) ?? .raw
            } ?? .raw,
            timeouts: timeouts,
            fieldPath: field.path
        )
    }
}

extension SpecValue {
    /// Keys of a mapping (empty for other values): lets free-form mappings pass `object(allowed:)`.
    fileprivate var mappingKeys: [String] {
        if case .object(let pairs, _) = self { return pairs.map(\.key) }
        return []
    }
}
