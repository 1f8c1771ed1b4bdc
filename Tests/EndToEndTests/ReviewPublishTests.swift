import Foundation
import Testing
import TestSupport

/// `output.review` (issue 12): publish makes the review movies beside the proxies, through the
/// display/view asked for, tagged as ffprobe reads them; a display the config lacks is bad input.
@Suite("review movies at publish", .serialized)
struct ReviewPublishTests {
    static let shot = RenderEndToEndTests.tinyShot.replacingOccurrences(
        of: "output: {version: v001, proxies: {format: none}}",
        with: "output:\n  version: v001\n  proxies: {format: none}\n  review:\n    - {display: sRGB - Display, view: ACES 1.0 - SDR Video, codec: h264}\n    - {display: Rec.2100-PQ - Display, view: ACES 1.1 - HDR Video (1000 nits & Rec.2020 lim), codec: hevc}"
    )

    @Test("render publishes an SDR H.264 and an HDR HEVC movie with their colour tags")
    func renderPublishesReviews() throws {
        let dir = TemporaryDirectory("review")
        #expect(Self.shot.contains("review:"))
        let spec = try dir.write("shot.yaml", Self.shot)
        let run = try Tool.run(Repository.scenefarm, ["render", spec, "--out", dir.appending("plates").path])
        #expect(run.status == 0, "\(run.stderr)")
        let version = URL(fileURLWithPath: run.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let movies = try FileManager.default.contentsOfDirectory(atPath: version.appendingPathComponent("review").path).sorted()
        #expect(movies.count == 2, "\(movies)")
        var seen: [String: [String: String]] = [:]
        for movie in movies {
            let probe = try Tool.run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries",
                                                 "stream=codec_name,color_transfer,color_primaries,nb_frames", "-of", "default=nw=1",
                                                 version.appendingPathComponent("review/\(movie)").path])
            #expect(probe.status == 0, "\(probe.stderr)")
            var fields: [String: String] = [:]
            for line in probe.stdout.split(separator: "\n") {
                let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2 { fields[parts[0]] = parts[1] }
            }
            seen[fields["codec_name"] ?? movie] = fields
        }
        #expect(seen["h264"]?["color_transfer"] == "iec61966-2-1")
        #expect(seen["h264"]?["color_primaries"] == "bt709")
        #expect(seen["hevc"]?["color_transfer"] == "smpte2084")
        #expect(seen["hevc"]?["color_primaries"] == "bt2020")
        #expect(seen.values.allSatisfy { $0["nb_frames"] == nil || $0["nb_frames"] == "30" || $0["nb_frames"] == "N/A" })
    }

    @Test("a review through a display the config lacks is refused before anything is written")
    func unknownDisplay() throws {
        let dir = TemporaryDirectory("review")
        let spec = try dir.write("shot.yaml", Self.shot.replacingOccurrences(of: "display: sRGB - Display", with: "display: Cinema 9000"))
        let run = try Tool.run(Repository.scenefarm, ["validate", spec])
        #expect(run.status == 2)
        #expect(run.stderr.contains("shot.output.review[0]"), "\(run.stderr)")
        #expect(run.stderr.contains("Cinema 9000"), "\(run.stderr)")
    }
}
