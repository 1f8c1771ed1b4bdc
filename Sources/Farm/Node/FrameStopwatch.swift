import Foundation

/// Measures the stages of one frame after another on a monotonic clock (the node's side of
/// `FrameTimings`).
struct FrameStopwatch {
    private(set) var timings = FrameTimings()
    private var mark = ContinuousClock.now

    /// Seconds since the last mark, and a new mark.
    mutating func lap() -> Double {
        let now = ContinuousClock.now
        let elapsed = now - mark
        mark = now
        return elapsed.seconds
    }

    /// Starts the clock again (e.g. just before the generator is called).
    mutating func restart() { mark = .now }

    mutating func record(_ frame: FrameTimings.Frame) { timings.frames.append(frame) }
}
