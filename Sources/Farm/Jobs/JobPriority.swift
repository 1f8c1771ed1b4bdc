/// A job's dispatch priority: ready tasks of higher-priority jobs are dispatched first, and
/// jobs of equal priority in submission order. New jobs start at `default`; a wrangler changes
/// it while the job is queued or running (`scenefarm priority`, the dashboard, the HTTP API).
public enum JobPriority {
    public static let `default` = 0
    /// Accepted values; anything else is refused (`bad_input`) naming this range.
    public static let range = -1000...1000

    /// Why `value` is not a priority, or nil when it is one.
    public static func problem(_ value: Int) -> String? {
        range.contains(value) ? nil : "priority \(value) is outside \(range.lowerBound)…\(range.upperBound)"
    }
}
