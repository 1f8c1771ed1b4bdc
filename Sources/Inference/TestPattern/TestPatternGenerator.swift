import Foundation
import ImageCore
import ShotSpec

/// `testpattern`: a cheap, deterministic calibration clip — a log-spaced grey ramp, ACEScg
/// primaries at 0.18 and 1.0, and a bar that travels one picture width per second.
///
/// It needs no lighting solve and renders in microseconds, so farm tests and benchmarks use it
/// to exercise scheduling and plates without paying for the physically based renderer.
public struct TestPatternGenerator: Generator {
    public init() {}

    public var capabilities: GeneratorCapabilities {
        GeneratorCapabilities(name: "testpattern", version: "1.0.0", deterministic: true, conditioningFrames: 0, maxFramesPerCall: 100_000)
    }

    public func generate(_ request: GenerationRequest, cancellation: CancellationFlag, emit: (Int, RGBAImage) throws -> Void) throws {
        for frame in request.frames {
            try cancellation.check()
            try emit(frame, Self.render(spec: request.spec, frame: frame))
        }
    }

    /// The frame as a pure function of the shot and frame number.
    public static func render(spec: ShotSpec, frame: Int) -> RGBAImage {
        let width = spec.resolution.width, height = spec.resolution.height
        var image = RGBAImage(width: width, height: height)
        let seconds = spec.fps.seconds(frames: frame - spec.frames.first)
        let barX = Int((seconds - seconds.rounded(.down)) * Double(width))
        let patches: [SIMD4<Float>] = [
            [0.18, 0, 0, 1], [0, 0.18, 0, 1], [0, 0, 0.18, 1], [0.18, 0.18, 0.18, 1],
            [1, 0, 0, 1], [0, 1, 0, 1], [0, 0, 1, 1], [1, 1, 1, 1],
        ]
        image.pixels.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            parallelBands(count: height) { rows in
                for y in rows {
                    for x in 0..<width {
                        var value: SIMD4<Float>
                        if y < height / 2 {
                            // Grey ramp from 2^-8 to 2^4 (16.0): HDR values a plate must keep.
                            let stops = -8 + 12 * Float(x) / Float(max(1, width - 1))
                            let v = Float(pow(2.0, Double(stops)))
                            value = [v, v, v, 1]
                        } else {
                            value = patches[min(patches.count - 1, x * patches.count / width)]
                        }
                        if abs(x - barX) <= max(1, width / 64) { value = [4, 4, 4, 1] }
                        let i = (y * width + x) * 4
                        base[i] = value.x
                        base[i + 1] = value.y
                        base[i + 2] = value.z
                        base[i + 3] = value.w
                    }
                }
            }
        }
        return image
    }
}
