import Foundation

/// The bearer tokens the HTTP server accepts: one per line in `--http-token-file` (blank lines
/// and `#` comments ignored), or one made at start-up and written beside the job store.
/// Compared in constant time, so response timing says nothing about a token's prefix.
public struct BearerTokens: Sendable {
    /// Shortest token accepted from a file (128 bits as hex is 32).
    public static let minimumLength = 16
    /// Largest token file read.
    public static let maxFileBytes = 64 << 10

    private let tokens: [[UInt8]]

    public init(_ tokens: [String]) {
        self.tokens = tokens.map { Array($0.utf8) }
    }

    public var isEmpty: Bool { tokens.isEmpty }

    /// Loads a token file; refuses one other users can read, or one without a usable token.
    public static func load(file path: String) throws(WebError) -> BearerTokens {
        var status = stat()
        guard stat(path, &status) == 0 else { throw .tokenFile(path: path, reason: String(cString: strerror(errno))) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw .tokenFile(path: path, reason: "not a regular file") }
        guard status.st_mode & 0o077 == 0 else { throw .tokenFile(path: path, reason: "readable by other users; chmod 600 it") }
        guard status.st_size <= maxFileBytes else { throw .tokenFile(path: path, reason: "larger than \(maxFileBytes) bytes") }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw .tokenFile(path: path, reason: "not readable UTF-8 text") }
        var tokens: [String] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard line.count >= minimumLength, line.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                throw .tokenFile(path: path, reason: "line \(number + 1): a token is at least \(minimumLength) printable ASCII characters without spaces")
            }
            tokens.append(line)
        }
        guard !tokens.isEmpty else { throw .tokenFile(path: path, reason: "holds no token") }
        return BearerTokens(tokens)
    }

    /// A fresh random token written to `file` (mode 0600), for a loopback server without a token file.
    public static func generate(into file: URL) throws(WebError) -> BearerTokens {
        var bytes = [UInt8](repeating: 0, count: 24)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        let token = bytes.map { String(format: "%02x", $0) }.joined()
        let fd = open(file.path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .tokenFile(path: file.path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let line = Array((token + "\n").utf8)
        guard write(fd, line, line.count) == line.count else { throw .tokenFile(path: file.path, reason: "cannot write") }
        return BearerTokens([token])
    }

    /// Whether an `Authorization` header value carries one of the tokens.
    public func accepts(authorization header: String?) -> Bool {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return false }
        let offered = Array(header.dropFirst(7).trimmingCharacters(in: .whitespaces).utf8)
        var accepted = false
        for token in tokens { accepted = Self.constantTimeEqual(token, offered) || accepted }
        return accepted
    }

    /// Compares every byte whatever the first difference; only the lengths leak.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) {
            difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return difference == 0
    }
}
