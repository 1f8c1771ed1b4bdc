/// The median of a bench's repeated runs with their min and max, as Docs/performance.md reports
/// them (the upper median for an even count).
struct RunSpread {
    let median: Double
    let min: Double
    let max: Double

    init(_ values: [Double]) {
        let sorted = values.sorted()
        median = sorted[sorted.count / 2]
        min = sorted[0]
        max = sorted[sorted.count - 1]
    }
}
