import Color
import Foundation
import ImageCore
import ShotSpec

/// `scenefarm bench color`: Linear Rec.709 Float32 EXR → ACES2065-1 half, our reader + OCIO
/// processor + writer against `oiiotool`, on the same frames in the same run.
public struct ColorConversionBenchmark: Sendable {
    /// One compression's measurements.
    public struct Result: Sendable {
        public let compression: Compression
        public let frames: Int
        public let oursSeconds: Double
        public let oiiotoolSeconds: Double
        /// Our time split: reading, converting, writing (seconds, all frames).
        public let split: (read: Double, convert: Double, write: Double)
        /// Samples whose difference exceeds one half ulp, and the largest difference in half ulps.
        public let samplesBeyondOneUlp: Int
        public let maxUlps: Double

        public var oursFPS: Double { Double(frames) / oursSeconds }
        public var oiiotoolFPS: Double { Double(frames) / oiiotoolSeconds }
        public var ratio: Double { oursFPS / oiiotoolFPS }
    }

    public static let source = "Linear Rec.709 (sRGB)"
    public static let destination = "ACES2065-1"

    public let folder: URL
    public let frames: Int
    public let width: Int
    public let height: Int
    public let configPath: String
    public let oiiotool: String

    public init(folder: URL, frames: Int, width: Int, height: Int, configPath: String, oiiotool: String = "oiiotool") {
        self.folder = folder
        self.frames = frames
        self.width = width
        self.height = height
        self.configPath = configPath
        self.oiiotool = oiiotool
    }

    static let firstFrame = 1001

    func inputPath(_ frame: Int) -> String { folder.appendingPathComponent(String(format: "in.%04d.exr", frame)).path }
    func outputPath(_ tool: String, _ c: Compression, _ frame: Int) -> String {
        folder.appendingPathComponent("\(tool)_\(c.rawValue).\(String(format: "%04d", frame)).exr").path
    }

    /// Writes the Float32, uncompressed Linear Rec.709 input frames.
    public func generateInputs() throws(PlateError) {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .notWritable(path: folder.path, reason: error.localizedDescription)
        }
        let writer = try PlateWriter(format: PlateFormat(colorspace: Self.source, compression: .none, bitDepth: .float, channels: .rgba))
        for i in 0..<frames {
            let frame = Self.firstFrame + i
            try writer.write(Self.pattern(width: width, height: height, frame: i), to: URL(fileURLWithPath: inputPath(frame)), metadata: metadata(frame))
        }
        // One untimed read of every input, so the first codec measured (ours runs before oiiotool)
        // does not pay for a cold page cache that the others then skip.
        for i in 0..<frames { _ = try PlateReader.read(inputPath(Self.firstFrame + i)) }
    }

    /// A busy HDR pattern: colour ramps, fine sinusoids and sparse highlights up to ~60, moving per frame.
    public static func pattern(width: Int, height: Int, frame: Int) -> RGBAImage {
        var pixels = [Float](repeating: 1, count: width * height * 4)
        pixels.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            parallelBands(count: height, minimumBand: 8) { rows in
                for y in rows {
                    for x in 0..<width {
                        let u = Float(x) / Float(width), v = Float(y) / Float(height), t = Float(frame) * 0.13
                        var r = 0.18 * (1 + sin(Float(x) * 0.071 + t)) * (0.2 + 2 * u)
                        var g = 0.18 * (1 + cos(Float(y) * 0.053 - t)) * (0.2 + 2 * v)
                        var b = 0.09 * (1 + sin(Float(x + y) * 0.031 + 2 * t)) * (2.2 - 2 * u)
                        if (x * 7 + y * 13 + frame * 5) % 97 == 0 { r *= 60; g *= 40; b *= 30 }
                        let p = base + (y * width + x) * 4
                        p[0] = r; p[1] = g; p[2] = b
                    }
                }
            }
        }
        return RGBAImage(width: width, height: height, pixels: pixels)
    }

    func metadata(_ frame: Int) -> FrameMetadata {
        FrameMetadata(frameNumber: frame, fps: FrameRate(numerator: 24, denominator: 1)!, owner: "bench", comments: "scenefarm bench color",
                      capDate: Date(timeIntervalSince1970: 0), strings: [:])
    }

    /// Converts every input frame with our code, then with one `oiiotool --frames` call over the
    /// sequence (one process, one config load, as a wrangler would run it), and compares outputs.
    public func run(compression: Compression, dwaLevel: Double = 45) throws -> Result {
        let config = try ColorConfig.load(path: configPath)
        let processor = try config.processor(from: Self.source, to: Self.destination)
        let writer = try PlateWriter(format: PlateFormat(colorspace: Self.destination, compression: compression, dwaLevel: dwaLevel, bitDepth: .half, channels: .rgba))
        var read = 0.0, convert = 0.0, write = 0.0
        let start = Self.now()
        for i in 0..<frames {
            let frame = Self.firstFrame + i
            let t0 = Self.now()
            var image = try PlateReader.read(inputPath(frame)).image
            let t1 = Self.now()
            try processor.apply(&image)
            let t2 = Self.now()
            try writer.write(image, to: URL(fileURLWithPath: outputPath("ours", compression, frame)), metadata: metadata(frame))
            let t3 = Self.now()
            read += t1 - t0
            convert += t2 - t1
            write += t3 - t2
        }
        let ours = Self.now() - start

        let last = Self.firstFrame + frames - 1
        let codec = (compression == .dwaa || compression == .dwab) ? "\(compression.rawValue):\(Int(dwaLevel))" : compression.rawValue
        let arguments = [
            "--frames", "\(Self.firstFrame)-\(last)", "--colorconfig", configPath,
            folder.appendingPathComponent("in.%04d.exr").path,
            "--colorconvert", Self.source, Self.destination, "-d", "half", "--compression", codec,
            "-o", folder.appendingPathComponent("oiio_\(compression.rawValue).%04d.exr").path,
        ]
        let oiioStart = Self.now()
        let status = try Self.runTool(oiiotool, arguments)
        let oiio = Self.now() - oiioStart
        guard status == 0 else { throw PlateError.io(path: oiiotool, message: "oiiotool exited \(status): \(oiiotool) \(arguments.joined(separator: " "))") }

        var beyond = 0
        var worst = 0.0
        for i in 0..<frames {
            let frame = Self.firstFrame + i
            let a = try PlateReader.read(outputPath("ours", compression, frame)).image
            let b = try PlateReader.read(outputPath("oiio", compression, frame)).image
            let (count, maxUlps) = Self.compare(a, b)
            beyond += count
            worst = max(worst, maxUlps)
        }
        return Result(compression: compression, frames: frames, oursSeconds: ours, oiiotoolSeconds: oiio,
                      split: (read, convert, write), samplesBeyondOneUlp: beyond, maxUlps: worst)
    }

    /// Samples differing by more than one half ulp, and the largest difference in half ulps.
    public static func compare(_ a: RGBAImage, _ b: RGBAImage) -> (Int, Double) {
        guard a.pixels.count == b.pixels.count else { return (max(a.pixels.count, b.pixels.count), .infinity) }
        var beyond = 0
        var worst = 0.0
        for i in 0..<a.pixels.count {
            let x = a.pixels[i], y = b.pixels[i]
            if x == y || (x.isNaN && y.isNaN) { continue }
            let ulp = Double(max(Float16(x).ulp, Float16(y).ulp))
            let ulps = Double(abs(x - y)) / ulp
            worst = max(worst, ulps)
            if ulps > 1 { beyond += 1 }
        }
        return (beyond, worst)
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    static func runTool(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
