import COCIO
import Foundation
import ImageCore

/// A loaded OpenColorIO config. Build processors from it once per task and reuse them.
public final class ColorConfig: @unchecked Sendable {
    // OCIO configs are immutable once loaded and safe to share between threads.
    let handle: OpaquePointer
    /// Where the config came from (a path or `$OCIO`), for messages and metadata.
    public let source: String

    private init(handle: OpaquePointer, source: String) {
        self.handle = handle
        self.source = source
    }

    deinit { sf_ocio_config_free(handle) }

    /// The largest config file read (the official ACES configs are under 100 KB; LUTs live beside them).
    public static let maxConfigBytes: Int64 = 16 << 20

    /// Loads the config at `path`: a regular file of at most `maxConfigBytes`.
    public static func load(path: String) throws(ColorError) -> ColorConfig {
        // OpenColorIO reads the file itself: a FIFO or device would block it forever.
        do {
            try InputFile.check(path, limit: maxConfigBytes)
        } catch {
            throw .configLoad(source: path, message: error.reason)
        }
        var handle: OpaquePointer?
        let message = ocioCall { err, len in sf_ocio_config_create_from_file(path, &handle, err, len) }
        guard let handle, message == nil else { throw .configLoad(source: path, message: message ?? "unknown error") }
        return ColorConfig(handle: handle, source: path)
    }

    /// The config a task should use: an explicit path, else `$OCIO`, else the bundled ACES config.
    public static func resolve(explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ColorError) -> ColorConfig {
        if let explicit { return try load(path: explicit) }
        if let env = environment["OCIO"], !env.isEmpty { return try load(path: env) }
        guard let bundled = BundledConfig.path else {
            throw .configLoad(source: "the bundled ACES config", message: "ColorConfigs/aces-1.3-scenefarm.ocio was not found next to the executable or in the source tree; pass --ocio or set $OCIO")
        }
        return try load(path: bundled)
    }

    /// Like `resolve`, but loads each config file once per process: tasks reuse it.
    public static func shared(explicit: String? = nil) throws(ColorError) -> ColorConfig {
        let environment = ProcessInfo.processInfo.environment
        let key = explicit ?? environment["OCIO"].flatMap { $0.isEmpty ? nil : $0 } ?? BundledConfig.path ?? ""
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if let cached = cache[key] { return cached }
        let config = try resolve(explicit: explicit, environment: environment)
        cache[key] = config
        return config
    }

    private static let cacheLock = NSLock()
    nonisolated(unsafe) private static var cache: [String: ColorConfig] = [:]

    /// OCIO's own validation; nil when the config passes.
    public func validationProblem() -> String? {
        ocioCall { err, len in sf_ocio_config_validate(handle, err, len) }
    }

    /// Every active colour space name, in config order.
    public var colorspaceNames: [String] {
        (0..<sf_ocio_config_colorspace_count(handle)).compactMap { sf_ocio_config_colorspace_name(handle, $0).map(String.init(cString:)) }
    }

    /// Every colour space, active and inactive (the bundled config keeps display spaces inactive, as the official one does).
    public var allColorspaceNames: [String] {
        (0..<sf_ocio_config_colorspace_count_all(handle)).compactMap { sf_ocio_config_colorspace_name_all(handle, $0).map(String.init(cString:)) }
    }

    /// Every role the config defines.
    public var roleNames: [String] {
        (0..<sf_ocio_config_role_count(handle)).compactMap { sf_ocio_config_role_name(handle, $0).map(String.init(cString:)) }
    }

    /// The canonical colour space for a name, alias or role.
    public func colorspace(named name: String) throws(ColorError) -> String {
        guard let resolved = sf_ocio_config_resolve_colorspace(handle, name) else {
            throw .unknownColorspace(name: name, config: source, available: allColorspaceNames)
        }
        return String(cString: resolved)
    }

    /// A processor from `source` to `destination` (names, aliases or roles).
    public func processor(from source: String, to destination: String) throws(ColorError) -> ColorProcessor {
        let src = try colorspace(named: source)
        let dst = try colorspace(named: destination)
        var proc: OpaquePointer?
        let message = ocioCall { err, len in sf_ocio_processor_create(handle, src, dst, &proc, err, len) }
        guard let proc, message == nil else { throw .processor(source: source, destination: destination, message: message ?? "unknown error") }
        return ColorProcessor(handle: proc, source: src, destination: dst)
    }

    /// A processor from `source` through a display and view (for proxies).
    public func displayProcessor(from source: String, display: String, view: String) throws(ColorError) -> ColorProcessor {
        let src = try colorspace(named: source)
        var proc: OpaquePointer?
        let message = ocioCall { err, len in sf_ocio_display_processor_create(handle, src, display, view, &proc, err, len) }
        guard let proc, message == nil else {
            throw .processor(source: source, destination: "\(display) / \(view)", message: message ?? "unknown error")
        }
        return ColorProcessor(handle: proc, source: src, destination: "\(display) / \(view)")
    }
}

/// Calls a shim function with an error buffer; returns the message on failure, nil on success.
func ocioCall(_ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) -> String? {
    var buffer = [CChar](repeating: 0, count: 2048)
    let status = buffer.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
    guard status != 0 else { return nil }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}
