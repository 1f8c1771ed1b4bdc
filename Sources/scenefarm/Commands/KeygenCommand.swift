import ArgumentParser
import Farm
import Foundation

struct KeygenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Write a CURVE key pair: NAME.key (secret, mode 0600) and NAME.pub (copy it to the coordinator's authorized keys).",
        discussion: "Refuses to overwrite an existing key (exit 2). See Docs/protocol.md for the file format."
    )

    @Option(help: "Directory for the key files; created if missing.") var out: String = "."
    @Option(help: "Base name of the key files (default: this host's short name).") var name: String?

    func run() async throws {
        let keyName = name ?? ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "scenefarm"
        do {
            let pair = try CurveKeyPair.generate()
            let files = try pair.save(directory: URL(fileURLWithPath: out), name: keyName)
            print("secret key: \(files.secretFile.path) (mode 0600, keep it on this machine)")
            print("public key: \(files.publicFile.path)")
            print("public = \(pair.publicKey)")
        } catch {
            throw Self.exit(for: error)
        }
    }

    /// A key already there or a bad name is the user's to fix (2); anything else is a failure (1).
    private static func exit(for error: SecurityError) -> ExitCode {
        switch error {
        case .keyExists, .invalidKeyName: return fail(error.description, code: ExitCodes.badInput)
        default: return fail(error.description, code: ExitCodes.failure)
        }
    }
}
