import Foundation
import ImageCore
import Plates
import ShotSpec
import Testing
import TestSupport

/// Damaged and lying EXR files, each made by writing a valid frame and changing a few bytes. The
/// authority on whether a file is readable is OpenEXR's own tools: `exrheader` (header and offset
/// table) and `exrmaketiled`, which decodes every pixel through the C++ library.
@Suite("Hostile EXR files")
struct HostileExrTests {
    /// A valid 64×32 RGB frame with `compression`, as the file's bytes.
    static func frame(_ dir: TemporaryDirectory, _ compression: Compression = .zip, bitDepth: BitDepth = .half) throws -> ExrBytes {
        let url = dir.appending("valid-\(compression.rawValue).exr")
        let writer = try PlateWriter(format: PlateFormat(colorspace: "ACES2065-1", compression: compression, bitDepth: bitDepth, channels: .rgb))
        try writer.write(hdrTestImage(width: 64, height: 32), to: url, metadata: testMetadata())
        return try ExrBytes(contentsOf: url.path)
    }

    static func openEXRRefusesHeader(_ path: String) throws -> Bool { try Tool.run("exrheader", [path]).status != 0 }

    static func openEXRRefusesPixels(_ path: String) throws -> Bool {
        try Tool.run("exrmaketiled", [path, path + ".tiled.exr"]).status != 0
    }

    /// `scenefarm inspect path` with its address space capped (1 GiB by default), so a reader
    /// that allocates what a header claims fails here instead of filling the machine.
    static func inspect(_ path: String, capKiB: Int = 1 << 20) throws -> Tool.Result {
        try Tool.run("/bin/sh", ["-c", "ulimit -v \(capKiB); exec \"$0\" inspect \"$1\"", Repository.scenefarm, path])
    }

    /// Exit 2 with one `error:` line that names `path`.
    static func expectRefused(_ result: Tool.Result, naming path: String, saying words: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 2, "exit \(result.status): \(result.stderr.prefix(400))", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.hasPrefix("error: \(path)") == true, "\(result.stderr.prefix(400))", sourceLocation: sourceLocation)
        for word in words { #expect(result.stderr.contains(word), "no '\(word)' in: \(result.stderr.prefix(400))", sourceLocation: sourceLocation) }
    }

    @Test("a header claiming 100000×100000 or 20000×20000 pixels is refused by name before anything is allocated",
          arguments: [Int32(100_000), 20000])
    func hugeDataWindow(side: Int32) throws {
        let dir = TemporaryDirectory()
        var file = try Self.frame(dir)
        file.setDataWindow(0, 0, side - 1, side - 1)
        let path = try file.write(to: dir.appending("huge.exr").path)
        // The bound is ours (ExrLimits.plate); under the 1 GiB cap, allocating first would abort.
        Self.expectRefused(try Self.inspect(path), naming: path, saying: ["\(side)×\(side)", "at most"])
        #expect {
            try PlateReader.read(path)
        } throws: { error in
            if case .overLimit = error as? PlateError { return true }
            return false
        }
    }

    @Test("a data window within the limits but larger than the file could hold is refused before the 1 GiB frame is allocated")
    func headerLargerThanTheFile() throws {
        let dir = TemporaryDirectory()
        var file = try Self.frame(dir, .none)
        // 8192×8192 is within ExrLimits.plate; as RGBA Float32 it would take 1 GiB, past the cap.
        file.setDataWindow(0, 0, 8191, 8191)
        let path = try file.write(to: dir.appending("liar.exr").path)
        // Uncompressed files hold one row a chunk (the OpenEXR file format): 8192 chunks, each at
        // least an 8-byte table entry and an 8-byte leader, cannot fit in this file.
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size < 8192 * 16)
        Self.expectRefused(try Self.inspect(path), naming: path, saying: ["8192 chunks", "\(size) bytes"])
    }

    /// Damage OpenEXR's reader refuses: the tool that must refuse it, and what to change.
    struct Damage: CustomTestStringConvertible, Sendable {
        let name: String
        let authority: String
        let compression: Compression
        let apply: @Sendable (inout ExrBytes) throws -> Void
        var testDescription: String { name }
    }

    static let refusedByOpenEXR: [Damage] = [
        Damage(name: "unknown compression id", authority: "exrheader", compression: .zip) { $0.setByteValue(of: "compression", to: 42) },
        Damage(name: "unknown line order", authority: "exrheader", compression: .zip) { $0.setByteValue(of: "lineOrder", to: 7) },
        Damage(name: "negative attribute size", authority: "exrheader", compression: .zip) { $0.setDeclaredSize(of: "owner", to: -5) },
        Damage(name: "attribute size past the end of the file", authority: "exrheader", compression: .zip) {
            $0.setDeclaredSize(of: "owner", to: 0x7FFF_FF00)
        },
        Damage(name: "300-character attribute name", authority: "exrheader", compression: .zip) {
            try $0.addAttribute(name: String(repeating: "x", count: 300), type: "string", value: Array("hello".utf8))
        },
        Damage(name: "chunk offsets backwards", authority: "exrmaketiled", compression: .zip) { $0.chunkOffsets = $0.chunkOffsets.reversed() },
        Damage(name: "chunk leader naming the wrong row", authority: "exrmaketiled", compression: .zip) {
            let second = Int($0.chunkOffsets[1])
            $0.fill(3, at: second, count: 1)
        },
        Damage(name: "chunk size past the end of the file", authority: "exrmaketiled", compression: .zip) {
            $0.setChunkSize(at: $0.chunkOffsets[1], to: 100_000)
        },
        Damage(name: "uncompressed chunk shorter than its row", authority: "exrmaketiled", compression: .none) {
            $0.setChunkSize(at: $0.chunkOffsets[0], to: 100)
        },
    ]

    @Test("a file OpenEXR's reader refuses is refused by inspect and by the plate reader, in one line naming it", arguments: refusedByOpenEXR)
    func refusedLikeOpenEXR(damage: Damage) throws {
        let dir = TemporaryDirectory()
        var file = try Self.frame(dir, damage.compression)
        try damage.apply(&file)
        let path = try file.write(to: dir.appending("damaged.exr").path)
        let openEXRRefuses = damage.authority == "exrheader" ? try Self.openEXRRefusesHeader(path) : try Self.openEXRRefusesPixels(path)
        #expect(openEXRRefuses, "\(damage.authority) accepts the damaged file; the case no longer tests anything")
        Self.expectRefused(try Self.inspect(path), naming: path)
        #expect(throws: PlateError.self) { _ = try PlateReader.read(path) }
    }

    @Test("damage OpenEXR's reader papers over by rebuilding the offset table is refused too, saying what is wrong", arguments: [
        ("identical chunk offsets", "chunk"), ("a chunk offset past the end of the file", "chunk"), ("chunkCount 1000 of 2", "chunkCount says 1000"),
    ])
    func inconsistentChunkTable(name: String, words: String) throws {
        let dir = TemporaryDirectory()
        var file = try Self.frame(dir)
        let offsets = file.chunkOffsets
        #expect(offsets.count == 2, "a 32-row ZIP frame is two chunks of 16 rows (OpenEXR file format)")
        switch name {
        case "identical chunk offsets": file.chunkOffsets = [offsets[0], offsets[0]]
        case "a chunk offset past the end of the file": file.chunkOffsets = [offsets[0], 1_000_000_000]
        default: try file.addAttribute(name: "chunkCount", type: "int", value: [0xE8, 0x03, 0, 0])
        }
        let path = try file.write(to: dir.appending("table.exr").path)
        Self.expectRefused(try Self.inspect(path), naming: path, saying: ["damaged EXR", words])
    }

    @Test("an uncompressed chunk too short for its rows gives the same refusal on every run, never stray pixels")
    func shortChunkIsRefusedDeterministically() throws {
        let dir = TemporaryDirectory()
        var file = try Self.frame(dir, .none, bitDepth: .float)
        file.setChunkSize(at: file.chunkOffsets[0], to: 100)
        let path = try file.write(to: dir.appending("short.exr").path)
        #expect(try Self.openEXRRefusesPixels(path))
        let runs = try (0..<3).map { _ in try Self.inspect(path) }
        for run in runs { Self.expectRefused(run, naming: path, saying: ["holds 100 bytes"]) }
        #expect(Set(runs.map { $0.stdout + "|" + $0.stderr }).count == 1)
    }

    @Test("a damaged DWAA frame's error names the user's file and a decode, not a temporary file or an encode")
    func dwaErrorNamesTheFile() throws {
        let dir = TemporaryDirectory()
        var file = try Self.frame(dir, .dwaa)
        let chunk = Int(file.chunkOffsets[0])
        // Past the 8-byte leader: the DWA block header's sizes, now nonsense.
        file.fill(0xFF, at: chunk + 8, count: 88)
        let path = try file.write(to: dir.appending("broken-dwa.exr").path)
        #expect(try Self.openEXRRefusesPixels(path))
        let result = try Self.inspect(path)
        Self.expectRefused(result, naming: path, saying: ["DWAA decode"])
        #expect(!result.stderr.contains("encode") && !result.stderr.contains("scenefarm-dwa"), "\(result.stderr)")
        #expect {
            try PlateReader.read(path)
        } throws: { error in
            "\(error)".hasPrefix(path) && "\(error)".contains("decode")
        }
    }

    @Test("a FIFO, a device or a folder given as a plate is refused without a blocking open")
    func nonRegularFiles() throws {
        let dir = TemporaryDirectory()
        let fifo = dir.appending("pipe.exr").path
        try NamedPipe.make(fifo)
        try NamedPipe.withWatchdog(fifo) {
            #expect {
                try PlateReader.read(fifo)
            } throws: { error in
                "\(error)" == "\(fifo): is a named pipe (FIFO), not a regular file"
            }
            Self.expectRefused(try Self.inspect(fifo), naming: fifo, saying: ["named pipe"])
        }
        #expect { try PlateReader.read("/dev/zero") } throws: { "\($0)".contains("is a device") }
        #expect { try PlateReader.read(dir.path) } throws: { "\($0)".contains("is a folder") }

        // In a sequence folder, a FIFO named like a frame is refused the same way.
        let sequence = TemporaryDirectory()
        try InspectTests.writeFrames(sequence, [1001])
        let frame = sequence.appending("sh_bg_v001.1002.exr").path
        try NamedPipe.make(frame)
        try NamedPipe.withWatchdog(frame) {
            Self.expectRefused(try Self.inspect(sequence.path), naming: frame, saying: ["named pipe"])
        }
    }

    @Test("frames 1 and 2000000000 make one gap, reported as a range without a number per missing frame")
    func hugeGapIsARange() throws {
        let dir = TemporaryDirectory()
        let writer = try PlateWriter(format: PlateFormat(colorspace: "ACES2065-1", compression: .zip, channels: .rgb))
        for name in ["sh.0001.exr", "sh.2000000000.exr"] {
            try writer.write(RGBAImage(width: 8, height: 4, fill: SIMD4(0.5, 0.5, 0.5, 1)), to: dir.appending(name), metadata: testMetadata())
        }
        let result = try Self.inspect(dir.path)
        #expect(result.status == 1, "gaps are problems (exit 1): \(result.stderr.prefix(400))")
        #expect(result.stdout.contains("frames: 1–2000000000, 2 on disk, 1999999998 missing"), "\(result.stdout)")
        #expect(result.stdout.contains("missing: 2–1999999999"), "\(result.stdout)")
    }

    @Test("valid frames of every compression pass inspect's check against OpenEXR's own decoder", arguments: Compression.allCases)
    func validFramesAgreeWithOpenEXR(compression: Compression) throws {
        let dir = TemporaryDirectory()
        for bitDepth in [BitDepth.half, .float] {
            let url = dir.appending("ok-\(bitDepth.rawValue).exr")
            let writer = try PlateWriter(format: PlateFormat(colorspace: "ACES2065-1", compression: compression, bitDepth: bitDepth, channels: .rgba))
            var image = hdrTestImage(width: 67, height: 41)
            image[5, 7] = SIMD4(.nan, .infinity, -.infinity, 1)
            try writer.write(image, to: url, metadata: testMetadata())
            #expect(try Tool.run("exrmaketiled", [url.path, url.path + ".tiled.exr"]).status == 0)
            _ = try FrameInspection.read(url.path)
        }
    }
}
