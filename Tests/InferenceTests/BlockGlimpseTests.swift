import Foundation
@testable import Inference
import Testing

/// A block's uniform glimpse stands in for every ray `sees` would cast, so it may only be given
/// where each of those rays really glimpses it: checked against the glimpse taken by the exact
/// tests on every primitive (nearest hit, then the sun's shadow ray from it, as
/// `SceneLitFrameKernel.meet` casts it), for every pixel at sample offsets including the corners.
@Suite struct BlockGlimpseTests {
    typealias Glimpse = SceneLitFrameKernel.Glimpse

    /// What the camera ray `d` from `o` glimpses, over all primitives.
    static func exactGlimpse(
        _ prims: UnsafeBufferPointer<Primitive>, _ o: SIMD3<Float>, _ d: SIMD3<Float>, sun: SIMD3<Float>, hasSun: Bool, sunCosRadius: Float
    ) -> Glimpse {
        guard let hit = SceneGeometry.nearest(prims, groundEnabled: true, groundHeight: 0, o, d) else {
            return Glimpse(hit: -2, lit: (d * sun).sum() >= sunCosRadius)
        }
        var n = hit.normal
        if (n * d).sum() > 0 { n = -n }
        let nl = (n * sun).sum()
        let lit = nl > 0 && hasSun && !SceneGeometry.anyHit(prims, o + d * hit.t + n * 1e-3, sun)
        return Glimpse(hit: hit.primitive, lit: lit)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var seed: UInt64
        var origin: SIMD3<Float>
        var target: SIMD3<Float>
        var sun: SIMD3<Float>
        var hasSun = true
        /// Angular radius of the sun's disc; far above the real 0.27° so blocks meet its edge.
        var discRadius: Float = 0.08
        var testDescription: String { name }
    }

    static let highSun = normalize(SIMD3<Float>(0.4, 0.5, -0.3))
    static let cases: [Case] = [
        Case(name: "ground, objects and horizon", seed: 1, origin: SIMD3(0.3, 1.4, 6), target: SIMD3(0, 0.8, -2), sun: highSun),
        Case(name: "looking into the sun", seed: 2, origin: SIMD3(0, 1.4, 6), target: SIMD3(0, 1.4, 6) + highSun * 10, sun: highSun),
        Case(name: "low sun behind the objects", seed: 3, origin: SIMD3(-1, 0.6, 7), target: SIMD3(0, 0.2, -4), sun: normalize(SIMD3(-0.2, 0.12, -1))),
        Case(name: "sun below the horizon", seed: 4, origin: SIMD3(0.5, 2.5, 6), target: SIMD3(0, 0, -3), sun: normalize(SIMD3(0.3, -0.1, -1)), hasSun: false),
    ]

    @Test(arguments: cases)
    func uniformGlimpseIsWhatEveryRayOfTheBlockGlimpses(_ c: Case) {
        let width = 96, height = 54, block = 8
        // A few primitives, as in the open-air shots: 24 fill every block of the view.
        let prims = Array(CameraBlockCullingTests.scene(seed: c.seed).prefix(5))
        let sub = CameraBlockCullingTests.camera(origin: c.origin, target: c.target, width: width, height: height)
        let invW = 2 / Float(width), invH = 2 / Float(height)
        let cosRadius = cosf(c.discRadius)
        var wrong = 0, ground = 0, sky = 0, undecided = 0, inDisc = 0
        prims.withUnsafeBufferPointer { prims in
            CameraBlockCullingTests.forEachBlock(width: width, height: height, block: block, sub, prims: prims, sun: c.sun) { columns, rows, mask, sunMask in
                let uniform = BlockGlimpse.uniform(
                    sub, primary: mask, sunMask: sunMask, groundEnabled: true, groundHeight: 0, sun: c.sun, hasSun: c.hasSun,
                    sunCosRadius: cosRadius, columns: columns, rows: rows, invW: invW, invH: invH
                )
                switch uniform?.hit {
                case -1: ground += 1
                case -2: sky += 1
                default: undecided += 1
                }
                for y in rows {
                    for x in columns {
                        for o in CameraBlockCullingTests.offsets {
                            let d = CameraBlockCullingTests.ray(sub, x: x, y: y, o, invW: invW, invH: invH)
                            let exact = Self.exactGlimpse(prims, sub.origin, d, sun: c.sun, hasSun: c.hasSun, sunCosRadius: cosRadius)
                            if exact.hit == -2, exact.lit { inDisc += 1 }
                            if let uniform, uniform != exact { wrong += 1 }
                        }
                    }
                }
            }
        }
        #expect(wrong == 0, "\(c.name): \(wrong) rays glimpse something other than their block's uniform glimpse")
        // The shortcut must also be taken: each view has blocks it decides and blocks it leaves.
        #expect(undecided > 0, "\(c.name): every block decided")
        #expect(ground + sky > undecided / 4, "\(c.name): only \(ground) ground and \(sky) sky blocks of \(ground + sky + undecided)")
        if c.name == "looking into the sun" {
            #expect(inDisc > 0, "the view into the sun has no ray in its disc")
            #expect(sky > 0, "no sky block away from the sun")
        } else {
            #expect(ground > 0, "\(c.name): no ground block")
        }
    }
}

private func normalize(_ v: SIMD3<Float>) -> SIMD3<Float> { v / (v * v).sum().squareRoot() }
