import ArgumentParser
import Color
import Foundation
import Plates
import ShotSpec

struct BenchColorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "color",
        abstract: "Linear Rec.709 Float32 EXR → ACES2065-1 half (PIZ, DWAB, ZIP): our reader/OCIO/writer against oiiotool, same frames, same run."
    )

    @Option(help: "Frames in the test sequence.") var frames: Int = 10
    @Option(help: "Frame width.") var width: Int = 1920
    @Option(help: "Frame height.") var height: Int = 1080
    @Option(help: "Compressions to measure, comma-separated.") var compressions: String = "piz,dwab,zip"
    @Option(help: "Working folder (default: a fresh folder under /tmp, removed afterwards).") var work: String?
    @Option(help: "OCIO config both sides use (default: the bundled ACES config).") var ocio: String?

    func run() async throws {
        guard frames > 0, width > 0, height > 0 else { throw fail("--frames, --width and --height must be positive", code: ExitCodes.badInput) }
        var list: [Compression] = []
        for name in compressions.split(separator: ",") {
            guard let c = Compression(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw fail("--compressions: unknown '\(name)'; use \(Compression.allCases.map(\.rawValue).joined(separator: ", "))", code: ExitCodes.badInput)
            }
            list.append(c)
        }
        guard let config = ocio ?? BundledConfig.path else { throw fail("no OCIO config: pass --ocio", code: ExitCodes.badInput) }
        let folder = work.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory.appendingPathComponent("scenefarm-bench-color-\(UUID().uuidString.prefix(8))")
        defer { if work == nil { try? FileManager.default.removeItem(at: folder) } }
        let bench = ColorConversionBenchmark(folder: folder, frames: frames, width: width, height: height, configPath: config)
        print("bench color: \(frames) frames \(width)x\(height), \(ColorConversionBenchmark.source) float/none → \(ColorConversionBenchmark.destination) half, \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("oiiotool: one call over the sequence (--frames), all cores")
        do {
            try bench.generateInputs()
            print("codec    ours fps   oiio fps   ratio  ours ms/frame read/convert/write  agreement")
            for c in list {
                let r: ColorConversionBenchmark.Result
                do {
                    r = try bench.run(compression: c)
                } catch let error as PlateError {
                    // One codec our OpenEXR cannot write (DWA in OpenEXR Core < 3.2) should not hide the others.
                    print(c.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0) + " not measured: \(error)")
                    continue
                }
                let per = { (s: Double) in String(format: "%.0f", s / Double(r.frames) * 1000) }
                let agreement = r.samplesBeyondOneUlp == 0 ? String(format: "within 1 half ulp (max %.2f)", r.maxUlps)
                    : String(format: "%d samples beyond 1 half ulp (max %.1f ulps)", r.samplesBeyondOneUlp, r.maxUlps)
                let split = "\(per(r.split.read))/\(per(r.split.convert))/\(per(r.split.write))"
                print(c.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)
                      + String(format: " %10.2f %10.2f %6.2fx  ", r.oursFPS, r.oiiotoolFPS, r.ratio)
                      + split.padding(toLength: 33, withPad: " ", startingAt: 0) + agreement)
            }
        } catch {
            throw fail("\(error)", code: ExitCodes.failure)
        }
    }
}
