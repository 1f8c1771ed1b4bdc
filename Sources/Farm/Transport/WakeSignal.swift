import Foundation

/// Wakes a thread blocked in `zmq_poll` from any other thread: an inproc PAIR pipe whose
/// receiving end the waiting thread polls beside its network sockets (the ZeroMQ guide's way of
/// signalling between threads). The coordinator's off-loop SUBMIT checks and STATUS reads use it
/// to have their answers sent as soon as they are ready; a node's drain or stop wakes its idle
/// loop, which otherwise sleeps until its next heartbeat. (Waking a node's loop for every
/// finished result was measured slower than its 5 ms flush: FarmNode.)
///
/// `signal` may be called from any thread: the sending socket is used under a lock (a mutex is
/// the full memory barrier libzmq asks for when a socket changes threads). Signals coalesce: at
/// most one message is in the pipe, so it can never fill up, and a burst of signals costs one
/// wake-up.
public final class WakeSignal: @unchecked Sendable {
    /// The end to poll; confined, like any socket, to the one thread that waits on it.
    public let receiver: ZMQSocket
    private let sender: ZMQSocket
    private let lock = NSLock()
    /// Whether a signal is in the pipe and not yet consumed by `consume`.
    private var pending = false

    /// Opens both ends in `context`. Call it on the thread that will poll `receiver`, or before
    /// starting that thread.
    public init(context: ZMQContext) throws(TransportError) {
        let endpoint = "inproc://scenefarm-wake-\(UUID().uuidString)"
        receiver = try ZMQSocket(context: context, kind: .pair, linger: .zero)
        try receiver.bind(endpoint)
        sender = try ZMQSocket(context: context, kind: .pair, linger: .zero)
        try sender.connect(endpoint)
    }

    /// Makes the next (or current) poll of `receiver` return. Never blocks for long: the pipe
    /// holds at most one message.
    public func signal() {
        lock.lock()
        defer { lock.unlock() }
        guard !pending else { return }
        pending = true
        do {
            try sender.send([Data()])
        } catch {
            // Only a closing context fails an inproc send; the waiter's timeout still wakes it.
            pending = false
        }
    }

    /// Empties the pipe; the waiting thread calls it when `receiver` polled readable, before it
    /// looks at what the signal was about, so a signal sent after that look wakes it again.
    /// Pipe and flag change together, under the lock: a signal slipping in between (after the
    /// flag was cleared, before the pipe was emptied) would have its message drained while its
    /// flag stayed set, and every later signal would be swallowed by that flag.
    public func consume() {
        lock.lock()
        defer { lock.unlock() }
        while (try? receiver.receive(timeout: .zero)) != nil {}
        pending = false
    }
}
