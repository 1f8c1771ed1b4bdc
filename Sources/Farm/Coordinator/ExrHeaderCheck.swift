import Foundation

/// Reads just enough of an OpenEXR file's header to tell whether a node really wrote the frame it
/// claims: the magic number, the data window and the string attributes. Bounded: at most
/// `maxHeaderBytes` are read and every attribute size is checked against what was read.
enum ExrHeaderCheck {
    /// Headers SceneFarm writes are about 2 KiB; anything past this is refused.
    static let maxHeaderBytes = 64 << 10

    struct Header: Equatable {
        var width: Int
        var height: Int
        var strings: [String: String]
        /// Bytes of the header, including the terminating null byte.
        var size: Int
    }

    /// The header of the EXR file at `url`, or a reason it is not one.
    static func read(_ url: URL) -> Result<Header, Reason> {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return .failure(Reason("cannot open")) }
        defer { try? handle.close() }
        var bytes = [UInt8]()
        var chunk = 8 << 10
        while bytes.count < maxHeaderBytes {
            guard let data = try? handle.read(upToCount: min(chunk, maxHeaderBytes - bytes.count)), !data.isEmpty else { break }
            bytes += data
            switch parse(bytes) {
            case .success(let header): return .success(header)
            case .failure(let reason) where reason.text != truncated: return .failure(reason)
            case .failure: chunk *= 2
            }
        }
        return .failure(Reason(bytes.count >= maxHeaderBytes ? "header longer than \(maxHeaderBytes) bytes" : "file ends inside the header"))
    }

    struct Reason: Error, Equatable, CustomStringConvertible {
        let text: String
        init(_ text: String) { self.text = text }
        var description: String { text }
    }

    private static let truncated = "truncated"

    static func parse(_ bytes: [UInt8]) -> Result<Header, Reason> {
        guard bytes.count >= 8 else { return .failure(Reason(truncated)) }
        guard bytes[0] == 0x76, bytes[1] == 0x2F, bytes[2] == 0x31, bytes[3] == 0x01 else { return .failure(Reason("not an OpenEXR file (bad magic number)")) }
        // Multi-part and deep files are not plates SceneFarm writes.
        guard bytes[5] & 0x18 == 0 else { return .failure(Reason("multi-part or deep EXR")) }
        var offset = 8
        func cString() -> String?? {
            guard let end = bytes[offset...].firstIndex(of: 0) else { return .some(nil) }
            defer { offset = end + 1 }
            return String(bytes: bytes[offset..<end], encoding: .utf8)
        }
        var window: (Int32, Int32, Int32, Int32)?
        var strings: [String: String] = [:]
        while true {
            guard case .some(let nameOrNil) = cString(), let name = nameOrNil else { return .failure(Reason(truncated)) }
            if name.isEmpty { break }
            guard case .some(let typeOrNil) = cString(), let type = typeOrNil else { return .failure(Reason(truncated)) }
            guard offset + 4 <= bytes.count else { return .failure(Reason(truncated)) }
            let size = Int(int32(bytes, offset))
            offset += 4
            guard size >= 0 else { return .failure(Reason("attribute '\(name)' has a negative size")) }
            guard offset + size <= bytes.count else { return .failure(Reason(truncated)) }
            if name == "dataWindow", type == "box2i", size == 16 {
                window = (int32(bytes, offset), int32(bytes, offset + 4), int32(bytes, offset + 8), int32(bytes, offset + 12))
            } else if type == "string" {
                strings[name] = String(decoding: bytes[offset..<(offset + size)], as: UTF8.self)
            }
            offset += size
        }
        guard let (xMin, yMin, xMax, yMax) = window, xMax >= xMin, yMax >= yMin else { return .failure(Reason("no valid dataWindow")) }
        return .success(Header(width: Int(xMax) - Int(xMin) + 1, height: Int(yMax) - Int(yMin) + 1, strings: strings, size: offset))
    }

    private static func int32(_ bytes: [UInt8], _ at: Int) -> Int32 {
        Int32(bitPattern: UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24)
    }
}
