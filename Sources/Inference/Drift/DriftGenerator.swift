import Foundation
import ImageCore
import ShotSpec

/// `drift`: a test generator whose chunks disagree, as a neural video model's do.
///
/// Each chunk gets its own exposure, colour balance and object offset (from `chunkIndex`), while
/// frames within a chunk change smoothly with time: a sky gradient and a warm glowing ball on a
/// slow Lissajous path. Hard cuts between its chunks show; blended ones should not. Given
/// conditioning frames it matches their per-channel level, so sequential mode removes the
/// exposure and colour jumps (the offset remains).
public struct DriftGenerator: Generator {
    public init() {}

    public var capabilities: GeneratorCapabilities {
        GeneratorCapabilities(name: "drift", version: "1.0.0", deterministic: false, conditioningFrames: 4, maxFramesPerCall: 100_000)
    }

    public func generate(_ request: GenerationRequest, cancellation: CancellationFlag, emit: (Int, RGBAImage) throws -> Void) throws {
        let gain = Self.levelMatch(request)
        for frame in request.frames {
            try cancellation.check()
            try emit(frame, Self.render(spec: request.spec, frame: frame, chunkIndex: request.chunkIndex, gain: gain))
        }
    }

    /// How chunk `chunkIndex` departs from the shot's true look. Neighbours always drift in
    /// opposite directions so every boundary has a jump to hide.
    struct Drift {
        var exposure: Float
        var balance: SIMD3<Float>
        /// Object offset as a fraction of the picture width.
        var offset: Double

        init(chunkIndex: Int) {
            let sign: Float = chunkIndex.isMultiple(of: 2) ? 1 : -1
            var state = UInt64(bitPattern: Int64(chunkIndex)) &+ 0x9E37_79B9_7F4A_7C15
            let h = (0..<3).map { _ in Float(Self.splitMix(&state) >> 40) / Float(1 << 24) }
            exposure = Float(pow(2.0, Double(sign * (0.12 + 0.08 * h[0]))))
            balance = SIMD3(1 + sign * (0.04 + 0.04 * h[1]), 1, 1 - sign * (0.04 + 0.04 * h[2]))
            offset = Double(sign) * 0.02
        }

        static func splitMix(_ state: inout UInt64) -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Frame `frame` as chunk `chunkIndex` renders it; `gain` is the level match from conditioning.
    public static func render(spec: ShotSpec, frame: Int, chunkIndex: Int, gain: SIMD3<Float> = SIMD3(1, 1, 1)) -> RGBAImage {
        let width = spec.resolution.width, height = spec.resolution.height
        let drift = Drift(chunkIndex: chunkIndex)
        let t = spec.fps.seconds(frames: frame - spec.frames.first)
        let cx = Double(width) * (0.5 + 0.3 * sin(2 * Double.pi * t / 5) + drift.offset)
        let cy = Double(height) * (0.5 + 0.15 * sin(2 * Double.pi * t / 3))
        let sigma = 0.08 * Double(width)
        let ball = SIMD3<Float>(2.0, 1.2, 0.4)
        let tint = SIMD3<Float>(0.8, 0.9, 1.0)
        let look = drift.balance * drift.exposure * gain
        var image = RGBAImage(width: width, height: height)
        image.pixels.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            parallelBands(count: height) { rows in
                for y in rows {
                    let sky = 0.05 + 0.25 * (1 - Float(y) / Float(max(1, height - 1)))
                    for x in 0..<width {
                        let dx = Double(x) + 0.5 - cx, dy = Double(y) + 0.5 - cy
                        let glow = Float(exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)))
                        let rgb = (tint * sky + ball * glow) * look
                        let i = (y * width + x) * 4
                        base[i] = rgb.x
                        base[i + 1] = rgb.y
                        base[i + 2] = rgb.z
                        base[i + 3] = 1
                    }
                }
            }
        }
        return image
    }

    /// Per-channel gain that brings this chunk's first frames to the conditioning frames' level.
    static func levelMatch(_ request: GenerationRequest) -> SIMD3<Float> {
        let count = min(request.conditioning.count, request.frames.count)
        guard count > 0 else { return SIMD3(1, 1, 1) }
        let own = request.frames.prefix(count).map { render(spec: request.spec, frame: $0, chunkIndex: request.chunkIndex) }
        let target = channelMeans(request.conditioning), current = channelMeans(own)
        var gain = SIMD3<Float>(1, 1, 1)
        for c in 0..<3 where current[c] > 0 && target[c] > 0 { gain[c] = Float(target[c] / current[c]) }
        return gain
    }

    static func channelMeans(_ images: [RGBAImage]) -> SIMD3<Double> {
        var sum = SIMD3<Double>(0, 0, 0)
        var n = 0
        for image in images {
            for p in 0..<image.pixelCount {
                sum += SIMD3(Double(image.pixels[p * 4]), Double(image.pixels[p * 4 + 1]), Double(image.pixels[p * 4 + 2]))
            }
            n += image.pixelCount
        }
        return n > 0 ? sum / Double(n) : sum
    }
}
