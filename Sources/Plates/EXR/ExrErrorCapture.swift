import COpenEXR
import Foundation

/// Collects the messages OpenEXR reports through its error handler, so they reach our errors
/// instead of being printed to stderr by the library's default handler.
final class ExrErrorCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []

    /// When writing to memory (DWA staging): the file's bytes, grown as OpenEXR writes at offsets.
    private(set) var memory: [UInt8] = []

    func append(_ message: String) {
        lock.lock()
        messages.append(message)
        lock.unlock()
    }

    var last: String? {
        lock.lock()
        defer { lock.unlock() }
        return messages.last
    }

    /// The first message: when parsing a header fails, the cause (later ones are its consequences).
    var first: String? {
        lock.lock()
        defer { lock.unlock() }
        return messages.first
    }

    /// A context initializer whose error handler records into this capture.
    func initializer() -> exr_context_initializer_t {
        var initializer = exr_context_initializer_t()
        initializer.size = MemoryLayout<exr_context_initializer_t>.size
        initializer.user_data = Unmanaged.passUnretained(self).toOpaque()
        initializer.error_handler_fn = { ctxt, code, message in
            var userData: UnsafeMutableRawPointer?
            guard let ctxt, exr_get_user_data(ctxt, &userData) == 0, let userData else { return }
            let capture = Unmanaged<ExrErrorCapture>.fromOpaque(userData).takeUnretainedValue()
            let text = message.map { String(cString: $0) } ?? String(cString: exr_get_default_error_message(code))
            capture.append(text)
        }
        return initializer
    }

    /// An initializer that also sends the file's bytes to `memory` instead of a file.
    func memoryInitializer() -> exr_context_initializer_t {
        var initializer = initializer()
        initializer.write_fn = { _, userData, buffer, size, offset, _ in
            guard let userData, let buffer else { return -1 }
            let capture = Unmanaged<ExrErrorCapture>.fromOpaque(userData).takeUnretainedValue()
            capture.store(UnsafeBufferPointer(start: buffer.assumingMemoryBound(to: UInt8.self), count: Int(size)), at: Int(offset))
            return Int64(size)
        }
        return initializer
    }

    /// Room for a file of about `bytes` bytes in `memory`, so a 4K frame is not copied again each
    /// time the array outgrows its storage.
    func reserveMemory(_ bytes: Int) {
        memory.reserveCapacity(bytes)
    }

    /// Puts `bytes` at `offset` of `memory`. OpenEXR writes the chunks in file order at the end,
    /// so they are appended straight from its buffer (zero-filling first and copying over that
    /// cost a 4K DWA frame a memset of the whole file); it goes back only to fill in the chunk
    /// offset table, which lands on bytes already there. A gap, if one came, reads as zeros.
    private func store(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) {
        if offset > memory.count { memory.append(contentsOf: repeatElement(0, count: offset - memory.count)) }
        let overwritten = min(bytes.count, memory.count - offset)
        if overwritten > 0 {
            memory.withUnsafeMutableBufferPointer { ($0.baseAddress! + offset).update(from: bytes.baseAddress!, count: overwritten) }
        }
        if overwritten < bytes.count { memory.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[overwritten...])) }
    }

    /// Describes a failed call: the handler's message if any, else the library's text for the code.
    func message(for code: exr_result_t) -> String {
        last ?? String(cString: exr_get_default_error_message(code))
    }
}
