import Foundation
import ImageCore
import Inference
import Plates
import ShotSpec
import Testing

struct SceneLitHDRITests {
    /// A lat-long HDRI of one constant ACEScg radiance, written as a real float EXR.
    private func constantHDRI(_ value: Float, in root: URL) throws -> String {
        let url = root.appendingPathComponent("constant.exr")
        let writer = try PlateWriter(format: PlateFormat(colorspace: "ACEScg", compression: .zip, bitDepth: .float))
        let metadata = FrameMetadata(frameNumber: 1, fps: FrameRate(numerator: 24, denominator: 1)!, owner: "test", comments: "HDRI",
                                     capDate: Date(timeIntervalSince1970: 0), strings: [:])
        try writer.write(RGBAImage(width: 64, height: 32, fill: SIMD4(value, value, value, 1)), to: url, metadata: metadata)
        return url.path
    }

    @Test func whitePlaneUnderAConstantHDRIReadsItsRadianceTimesTwoToTheExposure() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let hdri = try constantHDRI(1.5, in: root)
        let spec = try SceneLitTestSupport.spec(body: """
            camera: {position: [0, 2, 4], target: [0, 0, 0]}
            environment: {hdri: {path: \(hdri), colorspace: ACEScg, exposure: 1, rotation: 90}}
            ground: {material: {base_color: [1, 1, 1], roughness: 1}}
            """)
        let image = try #require(try SceneLitTestSupport.render(spec, frames: 1001...1001, root: root)[1001])
        // One stop up: 1.5 × 2 = 3.0, within the same 2 % as the uniform-sky test.
        for (x, y) in [(32, 30), (10, 25), (50, 33)] {
            let p = image[x, y]
            #expect(abs(p.x - 3) < 0.06 && abs(p.y - 3) < 0.06 && abs(p.z - 3) < 0.06, "pixel \(x),\(y) is \(p)")
        }
    }

    @Test func changingTheHDRIsExposureChangesTheLightingID() throws {
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let hdri = try constantHDRI(1.5, in: root)
        let generator = SceneLitGenerator()
        var ids: Set<String> = []
        for exposure in [0, 1] {
            let spec = try SceneLitTestSupport.spec(body: "environment: {hdri: {path: \(hdri), colorspace: ACEScg, exposure: \(exposure)}}")
            ids.insert(try generator.prepare(spec, storageRoot: root, cancellation: CancellationFlag()).id)
        }
        #expect(ids.count == 2)
    }
}
