import Foundation

/// Reads a child's stdout on its own thread into a bounded buffer that the caller drains with
/// deadline-bound line and byte reads, so a silent or runaway plugin can never hang the node.
final class PluginStreamReader: @unchecked Sendable {
    /// What a bounded read produced.
    enum Outcome: Equatable {
        case complete
        /// The stream closed; `received` says how much of the request had arrived.
        case ended(received: Int)
        case timedOut
        case cancelled
        case lineTooLong
    }

    private let handle: FileHandle
    private let condition = NSCondition()
    private var buffer: [UInt8] = []
    private var head = 0
    private var ended = false
    private var abandoned = false
    /// The reader thread pauses above this many unread bytes; frames stream through in pieces.
    private let highWater: Int
    /// How often a waiting read looks at the cancellation flag, which offers no wake-up of its own.
    private static let cancellationPoll: TimeInterval = 0.1

    init(handle: FileHandle, highWater: Int = 8 << 20) {
        self.handle = handle
        self.highWater = highWater
    }

    func start(name: String) {
        let thread = Thread { [self] in pump() }
        thread.name = name
        thread.start()
    }

    /// Lets the reader thread drop everything from now on (the caller has given up on the stream).
    func abandon() {
        condition.lock()
        abandoned = true
        buffer = []
        head = 0
        condition.broadcast()
        condition.unlock()
    }

    private func pump() {
        let fd = handle.fileDescriptor
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            condition.lock()
            while buffer.count - head >= highWater && !abandoned { condition.wait() }
            condition.unlock()
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            condition.lock()
            if n <= 0 {
                ended = true
                condition.broadcast()
                condition.unlock()
                return
            }
            if !abandoned {
                if head > (1 << 20) && head * 2 > buffer.count {
                    buffer.removeFirst(head)
                    head = 0
                }
                buffer.append(contentsOf: chunk[0..<n])
                condition.broadcast()
            }
            condition.unlock()
        }
    }

    /// Reads one newline-terminated line (without the newline) of at most `maxLength` bytes.
    func readLine(maxLength: Int, deadline: Date, cancellation: CancellationFlag?) -> (Outcome, [UInt8]) {
        condition.lock()
        defer { condition.unlock() }
        // Counted from `head`, because the reader thread may compact the buffer while we wait.
        var scanned = 0
        while true {
            if let newline = buffer[(head + scanned)...].firstIndex(of: 0x0A) {
                let line = Array(buffer[head..<newline])
                head = newline + 1
                condition.broadcast()
                return (.complete, line)
            }
            scanned = buffer.count - head
            if buffer.count - head > maxLength { return (.lineTooLong, Array(buffer[head..<(head + min(200, maxLength))])) }
            if ended { return (.ended(received: buffer.count - head), Array(buffer[head...])) }
            if let outcome = waitForData(deadline: deadline, cancellation: cancellation) { return (outcome, []) }
        }
    }

    /// Fills `destination` with exactly its size in bytes from the stream.
    func readBytes(into destination: UnsafeMutableRawBufferPointer, deadline: Date, cancellation: CancellationFlag?) -> Outcome {
        condition.lock()
        defer { condition.unlock() }
        var filled = 0
        while filled < destination.count {
            let available = min(buffer.count - head, destination.count - filled)
            if available > 0 {
                buffer.withUnsafeBytes { source in
                    destination.baseAddress!.advanced(by: filled)
                        .copyMemory(from: source.baseAddress!.advanced(by: head), byteCount: available)
                }
                head += available
                filled += available
                condition.broadcast()
                continue
            }
            if ended { return .ended(received: filled) }
            if let outcome = waitForData(deadline: deadline, cancellation: cancellation) { return outcome }
        }
        return .complete
    }

    /// Waits (lock held) until more data may be there; nil means look again.
    private func waitForData(deadline: Date, cancellation: CancellationFlag?) -> Outcome? {
        if cancellation?.isCancelled == true { return .cancelled }
        let now = Date()
        if now >= deadline { return .timedOut }
        let wake = cancellation == nil ? deadline : min(deadline, now.addingTimeInterval(Self.cancellationPoll))
        _ = condition.wait(until: wake)
        return nil
    }
}
