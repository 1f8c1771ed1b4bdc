import CLibCrypto
import Foundation

/// Content hashes for spec hashes and content-addressed artifacts: SHA-256 from the system's
/// OpenSSL libcrypto.
public enum SHA256Digest {
    /// Lower-case hex SHA-256 of `bytes`.
    public static func hex(of bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        bytes.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                _ = SHA256(input.baseAddress, input.count, output.baseAddress)
            }
        }
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    public static func hex(of text: String) -> String { hex(of: Array(text.utf8)) }
}
