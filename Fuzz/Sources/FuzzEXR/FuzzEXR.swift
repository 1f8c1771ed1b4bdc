import Foundation
import FuzzSupport
import ImageCore
import Plates
import ShotSpec

/// EXR reader and inspector: the input is written to a file and given to `PlateInspector.inspect`,
/// exactly what `scenefarm inspect FILE` runs (header checks, chunk decoding, the cross-check
/// against OpenEXR's own reader, statistics and the report text).
@main enum FuzzEXR {
    static func main() {
        let file = Fuzzer.scratch.appendingPathComponent("input.exr")
        Fuzzer.main("FuzzEXR", seeds: writeSeeds) { bytes in
            guard (try? Data(bytes).write(to: file)) != nil else { fatalError("cannot write \(file.path)") }
            if let report = try? PlateInspector.inspect(file.path) { _ = report.text }
        }
    }

    /// Seeds: tiny frames from our own writer in every compression, bit depth and channel set.
    static func writeSeeds(_ folder: URL) throws {
        var image = RGBAImage(width: 8, height: 6, fill: SIMD4(0.18, 0.18, 0.18, 1))
        for y in 0..<6 {
            for x in 0..<8 { image[x, y] = SIMD4(Float(x) / 8, Float(y) / 6, x == y ? 4 : 0.5, y == 0 ? 0.5 : 1) }
        }
        let metadata = FrameMetadata(
            frameNumber: 1001, fps: FrameRate(numerator: 24000, denominator: 1001)!, owner: "fuzz", comments: "seed",
            capDate: Date(timeIntervalSince1970: 0), strings: ["scenefarm/shot": "sh010"]
        )
        var formats: [(String, PlateFormat)] = Compression.allCases.map {
            ($0.rawValue, PlateFormat(colorspace: "ACES2065-1", compression: $0))
        }
        formats.append(("zip-float-rgb", PlateFormat(colorspace: "ACEScg", compression: .zip, bitDepth: .float, channels: .rgb)))
        formats.append(("piz-float-rgba", PlateFormat(colorspace: "ACEScg", compression: .piz, bitDepth: .float)))
        formats.append(("dwab-rgb", PlateFormat(colorspace: "ACEScg", compression: .dwab, dwaLevel: 10, channels: .rgb)))
        formats.append(("aces-container", PlateFormat(colorspace: "ACES2065-1", compression: .none, acesContainer: true)))
        for (name, format) in formats {
            try PlateWriter(format: format).write(image, to: folder.appendingPathComponent("\(name).exr"), metadata: metadata)
        }
        // More than one chunk per file: 40 rows are 3 chunks of ZIP's 16 lines, 40 of RLE's 1.
        let tall = RGBAImage(width: 3, height: 40, fill: SIMD4(1, 0.5, 0.25, 1))
        for compression in [Compression.zip, .rle] {
            try PlateWriter(format: PlateFormat(colorspace: "ACEScg", compression: compression))
                .write(tall, to: folder.appendingPathComponent("tall-\(compression.rawValue).exr"), metadata: metadata)
        }
    }
}
