import Dispatch
import Foundation

/// Splits `0..<count` into contiguous bands and runs `body` on each band concurrently.
///
/// Pixel loops use this so work spreads over every core without shared mutable state:
/// each band owns a disjoint range of rows.
public func parallelBands(count: Int, minimumBand: Int = 1, _ body: (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let bands = max(1, min(cores * 4, count / max(1, minimumBand)))
    if bands == 1 {
        body(0..<count)
        return
    }
    // Bands touch disjoint rows, so sharing the (non-Sendable) body across threads is sound.
    nonisolated(unsafe) let body = body
    DispatchQueue.concurrentPerform(iterations: bands) { band in
        let start = count * band / bands
        let end = count * (band + 1) / bands
        if start < end { body(start..<end) }
    }
}

/// Runs `body(i)` for every `i` in `0..<count` concurrently, for independent work items
/// (EXR chunks, tiles) whose results land in disjoint memory.
public func concurrentForEach(count: Int, _ body: (Int) -> Void) {
    guard count > 0 else { return }
    if count == 1 {
        body(0)
        return
    }
    nonisolated(unsafe) let body = body
    DispatchQueue.concurrentPerform(iterations: count) { body($0) }
}
