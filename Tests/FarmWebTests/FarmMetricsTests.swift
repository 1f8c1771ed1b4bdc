import Farm
import FarmWeb
import Foundation
import TestSupport
import Testing

/// The per-frame stage histograms (issue 13) as Prometheus reads them: one series per node,
/// one observation per frame that went through the stage, and text `promtool` accepts.
@Suite struct FarmMetricsTests {
    @Test func frameTimingsBecomeOneObservationPerFrameAndStageByNode() throws {
        let metrics = FarmMetrics()
        // n1: a generate task of two final frames and one overlap frame (not converted).
        metrics.framesTimed(kind: "generate", node: "n1", timings: FrameTimings(frames: [
            .init(frame: 1001, generate: 0.004, convert: 0.0002, write: 0.002),
            .init(frame: 1002, generate: 0.003, convert: 0.0002, write: 0.002),
            .init(frame: 1003, generate: 0.003, write: 0.003),
        ]))
        // n2: a blend task of one frame (no generator time).
        metrics.framesTimed(kind: "blend", node: "n2", timings: FrameTimings(frames: [.init(frame: 1003, convert: 0.0003, write: 0.002)]))
        let text = String(decoding: metrics.render(FarmSnapshot(storageRoot: "/tmp")), as: UTF8.self)

        func value(_ series: String) -> Double? {
            text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
        }
        #expect(value(#"scenefarm_frame_generate_seconds_count{node="n1"}"#) == 3)
        #expect(value(#"scenefarm_frame_convert_seconds_count{node="n1"}"#) == 2)
        #expect(value(#"scenefarm_frame_write_seconds_count{node="n1"}"#) == 3)
        #expect(value(#"scenefarm_frame_generate_seconds_count{node="n2"}"#) == 0)
        #expect(value(#"scenefarm_frame_convert_seconds_count{node="n2"}"#) == 1)
        let sum = try #require(value(#"scenefarm_frame_write_seconds_sum{node="n1"}"#))
        #expect(abs(sum - 0.007) < 1e-9)
        // 0.004 s lies in the 0.005 bucket but not in the 0.0025 one.
        #expect(value(#"scenefarm_frame_generate_seconds_bucket{node="n1",le="0.0025"}"#) == 0)
        #expect(value(#"scenefarm_frame_generate_seconds_bucket{node="n1",le="0.005"}"#) == 3)

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("scenefarm-metrics-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(text.utf8).write(to: file)
        let check = try Tool.run("/bin/sh", ["-c", "promtool check metrics < \"$1\"", "sh", file.path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    @Test func implausibleTimingsAreRecognised() {
        #expect(FrameTimings(frames: [.init(frame: 1, generate: 0.1, convert: 0.1, write: 0.1)]).isPlausible)
        #expect(!FrameTimings(frames: [.init(frame: 1, write: -0.1)]).isPlausible)
        #expect(!FrameTimings(frames: [.init(frame: 1, generate: .infinity, write: 0.1)]).isPlausible)
        #expect(!FrameTimings(frames: [.init(frame: 1, convert: FrameTimings.maxSeconds + 1, write: 0.1)]).isPlausible)
        #expect(!FrameTimings(frames: Array(repeating: .init(frame: 1, write: 0.1), count: FrameTimings.maxFrames + 1)).isPlausible)
    }
}
