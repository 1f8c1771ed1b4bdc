import Foundation
@testable import Inference
import ShotSpec
import Testing

/// `GlimpsePacket` stands in for `SceneLitFrameKernel.sees` in the motion-blur comparison, so for
/// every ray and every glimpse a ray with no primitive in its mask can have (ground lit or
/// shadowed, sky in or out of the sun's disc) its glimpse must equal that glimpse exactly when
/// `sees` says the ray glimpses it. Checked on every ray of small frames at sample offsets
/// including the pixel corners, with the plinth's shadow in view (full sun mask) and without.
@Suite struct GlimpsePacketTests {
    @Test(arguments: GroundPacketTests.cases, [UInt64.max, 0])
    func packetGlimpsesEveryRayAsSeesAnswers(_ c: GroundPacketTests.Case, sunMask: UInt64) throws {
        let width = 96, height = 54
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let renderer = try GroundPacketTests.renderer(c, width: width, height: height, root: root)
        let instants = renderer.instants(frames: [1001])[0]
        let offsets: [SIMD2<Float>] = [SIMD2(0, 0), SIMD2(1, 1), SIMD2(0.25, 0.5), SIMD2(0.75, 0.118034), SIMD2(1, 0)]
        let invW = 2 / Float(width), invH = 2 / Float(height)
        let candidates = [
            SceneLitFrameKernel.Glimpse(hit: -1, lit: true), SceneLitFrameKernel.Glimpse(hit: -1, lit: false),
            SceneLitFrameKernel.Glimpse(hit: -2, lit: true), SceneLitFrameKernel.Glimpse(hit: -2, lit: false),
        ]
        var wrong = 0, counts = [Int](repeating: 0, count: candidates.count), rows = 0
        PacketTestKernel.with(renderer, instants, offsets: offsets) { kernel, offsets in
            let k = instants.count / 2, sub = kernel.subFrames[k]
            let out = UnsafeMutablePointer<SceneLitFrameKernel.Glimpse>.allocate(capacity: SceneLitRenderer.columnsPerBlock * offsets.count)
            defer { out.deallocate() }
            for y in 0..<height {
                for start in stride(from: 0, to: width, by: SceneLitRenderer.columnsPerBlock) {
                    let columns = start..<min(width, start + SceneLitRenderer.columnsPerBlock)
                    guard GlimpsePacket.glimpses(kernel, subFrame: k, sunMask: sunMask, columns: columns, row: y, offsets: offsets, invW: invW, invH: invH, into: out) else { continue }
                    rows += 1
                    for x in columns {
                        for (j, o) in offsets.enumerated() {
                            // The renderer's pinhole direction for pixel (x, y) at offset o.
                            var d = sub.forward + sub.right * ((Float(x) + o.x) * invW - 1) + sub.up * (1 - (Float(y) + o.y) * invH)
                            d /= (d * d).sum().squareRoot()
                            let got = out[(x - start) * offsets.count + j]
                            for (n, expected) in candidates.enumerated() {
                                let sees = kernel.sees(expected, sub.origin, d, subFrame: k, mask: 0, sunMask: sunMask)
                                if sees != (got == expected) { wrong += 1 }
                                if got == expected { counts[n] += 1 }
                            }
                        }
                    }
                }
            }
        }
        #expect(wrong == 0)
        // The camera stands above the ground, so no row falls back to `sees`; the ground is in view.
        #expect(rows == height * ((width + SceneLitRenderer.columnsPerBlock - 1) / SceneLitRenderer.columnsPerBlock))
        #expect(counts[0] > 0)
        if sunMask != 0 { #expect(counts[1] > 0) }
    }
}
