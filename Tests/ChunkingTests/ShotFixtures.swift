import Foundation
import ShotSpec

/// Small shot specs parsed by the real loader.
enum ShotFixtures {
    static func shot(
        fps: String = "24", frames: Int, width: Int = 32, height: Int = 18, generator: String = "drift",
        chunking: String = ""
    ) throws -> ShotSpec {
        let yaml = """
        show: test
        shot: sh010
        fps: \(fps)
        frames: { first: 1001, count: \(frames) }
        resolution: [\(width), \(height)]
        generator: { name: \(generator) }
        \(chunking.isEmpty ? "" : "chunking: \(chunking)")
        """
        return try ShotSpecLoader.parse(yaml, baseDirectory: FileManager.default.temporaryDirectory)
    }

    static func rate(_ text: String) -> FrameRate {
        guard let rate = FrameRate.parse(text) else { preconditionFailure("bad test rate \(text)") }
        return rate
    }
}
