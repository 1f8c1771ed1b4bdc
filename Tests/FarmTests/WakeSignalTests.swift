@testable import Farm
import Foundation
import Testing

/// `WakeSignal` coalesces signals to one message in its pipe; the waiting thread empties the pipe
/// (`consume`) when its poll returns. However a signal on another thread interleaves with that,
/// a signal sent afterwards must still wake the poll: a signal lost for good would leave a node's
/// results waiting for its heartbeat, and the coordinator's off-loop replies for its poll timeout.
@Suite("Wake signal")
struct WakeSignalTests {
    @Test func aSignalAfterAStormOfRacingSignalsStillWakesThePoll() throws {
        let context = try ZMQContext()
        let wake = try WakeSignal(context: context)
        let poller = ZMQPoller([wake.receiver])
        let done = Atomic(false)
        let storm = Thread {
            for _ in 0..<200_000 { wake.signal() }
            done.set(true)
        }
        storm.start()
        // The waiter's side of the storm: poll, and consume whenever the pipe is readable.
        while !done.get() {
            if try poller.poll(timeout: .milliseconds(1)).contains(0) { wake.consume() }
        }
        if try poller.poll(timeout: .zero).contains(0) { wake.consume() }
        #expect(try poller.poll(timeout: .zero).isEmpty)
        wake.signal()
        #expect(try poller.poll(timeout: .seconds(2)).contains(0), "a signal after the storm did not wake the poll")
    }

    /// A flag shared by the two threads.
    final class Atomic: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Bool
        init(_ value: Bool) { self.value = value }
        func get() -> Bool { lock.withLock { value } }
        func set(_ new: Bool) { lock.withLock { value = new } }
    }
}
