import Foundation

/// Keeps the first failure reported by concurrent workers (bands, EXR chunks), so a parallel
/// loop can finish and then report one clear message.
public final class FirstMessage: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: String?

    public init() {}

    public func record(_ message: String) {
        lock.lock()
        if stored == nil { stored = message }
        lock.unlock()
    }

    public var value: String? {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
