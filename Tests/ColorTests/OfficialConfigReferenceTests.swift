import Color
import Foundation
import Testing
import TestSupport

/// The bundled config against the official ACES CG config v1.0.0, both evaluated by OpenColorIO
/// (pip `opencolorio` ≥ 2.2 carries the official config built in): Farm/color/compare_official.py
/// compares structure and every transform on random HDR, [0, 1], negative and non-finite values.
@Suite("bundled config equals the official ACES CG config", .serialized)
struct OfficialConfigReferenceTests {
    static let script = Repository.path("Farm/color/compare_official.py")

    struct Report: Decodable {
        struct Family: Decodable {
            let transforms: Int
            let max_relative_error: Double
        }
        let families: [String: Family]
        let structure: [String]
        let failures: [[String: JSONValue]]
        let pixels: Int
    }

    /// Enough of JSON to carry a failure's fields into a test message.
    enum JSONValue: Decodable, CustomStringConvertible {
        case text(String), number(Double), list([JSONValue]), other

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let s = try? container.decode(String.self) { self = .text(s) }
            else if let d = try? container.decode(Double.self) { self = .number(d) }
            else if let l = try? container.decode([JSONValue].self) { self = .list(l) }
            else { self = .other }
        }

        var description: String {
            switch self {
            case .text(let s): return s
            case .number(let d): return "\(d)"
            case .list(let l): return "[\(l.map(\.description).joined(separator: ", "))]"
            case .other: return "null"
            }
        }
    }

    /// Runs the comparison against `config`; returns the exit status and the decoded report.
    static func compare(_ config: String) throws -> (Int32, Report) {
        let run = try Tool.run("python3", [script, "--ours", config])
        guard let report = try? JSONDecoder().decode(Report.self, from: Data(run.stdout.utf8)) else {
            throw ReferenceError.noReport(status: run.status, stderr: run.stderr)
        }
        return (run.status, report)
    }

    enum ReferenceError: Error, CustomStringConvertible {
        case noReport(status: Int32, stderr: String)
        var description: String {
            switch self {
            case .noReport(let status, let stderr):
                return "compare_official.py exited \(status) without a report (is pip opencolorio >= 2.2 installed? make deps): \(stderr)"
            }
        }
    }

    @Test("every colour space both ways, every display/view, look and named transform equals the official config within 1e-5 relative")
    func bundledConfigMatchesOfficialEverywhere() throws {
        let path = try #require(BundledConfig.path)
        let (status, report) = try Self.compare(path)
        #expect(report.structure.isEmpty, "\(report.structure.joined(separator: "\n"))")
        #expect(report.failures.isEmpty, "\(report.failures.prefix(5))")
        #expect(status == 0)
        // Every transform family of the official CG config was exercised, on thousands of values.
        #expect(report.pixels >= 10_000)
        let counts = report.families.mapValues(\.transforms)
        #expect(counts == [
            "to ACES2065-1": 20, "from ACES2065-1": 20, "display/view": 15, "display/view inverse": 15,
            "looks": 2, "named transforms": 4,
        ])
        for (family, entry) in report.families {
            #expect(entry.max_relative_error <= 1e-5, "\(family): \(entry.max_relative_error)")
        }
    }

    @Test("the comparison fails when one transform is inverted (the old sRGB - Texture bug) or a view is dropped")
    func comparisonCatchesAnInvertedTransformAndADroppedView() throws {
        let path = try #require(BundledConfig.path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let dir = TemporaryDirectory("colorref")
        // sRGB - Texture encoding where it should decode: the bug the bundled config shipped with.
        let sRGBTexture = try #require(text.range(of: "    name: sRGB - Texture\n"))
        let curve = try #require(text.range(of: "offset: 0.055, direction: inverse}", range: sRGBTexture.upperBound..<text.endIndex))
        let inverted = text.replacingCharacters(in: curve, with: "offset: 0.055, direction: forward}")
        let (status, report) = try Self.compare(try dir.write("inverted.ocio", inverted))
        #expect(status == 1)
        #expect(report.failures.map { "\($0["transform"] ?? .other)" } == ["sRGB - Texture -> ACES2065-1", "ACES2065-1 -> sRGB - Texture"])

        let dropped = text.replacingOccurrences(of: "    - !<Views> [ACES 1.0 - SDR Cinema, Un-tone-mapped]", with: "    - !<Views> [Un-tone-mapped]")
        #expect(dropped != text)
        let (droppedStatus, droppedReport) = try Self.compare(try dir.write("dropped.ocio", dropped))
        #expect(droppedStatus == 1)
        #expect(droppedReport.structure.contains { $0.hasPrefix("displays/views differ") })
        #expect(droppedReport.failures.contains { "\($0["transform"] ?? .other)".contains("P3-D65 - Display / ACES 1.0 - SDR Cinema") })
    }
}
