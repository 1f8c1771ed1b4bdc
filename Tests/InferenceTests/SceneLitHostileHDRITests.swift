import Foundation
import ImageCore
import Inference
import Plates
import ShotSpec
import Testing
import TestSupport

/// HDRIs that are too large, lie about their size, or stop being files: each is refused as a
/// spec error on `shot.environment.hdri`, before anything is allocated for it.
struct SceneLitHostileHDRITests {
    private static func writeHDRI(_ url: URL, width: Int, height: Int) throws {
        let writer = try PlateWriter(format: PlateFormat(colorspace: "ACEScg", compression: .zip, bitDepth: .float, channels: .rgb))
        let metadata = FrameMetadata(frameNumber: 1, fps: FrameRate(numerator: 24, denominator: 1)!, owner: "test", comments: "HDRI",
                                     capDate: Date(timeIntervalSince1970: 0), strings: [:])
        try writer.write(RGBAImage(width: width, height: height, fill: SIMD4(1, 1, 1, 1)), to: url, metadata: metadata)
    }

    private static func spec(hdri path: String) throws -> ShotSpec {
        try SceneLitTestSupport.spec(body: "environment: {hdri: {path: \(path), colorspace: ACEScg}}")
    }

    /// The error `body` throws, as text.
    private static func message(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// What `validate` and `prepare` (which hashes the file first) each say about `spec`.
    private static func messages(_ spec: ShotSpec, root: URL) -> [(step: String, message: String?)] {
        [("validate", message { try SceneLitGenerator().validate(spec) }),
         ("prepare", message { _ = try SceneLitGenerator().prepare(spec, storageRoot: root, cancellation: CancellationFlag()) })]
    }

    @Test("a real HDRI 100000 or 20000 pixels wide is refused as too large instead of rendering", arguments: [100_000, 20000])
    func wideHDRIIsRefused(width: Int) throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let url = root.appendingPathComponent("wide.exr")
        try Self.writeHDRI(url, width: width, height: 2)
        for (step, message) in Self.messages(try Self.spec(hdri: url.path), root: root) {
            #expect(message?.hasPrefix("shot.environment.hdri.path: HDRI '\(url.path)' is too large: data window is \(width)×2 pixels") == true,
                    "\(step): \(message ?? "no error")")
        }
    }

    @Test("an HDRI header claiming 100000×100000 pixels is refused before the map is allocated")
    func lyingHeaderIsRefused() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let url = root.appendingPathComponent("liar.exr")
        try Self.writeHDRI(url, width: 64, height: 32)
        var file = try ExrBytes(contentsOf: url.path)
        file.setDataWindow(0, 0, 99_999, 99_999)
        try file.write(to: url.path)
        let message = Self.message { try SceneLitGenerator().validate(try Self.spec(hdri: url.path)) }
        #expect(message?.hasPrefix("shot.environment.hdri.path: HDRI '\(url.path)' is too large: data window is 100000×100000") == true,
                "\(message ?? "no error")")
    }

    @Test("an HDRI that became a FIFO after the spec was loaded is refused, not read with a blocking open")
    func fifoHDRIIsRefused() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let url = root.appendingPathComponent("sky.exr")
        try Self.writeHDRI(url, width: 64, height: 32)
        let spec = try Self.spec(hdri: url.path)
        try FileManager.default.removeItem(at: url)
        try NamedPipe.make(url.path)
        try NamedPipe.withWatchdog(url.path) {
            for (step, message) in Self.messages(spec, root: root) {
                #expect(message?.hasPrefix("shot.environment.hdri.path:") == true && message?.contains("is a named pipe (FIFO), not a regular file") == true,
                        "\(step): \(message ?? "no error")")
            }
        }
    }
}
