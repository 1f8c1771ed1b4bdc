import Foundation
@testable import Inference
import ShotSpec
import Testing

/// `SkyPacket` stands in for `SceneLitFrameKernel.sky` on blocks that see only sky, so each ray's
/// radiance and glimpse must be the one-ray lookup's bits: checked for every ray of a small frame
/// looking up at the sky (the sun's disc in view, so disc lanes run too), at sample offsets
/// including the pixel corners.
@Suite struct SkyPacketTests {
    @Test(arguments: [
        "{position: [0, 1.5, 0], target: [-3.22, 2.61, -1.17]}",
        "{position: [0, 1.5, 0], target: [1, 40, -0.5]}",
    ])
    func packetLooksUpEveryRayAsTheOneRaySkyDoes(_ camera: String) throws {
        let width = 96, height = 54
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let spec = try SceneLitTestSupport.spec(width: width, height: height, body: """
            camera: \(camera)
            environment:
              sky: {sun_elevation: 18, sun_azimuth: 250, turbidity: 3.5}
            """)
        let artifact = try SceneLitGenerator().prepare(spec, storageRoot: root, cancellation: CancellationFlag())
        let renderer = try SceneLitGenerator.renderer(spec, lighting: artifact)
        let instants = renderer.instants(frames: [1001])[0]
        let offsets: [SIMD2<Float>] = [SIMD2(0, 0), SIMD2(1, 1), SIMD2(0.25, 0.5), SIMD2(0.75, 0.118034), SIMD2(1, 0)]
        let invW = 2 / Float(width), invH = 2 / Float(height)
        var wrong = 0, disc = 0
        PacketTestKernel.with(renderer, instants, offsets: offsets) { kernel, offsets in
            let k = instants.count / 2, sub = kernel.subFrames[k]
            let capacity = SceneLitRenderer.columnsPerBlock * offsets.count
            let out = UnsafeMutablePointer<SIMD3<Float>>.allocate(capacity: capacity)
            let seen = UnsafeMutablePointer<SceneLitFrameKernel.Glimpse>.allocate(capacity: capacity)
            defer { out.deallocate(); seen.deallocate() }
            for y in 0..<height {
                for start in stride(from: 0, to: width, by: SceneLitRenderer.columnsPerBlock) {
                    let columns = start..<min(width, start + SceneLitRenderer.columnsPerBlock)
                    SkyPacket.shade(kernel, subFrame: k, columns: columns, row: y, offsets: offsets, invW: invW, invH: invH, into: out, seen: seen)
                    for x in columns {
                        for (j, o) in offsets.enumerated() {
                            // The renderer's pinhole direction for pixel (x, y) at offset o.
                            var d = sub.forward + sub.right * ((Float(x) + o.x) * invW - 1) + sub.up * (1 - (Float(y) + o.y) * invH)
                            d /= (d * d).sum().squareRoot()
                            var glimpse = SceneLitFrameKernel.Glimpse(hit: -9, lit: false)
                            let expected = kernel.sky(d, glimpse: &glimpse)
                            let index = (x - start) * offsets.count + j
                            let got = out[index]
                            if !(0..<3).allSatisfy({ got[$0].bitPattern == expected[$0].bitPattern }) || seen[index] != glimpse { wrong += 1 }
                            if glimpse.lit { disc += 1 }
                        }
                    }
                }
            }
        }
        #expect(wrong == 0)
        if camera.contains("-3.2") { #expect(disc > 0) }
    }
}
