import Foundation

/// The client public keys a CURVE server admits, each with the name ZAP reports as its user id.
public struct AuthorizedKeys: Sendable, Equatable {
    /// Z85 public key → name (the `.pub` file's base name).
    public let names: [String: String]

    /// Keys given directly as name → Z85 public key.
    public init(_ keysByName: [String: String]) throws(SecurityError) {
        var names: [String: String] = [:]
        for (name, key) in keysByName {
            try CurveKeyPair.validate(key, source: "authorized key '\(name)'")
            names[key] = name
        }
        self.names = names
    }

    /// Loads every `*.pub` file in `directory` (one key each, as `scenefarm keygen` writes them).
    public static func load(directory: URL) throws(SecurityError) -> AuthorizedKeys {
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "pub" }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw SecurityError.authorizedKeysUnreadable(directory: directory.path, reason: CurveKeyFile.reason(error))
        }
        guard !files.isEmpty else { throw SecurityError.noAuthorizedKeys(directory: directory.path) }
        var keysByName: [String: String] = [:]
        for file in files {
            keysByName[file.deletingPathExtension().lastPathComponent] = try CurveKeyPair.loadPublicKey(from: file)
        }
        return try AuthorizedKeys(keysByName)
    }

    /// The name under which `publicKey` (Z85) is authorised, or nil.
    public func name(for publicKey: String) -> String? {
        names[publicKey]
    }

    /// How many keys are authorised.
    public var count: Int { names.count }
}
