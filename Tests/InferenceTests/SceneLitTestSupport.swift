import Foundation
import ImageCore
import Inference
import ShotSpec

/// Shared helpers for the scenelit tests: specs from YAML, a scratch storage root, rendering.
enum SceneLitTestSupport {
    /// Small GI params so solves stay quick in debug builds.
    static let fastParams = "{samples: 1, gi_ground_patches: 6, gi_object_patches: 4, gi_sky_samples: 16}"

    static func spec(
        shot: String = "sh010", frames: String = "{first: 1001, count: 24}", width: Int = 64, height: Int = 36,
        params: String = fastParams, body: String
    ) throws -> ShotSpec {
        try ShotSpecLoader.parse(
            """
            show: demo
            shot: \(shot)
            scene: courtyard
            fps: 24
            frames: \(frames)
            resolution: [\(width), \(height)]
            generator: {name: scenelit, params: \(params)}
            \(body)
            """,
            baseDirectory: FileManager.default.temporaryDirectory
        )
    }

    /// The error text `SceneLitGenerator.validate` gives for `spec`, or nil when it accepts it.
    static func validationError(_ spec: ShotSpec) -> String? {
        do {
            try SceneLitGenerator().validate(spec)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// A fresh storage root, removed by the caller with `cleanUp`.
    static func storageRoot() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("scenelit-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func cleanUp(_ url: URL) { try? FileManager.default.removeItem(at: url) }

    /// Prepares lighting under `root` and renders `frames`, returning images by frame number.
    static func render(_ spec: ShotSpec, frames: ClosedRange<Int>, root: URL) throws -> [Int: RGBAImage] {
        let generator = SceneLitGenerator()
        let artifact = try generator.prepare(spec, storageRoot: root, cancellation: CancellationFlag())
        var out: [Int: RGBAImage] = [:]
        var order: [Int] = []
        try generator.generate(GenerationRequest(spec: spec, frames: frames, lighting: artifact), cancellation: CancellationFlag()) { frame, image in
            out[frame] = image
            order.append(frame)
        }
        precondition(order == Array(frames), "frames must be emitted in order")
        return out
    }

    static func luminance(_ p: SIMD4<Float>) -> Float { 0.2722 * p.x + 0.6741 * p.y + 0.0537 * p.z }
}
