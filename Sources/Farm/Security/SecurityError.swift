import Foundation

/// Why keys, authorisation or a bind address are not usable; each message says what to do.
public enum SecurityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libzmq was built without libsodium, so CURVE is not available.
    case curveUnavailable
    case keyGenerationFailed(reason: String)
    case invalidKey(source: String, reason: String)
    case invalidKeyName(String)
    case keyExists(path: String)
    case keyFileUnreadable(path: String, reason: String)
    case keyFileMalformed(path: String, line: Int, reason: String)
    case keyFileWriteFailed(path: String, reason: String)
    /// A secret key file that group or others may read: refused, like ssh does.
    case secretKeyExposed(path: String, mode: Int)
    case authorizedKeysUnreadable(directory: String, reason: String)
    case noAuthorizedKeys(directory: String)
    /// `*.pub` files directly in `--authorized-keys`, which holds `nodes/` and `clients/`.
    case authorizedKeysNotSorted(directory: String, files: [String])
    case zapHandlerFailed(reason: String)
    /// A coordinator without CURVE keys asked to listen beyond loopback.
    case insecureBind(endpoint: String)

    public var description: String {
        switch self {
        case .curveUnavailable:
            return "CURVE security: this libzmq was built without libsodium (zmq_has(\"curve\") is false); install a libzmq with CURVE support"
        case .keyGenerationFailed(let reason):
            return "zmq_curve_keypair: \(reason)"
        case .invalidKey(let source, let reason):
            return "\(source): \(reason)"
        case .invalidKeyName(let name):
            return "key name '\(name)': use 1–64 characters of A–Z, a–z, 0–9, '.', '_' and '-', not starting with '.'"
        case .keyExists(let path):
            return "\(path): already exists; refusing to overwrite a key (remove it or pick another --name)"
        case .keyFileUnreadable(let path, let reason):
            return "\(path): cannot read key file: \(reason)"
        case .keyFileMalformed(let path, let line, let reason):
            return "\(path):\(line): \(reason)"
        case .keyFileWriteFailed(let path, let reason):
            return "\(path): cannot write key file: \(reason)"
        case .secretKeyExposed(let path, let mode):
            return "\(path): secret key is readable by others (mode \(String(mode, radix: 8))); run chmod 600 \(path)"
        case .authorizedKeysUnreadable(let directory, let reason):
            return "\(directory): cannot read authorized keys: \(reason)"
        case .noAuthorizedKeys(let directory):
            return "\(directory): no *.pub files, so no peer could connect; copy each node's NAME.pub into \(directory)/nodes/ and each client's into \(directory)/clients/"
        case .authorizedKeysNotSorted(let directory, let files):
            return "\(directory): \(files.joined(separator: ", ")) must move: node keys go in \(directory)/nodes/, client keys in \(directory)/clients/ (a node is named after its key file)"
        case .zapHandlerFailed(let reason):
            return "ZAP handler: \(reason)"
        case .insecureBind(let endpoint):
            return "\(endpoint): refusing to listen beyond loopback without encryption; give --curve-secret and --authorized-keys, or bind tcp://127.0.0.1:PORT, or pass --insecure on a trusted network"
        }
    }
}
