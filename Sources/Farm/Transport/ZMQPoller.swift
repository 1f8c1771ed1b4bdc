import CZeroMQ

/// Waits on several sockets at once (`zmq_poll`); like its sockets, use it from their one thread.
public final class ZMQPoller {
    /// The sockets polled, in the order `poll` reports indices.
    public let sockets: [ZMQSocket]

    /// Polls `sockets` for readability.
    public init(_ sockets: [ZMQSocket]) {
        self.sockets = sockets
    }

    /// Indices into `sockets` that have a message waiting, after up to `timeout` (`nil`: forever); empty on timeout.
    public func poll(timeout: Duration?) throws(TransportError) -> [Int] {
        var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now + $0 }
        while true {
            let wait = deadline.map { max(Duration.zero, $0 - clock.now).zmqMilliseconds } ?? -1
            let ready = zmq_poll(&items, Int32(items.count), wait)
            if ready >= 0 {
                return items.indices.filter { items[$0].revents & Int16(ZMQ_POLLIN) != 0 }
            }
            if zmq_errno() != EINTR {
                throw TransportError.current("zmq_poll", target: sockets.map(\.target).joined(separator: "; "))
            }
        }
    }
}
