/// Text a peer sent, made safe for a one-line log entry: control characters escaped, cut short.
enum LogText {
    /// At most `limit` characters of `text`, with newlines, NULs and other control characters
    /// written as escapes, so a peer cannot forge a log line or flood the log.
    static func quoted(_ text: String, limit: Int = 200) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(limit) {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return text.unicodeScalars.count > limit ? out + "…(\(text.utf8.count) bytes)" : out
    }
}
