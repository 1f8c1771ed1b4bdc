import Foundation
import Plates
import Testing
import TestSupport

/// Inputs the EXR fuzz target (Fuzz/Sources/FuzzEXR) found crashing `scenefarm inspect`, kept in
/// Fuzz/regressions/exr and fed through the same call the command makes. Each must end in a
/// report or a `PlateError`, never in a signal (Docs/security.md, "Fuzzing").
@Suite("Fuzz regressions: EXR")
struct ExrFuzzRegressionTests {
    static let folder = Repository.root.appendingPathComponent("Fuzz/regressions/exr")

    static func inputs(_ prefix: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".exr") }.sorted()
    }

    /// Four channels of which one is not R, G, B or A (found by mutating a channel name of a seed):
    /// OpenEXR Core 3.1's specialised 3- and 4-channel unpackers wrote through the nil
    /// `decode_to_ptr` the reader used to give a channel it skips (SIGSEGV, fixed in 9e1c563).
    @Test(
        "a frame with a channel other than R, G, B and A is reported or refused, not a crash",
        arguments: inputs("non-rgba-channel-")
    )
    func mutatedChannelName(_ name: String) {
        do {
            _ = try PlateInspector.inspect(Self.folder.appendingPathComponent(name).path).text
        } catch {
            // A typed PlateError is the clean refusal this test asks for.
            #expect(!error.description.isEmpty)
        }
    }

    /// Valid files written by OpenEXR's own Python binding (`OpenEXR.File`, 6×4, every sample
    /// 0.5 in half float), with a depth channel `Z` beside R, G, B or R, G: common in renders,
    /// and `exrheader` reads them.
    @Test(
        "a valid frame with a Z channel next to its colour channels is inspected",
        arguments: inputs("valid-")
    )
    func validFrameWithDepthChannel(_ name: String) throws {
        let report = try PlateInspector.inspect(Self.folder.appendingPathComponent(name).path)
        guard case .file(let frame) = report else {
            Issue.record("expected a file report")
            return
        }
        #expect(frame.width == 6 && frame.height == 4)
        #expect(frame.channels.map(\.name).contains("Z"))
        for stats in frame.stats where stats.name != "A" {
            #expect(stats.min == 0.5 && stats.max == 0.5, "\(stats.name)")
        }
    }
}
