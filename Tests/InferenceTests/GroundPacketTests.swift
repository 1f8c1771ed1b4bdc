import Foundation
@testable import Inference
import ShotSpec
import Testing

/// `GroundPacket` stands in for the one-ray lean `shade` wherever a block's rays all meet the
/// bare ground, so it must return each ray's radiance and glimpse bit for bit: checked against
/// `SceneLitFrameKernel.shade` itself (the model's definition) for every ray of small frames, at
/// sample offsets including the pixel corners, over grounds from rough to mirror-like metal and
/// a sun from behind the camera to grazing ahead of it.
@Suite struct GroundPacketTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var camera: String
        var sky: String
        var ground: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "rough ground, sun behind", camera: "{position: [0, 1.4, 6.5], target: [0, 0.7, 0]}",
            sky: "{sun_elevation: 18, sun_azimuth: 250, turbidity: 3.5}", ground: "{base_color: [0.42, 0.36, 0.30], roughness: 0.85}"
        ),
        Case(
            name: "glossy metal ground, low sun ahead", camera: "{position: [0.5, 2.5, 6], target: [0, 0, -3]}",
            sky: "{sun_elevation: 8, sun_azimuth: 175, turbidity: 2.5}", ground: "{base_color: [0.8, 0.7, 0.5], roughness: 0.2, metallic: 1}"
        ),
        Case(
            name: "near mirror, looking down", camera: "{position: [-1, 4, 3], target: [0, 0, 0]}",
            sky: "{sun_elevation: 55, sun_azimuth: 120, turbidity: 4}", ground: "{base_color: [0.5, 0.5, 0.5], roughness: 0.05}"
        ),
    ]

    @Test(arguments: cases)
    func packetShadesEveryGroundRayAsTheOneRayShadeDoes(_ c: Case) throws {
        let (packetRays, wrong, lit, _) = try Self.compare(c, sunMask: 0)
        let width = 96, height = 54, samples = 5
        #expect(wrong == 0)
        // Most of each view is ground, and the sun lights it, so the highlight lanes run too.
        #expect(packetRays > width * height * samples / 3)
        #expect(lit > width * height * samples / 3)
    }

    /// With primitives in the block's sun mask each lane casts its own shadow ray: the plinth's
    /// shadow falls on the ground in view, so lit and shadowed lanes meet in one packet.
    @Test(arguments: cases)
    func packetCastsEachLanesShadowRayAsTheOneRayShadeDoes(_ c: Case) throws {
        let (packetRays, wrong, lit, shadowed) = try Self.compare(c, sunMask: .max)
        #expect(wrong == 0)
        #expect(packetRays > 0)
        #expect(lit > 0)
        #expect(shadowed > 0)
    }

    /// The renderer of case `c` at `width`×`height` (a plinth on the ground, its lighting solved under `root`).
    static func renderer(_ c: Case, width: Int, height: Int, root: URL) throws -> SceneLitRenderer {
        let spec = try SceneLitTestSupport.spec(width: width, height: height, body: """
            camera: \(c.camera)
            environment:
              sky: \(c.sky)
            ground: {material: \(c.ground)}
            objects:
              - {name: plinth, shape: box, position: [-1.7, 0.35, -1.0], size: [1.2, 0.7, 1.2], material: {base_color: [0.62, 0.60, 0.56], roughness: 0.7}}
            """)
        let artifact = try SceneLitGenerator().prepare(spec, storageRoot: root, cancellation: CancellationFlag())
        return try SceneLitGenerator.renderer(spec, lighting: artifact)
    }

    /// Shades every ray of a 96×54 frame of case `c` with `GroundPacket` (camera mask 0, sun mask
    /// `sunMask`) and with `SceneLitFrameKernel.shade`; counts ground rays, rays whose radiance or
    /// glimpse differ, and sunlit and shadowed ground rays.
    static func compare(_ c: Case, sunMask: UInt64) throws -> (packetRays: Int, wrong: Int, lit: Int, shadowed: Int) {
        let width = 96, height = 54
        let root = try SceneLitTestSupport.storageRoot()
        defer { SceneLitTestSupport.cleanUp(root) }
        let renderer = try Self.renderer(c, width: width, height: height, root: root)
        let instants = renderer.instants(frames: [1001])[0]
        // Corners and inner points of the pixel, as the sample patterns and the culling bounds use.
        let offsets: [SIMD2<Float>] = [SIMD2(0, 0), SIMD2(1, 1), SIMD2(0.25, 0.5), SIMD2(0.75, 0.118034), SIMD2(1, 0)]
        let invW = 2 / Float(width), invH = 2 / Float(height)
        var packetRays = 0, wrong = 0, lit = 0, shadowed = 0
        PacketTestKernel.with(renderer, instants, offsets: offsets) { kernel, offsets in
            #expect(!kernel.extended)
            let k = instants.count / 2, sub = kernel.subFrames[k]
            let capacity = SceneLitRenderer.columnsPerBlock * offsets.count
            let out = UnsafeMutablePointer<SIMD3<Float>>.allocate(capacity: capacity)
            let seen = UnsafeMutablePointer<SceneLitFrameKernel.Glimpse>.allocate(capacity: capacity)
            defer { out.deallocate(); seen.deallocate() }
            // No primitive in the mask and none that can shadow: every ray tests only the ground,
            // and rays that miss it (sky, from below) take the packet's one-ray fallback.
            for y in 0..<height {
                for start in stride(from: 0, to: width, by: SceneLitRenderer.columnsPerBlock) {
                    let columns = start..<min(width, start + SceneLitRenderer.columnsPerBlock)
                    GroundPacket.shade(
                        kernel, subFrame: k, mask: 0, sunMask: sunMask, columns: columns, row: y, offsets: offsets,
                        invW: invW, invH: invH, into: out, seen: seen
                    )
                    for x in columns {
                        for (j, o) in offsets.enumerated() {
                            // The renderer's pinhole direction for pixel (x, y) at offset o.
                            var d = sub.forward + sub.right * ((Float(x) + o.x) * invW - 1) + sub.up * (1 - (Float(y) + o.y) * invH)
                            d /= (d * d).sum().squareRoot()
                            var glimpse = SceneLitFrameKernel.Glimpse(hit: -9, lit: false)
                            let expected = kernel.shade(sub.origin, d, subFrame: k, mask: 0, sunMask: sunMask, glimpse: &glimpse)
                            let index = (x - start) * offsets.count + j
                            let got = out[index]
                            let same = (0..<3).allSatisfy { got[$0].bitPattern == expected[$0].bitPattern }
                            if !same || seen[index] != glimpse { wrong += 1 }
                            if glimpse.hit == -1 { packetRays += 1 }
                            if glimpse.hit == -1 && glimpse.lit { lit += 1 }
                            if glimpse.hit == -1 && !glimpse.lit { shadowed += 1 }
                        }
                    }
                }
            }
        }
        return (packetRays, wrong, lit, shadowed)
    }
}
