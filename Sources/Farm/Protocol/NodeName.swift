/// The rule for names peers choose and the coordinator uses in logs, paths and frame metadata:
/// node names, key names, lighting ids.
public enum NodeName {
    /// Longest name accepted.
    public static let maxLength = 64
    /// The rule `isValid` checks, in the words every refusal uses.
    public static let rule = "1–\(maxLength) characters of A–Z a–z 0–9 . _ - (not starting with '.')"

    /// 1…`maxLength` characters of ASCII letters, digits, `.`, `_` and `-`, not starting with `.`
    /// (so never empty, never a path, never a control character or a new log line).
    public static func isValid(_ name: String, maxLength: Int = NodeName.maxLength) -> Bool {
        let bytes = name.utf8
        guard (1...maxLength).contains(bytes.count), bytes.first != UInt8(ascii: ".") else { return false }
        return bytes.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }
}
