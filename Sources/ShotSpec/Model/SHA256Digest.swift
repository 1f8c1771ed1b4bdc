import Crypto
import Foundation

/// Content hashes for spec hashes and content-addressed artifacts.
public enum SHA256Digest {
    /// Lower-case hex SHA-256 of `bytes`.
    public static func hex(of bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    public static func hex(of text: String) -> String { hex(of: Array(text.utf8)) }
}
