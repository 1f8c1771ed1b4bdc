import Foundation
import Testing
@testable import ShotSpec

@Suite struct FrameRateTests {
    static let cases: [(text: String, numerator: Int, denominator: Int)] = [
        ("24", 24, 1), ("25", 25, 1), ("30", 30, 1), ("48", 48, 1), ("50", 50, 1), ("60", 60, 1),
        ("24000/1001", 24000, 1001), ("30000/1001", 30000, 1001), ("60000/1001", 60000, 1001),
        ("24000 / 1001", 24000, 1001),
        ("23.976", 24000, 1001), ("23.98", 24000, 1001), ("29.97", 30000, 1001), ("59.94", 60000, 1001),
        ("47.952", 48000, 1001), ("119.88", 120000, 1001),
        ("24.0", 24, 1), ("48/2", 24, 1), ("12.5", 25, 2),
    ]

    @Test(arguments: cases.map { "\($0.text)=\($0.numerator)/\($0.denominator)" })
    func parsesAndNormalises(_ row: String) throws {
        let parts = row.split(separator: "=")
        let expected = parts[1].split(separator: "/").compactMap { Int($0) }
        let rate = try #require(FrameRate.parse(String(parts[0])))
        #expect(rate.numerator == expected[0])
        #expect(rate.denominator == expected[1])
    }

    @Test(arguments: ["0", "-24", "abc", "24/0", "0/1001", "", "1e400", "1e30", "24000/1001/2", "nan"])
    func refusesNonRates(_ text: String) {
        #expect(FrameRate.parse(text) == nil)
    }

    @Test func decimalNTSCInYAMLBecomesTheExactRational() throws {
        let spec = try ShotSpecLoader.parse(BadSpec.replacing("fps", with: "fps: 29.97"), baseDirectory: URL(fileURLWithPath: "/"))
        #expect(spec.fps.description == "30000/1001")
        let quoted = try ShotSpecLoader.parse(BadSpec.replacing("fps", with: "fps: \"24000/1001\""), baseDirectory: URL(fileURLWithPath: "/"))
        #expect(quoted.fps.description == "24000/1001")
    }

    @Test func descriptionAndSeconds() throws {
        let ntsc = try #require(FrameRate(numerator: 24000, denominator: 1001))
        #expect(ntsc.description == "24000/1001")
        #expect(ntsc.seconds(frames: 24000) == 1001)
        #expect(ntsc.timecodeBase == 24)
        #expect(!ntsc.isDropFrameCandidate)
        #expect(try #require(FrameRate.parse("29.97")).isDropFrameCandidate)
        #expect(try #require(FrameRate.parse("59.94")).isDropFrameCandidate)
        #expect(FrameRate(numerator: 25, denominator: 1)?.description == "25")
    }

    @Test func secondsOfAnNTSCShotRoundToWholeFrames() throws {
        let spec = try ShotSpecLoader.parse(
            BadSpec.replacing("fps", with: "fps: 23.976").replacingOccurrences(of: "frames: {count: 10}", with: "frames: {seconds: 10}"),
            baseDirectory: URL(fileURLWithPath: "/"))
        // 10 s × 24000/1001 = 239.76 frames.
        #expect(spec.frames == FrameRange(first: 1001, count: 240))
    }
}
