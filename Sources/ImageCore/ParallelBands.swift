import Dispatch
import Foundation

/// How many threads pixel loops may use: `SCENEFARM_THREADS`, or `scenefarm render|node
/// --threads`, else every core. Only speed depends on it: work is cut into the same bands
/// whatever the count, so every pixel, sum and decision is the same bits on any machine.
public enum WorkerThreads {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var configured: Int?

    /// The number in use now.
    public static var count: Int {
        lock.lock()
        defer { lock.unlock() }
        if let configured { return configured }
        if let text = ProcessInfo.processInfo.environment["SCENEFARM_THREADS"], let n = Int(text), n >= 1 { return min(n, maxCount) }
        return ProcessInfo.processInfo.activeProcessorCount
    }

    /// Sets the count for this process (`--threads`); nil goes back to the environment or cores.
    public static func set(_ count: Int?) {
        lock.lock()
        configured = count.map { max(1, min($0, maxCount)) }
        lock.unlock()
    }

    /// More threads than this only add scheduling overhead.
    public static let maxCount = 256
}

/// Splits `0..<count` into contiguous bands and runs `body` on each band concurrently.
///
/// Pixel loops use this so work spreads over every core without shared mutable state:
/// each band owns a disjoint range of rows. The bands depend only on `count` and
/// `minimumBand`, never on the machine, so a loop that keeps a partial result per band and
/// combines them in band order gives the same bits on one core or sixty-four.
public func parallelBands(count: Int, minimumBand: Int = 1, _ body: (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let bands = bandCount(count: count, minimumBand: minimumBand)
    if bands == 1 {
        body(0..<count)
        return
    }
    nonisolated(unsafe) let body = body
    concurrentForEach(count: bands) { band in
        let range = bandRange(band, of: bands, count: count)
        if !range.isEmpty { body(range) }
    }
}

/// How `parallelBands` cuts `0..<count`: at most 64 bands of at least `minimumBand` items.
public func bandCount(count: Int, minimumBand: Int = 1) -> Int {
    max(1, min(64, count / max(1, minimumBand)))
}

/// Band `band` of `bands` over `0..<count`.
public func bandRange(_ band: Int, of bands: Int, count: Int) -> Range<Int> {
    (count * band / bands)..<(count * (band + 1) / bands)
}

/// Runs `body(i)` for every `i` in `0..<count` on up to `WorkerThreads.count` threads, for
/// independent work items (EXR chunks, tiles, bands) whose results land in disjoint memory.
public func concurrentForEach(count: Int, _ body: (Int) -> Void) {
    guard count > 0 else { return }
    let workers = min(count, WorkerThreads.count)
    if workers == 1 {
        for i in 0..<count { body(i) }
        return
    }
    // Each worker takes the next item until none are left: which thread runs an item never
    // changes what the item computes.
    nonisolated(unsafe) let body = body
    let next = ItemCounter()
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while let i = next.take(below: count) { body(i) }
    }
}

/// The next unclaimed item index, shared by the workers of one `concurrentForEach`.
private final class ItemCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func take(below count: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < count else { return nil }
        value += 1
        return value - 1
    }
}
