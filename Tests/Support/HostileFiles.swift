import Foundation

/// A single-part scanline EXR file's bytes with the header walked, so a test can damage one field
/// of a valid file (written by our writer or OpenEXR) and hand the result to a reader. The layout
/// is the OpenEXR file format's: magic and version, attributes (name, type, size, value) up to a
/// null byte, the chunk offset table, then chunks of (row, size, data).
public struct ExrBytes {
    public struct Attribute {
        public let name: String
        public let type: String
        /// Where the attribute's 4-byte size field is.
        public let sizeOffset: Int
        /// Where its value starts.
        public let valueOffset: Int
        public let size: Int
    }

    public private(set) var bytes: [UInt8]
    public private(set) var attributes: [Attribute] = []
    /// Where the chunk offset table starts (just past the header's closing null byte).
    public private(set) var tableOffset = 0

    public init(contentsOf path: String) throws {
        try self.init([UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
    }

    public init(_ bytes: [UInt8]) throws {
        self.bytes = bytes
        try walk()
    }

    public func attribute(_ name: String) -> Attribute? { attributes.first { $0.name == name } }

    /// Rows per chunk for the file's compression, from the OpenEXR file format's table.
    public var linesPerChunk: Int {
        guard let compression = attribute("compression") else { return 1 }
        return [1, 1, 1, 16, 32, 16, 32, 32, 32, 256][min(9, Int(bytes[compression.valueOffset]))]
    }

    /// Chunks the data window holds.
    public var chunkCount: Int {
        guard let window = attribute("dataWindow") else { return 0 }
        let height = Int(int32(at: window.valueOffset + 12)) - Int(int32(at: window.valueOffset + 4)) + 1
        return (height + linesPerChunk - 1) / linesPerChunk
    }

    public var chunkOffsets: [UInt64] {
        get { (0..<chunkCount).map { uint64(at: tableOffset + 8 * $0) } }
        set { for (i, offset) in newValue.enumerated() { setUInt64(offset, at: tableOffset + 8 * i) } }
    }

    /// Sets the data window to (minX, minY) – (maxX, maxY); nothing else changes.
    public mutating func setDataWindow(_ minX: Int32, _ minY: Int32, _ maxX: Int32, _ maxY: Int32) {
        guard let window = attribute("dataWindow") else { return }
        for (i, value) in [minX, minY, maxX, maxY].enumerated() { setInt32(value, at: window.valueOffset + 4 * i) }
    }

    /// Overwrites the first byte of `name`'s value (compression, line order).
    public mutating func setByteValue(of name: String, to value: UInt8) {
        guard let attribute = attribute(name) else { return }
        bytes[attribute.valueOffset] = value
    }

    /// Overwrites `name`'s size field only, so the value no longer matches it.
    public mutating func setDeclaredSize(of name: String, to size: Int32) {
        guard let attribute = attribute(name) else { return }
        setInt32(size, at: attribute.sizeOffset)
    }

    /// Adds an attribute at the end of the header and moves every chunk offset past it; names
    /// over 31 characters set the version's long-names flag, as OpenEXR's writer does.
    public mutating func addAttribute(name: String, type: String, value: [UInt8]) throws {
        let offsets = chunkOffsets
        let record = Array(name.utf8) + [0] + Array(type.utf8) + [0] + Self.littleEndian(UInt32(value.count)) + value
        bytes.insert(contentsOf: record, at: tableOffset - 1)
        if name.utf8.count > 31 { bytes[5] |= 0x04 }
        try walk()
        chunkOffsets = offsets.map { $0 + UInt64(record.count) }
    }

    /// Overwrites the 4-byte size in the leader of the chunk at `offset`.
    public mutating func setChunkSize(at offset: UInt64, to size: Int32) { setInt32(size, at: Int(offset) + 4) }

    /// Overwrites `count` bytes at `offset` with `byte`.
    public mutating func fill(_ byte: UInt8, at offset: Int, count: Int) {
        for i in offset..<min(bytes.count, offset + count) { bytes[i] = byte }
    }

    @discardableResult
    public func write(to path: String) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    public func int32(at offset: Int) -> Int32 {
        Int32(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) })
    }

    private func uint64(at offset: Int) -> UInt64 { (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) } }

    private mutating func setInt32(_ value: Int32, at offset: Int) {
        for (i, byte) in Self.littleEndian(UInt32(bitPattern: value)).enumerated() { bytes[offset + i] = byte }
    }

    private mutating func setUInt64(_ value: UInt64, at offset: Int) {
        for i in 0..<8 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    private mutating func walk() throws {
        struct NotAnEXR: Error {}
        guard bytes.count > 8, bytes[0] == 0x76, bytes[1] == 0x2F, bytes[2] == 0x31, bytes[3] == 0x01 else { throw NotAnEXR() }
        var p = 8
        func text() throws -> String {
            guard let end = bytes[p...].firstIndex(of: 0) else { throw NotAnEXR() }
            defer { p = end + 1 }
            return String(decoding: bytes[p..<end], as: UTF8.self)
        }
        attributes = []
        while p < bytes.count, bytes[p] != 0 {
            let name = try text(), type = try text()
            guard p + 4 <= bytes.count else { throw NotAnEXR() }
            let size = Int(int32(at: p))
            guard size >= 0, p + 4 + size <= bytes.count else { throw NotAnEXR() }
            attributes.append(Attribute(name: name, type: type, sizeOffset: p, valueOffset: p + 4, size: size))
            p += 4 + size
        }
        tableOffset = p + 1
    }
}

/// Named pipes for tests that hand one to a reader, which must refuse it rather than block.
public enum NamedPipe {
    /// Makes a FIFO at `path`.
    public static func make(_ path: String) throws {
        struct MkfifoFailed: Error { let code: Int32 }
        guard mkfifo(path, 0o644) == 0 else { throw MkfifoFailed(code: errno) }
    }

    /// Runs `body` while a watchdog keeps opening and closing the pipe's write end, so a reader
    /// that does block on the pipe (the bug) sees end-of-file within a fraction of a second and
    /// the test fails on its assertions instead of hanging the run.
    public static func withWatchdog<T>(_ path: String, _ body: () throws -> T) rethrows -> T {
        let done = Flag()
        let watchdog = Thread {
            while !done.isSet {
                let fd = open(path, O_WRONLY | O_NONBLOCK)
                if fd >= 0 { close(fd) }
                usleep(50_000)
            }
        }
        watchdog.start()
        defer { done.set() }
        return try body()
    }

    private final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool {
            lock.lock()
            defer { lock.unlock() }
            return value
        }
        func set() {
            lock.lock()
            value = true
            lock.unlock()
        }
    }
}
