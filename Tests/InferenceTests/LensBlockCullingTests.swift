import Foundation
@testable import Inference
import ShotSpec
import Testing

/// Block culling through a thin lens (`CameraBlockCulling.mask` with an aperture, used by the
/// extended shading) may only drop primitives no lens ray of the block can hit: checked against
/// the exact ray–primitive tests on every primitive, for the renderer's own lens rays
/// (`SceneLitLens.ray`, every sample of 8 and several offsets in each pixel), with an aperture
/// far wider than a real lens's so the widening is what keeps the hits.
@Suite struct LensBlockCullingTests {
    @Test(arguments: [(UInt64(1), Float(1.5)), (2, 4), (3, 9)])
    func noPrimitiveALensRayCanHitIsCulled(seed: UInt64, focus: Float) {
        let width = 48, height = 27, block = 8, samples = 8
        let prims = CameraBlockCullingTests.scene(seed: seed)
        var sub = CameraBlockCullingTests.camera(origin: SIMD3(0.3, 1.4, 6), target: SIMD3(0, 0.8, -2), width: width, height: height)
        sub.focusDistance = focus
        var camera = CameraSpec.default
        camera.focalLengthMM = 50
        camera.fStop = 0.25  // a 10 cm aperture radius
        let lens = SceneLitLens(camera)
        let invW = 2 / Float(width), invH = 2 / Float(height)
        let offsets = [SIMD2<Float>(0, 0), SIMD2(0.999, 0.999), SIMD2(0.3, 0.7)]
        // Hits on primitives the lens mask dropped (must be none), and on ones the pinhole mask
        // drops (some: without the widening this test fails).
        var misses = 0, pinholeMisses = 0, culled = 0, kept = 0
        prims.withUnsafeBufferPointer { prims in
            for by in stride(from: 0, to: height, by: block) {
                for bx in stride(from: 0, to: width, by: block) {
                    let columns = bx..<min(width, bx + block), rows = by..<min(height, by + block)
                    let mask = CameraBlockCulling.mask(sub, prims: prims, columns: columns, rows: rows, invW: invW, invH: invH, aperture: lens.apertureRadius)
                    let pinhole = CameraBlockCulling.mask(sub, prims: prims, columns: columns, rows: rows, invW: invW, invH: invH)
                    culled += prims.count - mask.nonzeroBitCount
                    kept += mask.nonzeroBitCount
                    #expect(mask & pinhole == pinhole, "the lens mask keeps what the pinhole mask keeps")
                    for y in rows {
                        for x in columns {
                            let pixel = PixelHash.hash(UInt32(x), UInt32(y), 0)
                            for o in offsets {
                                let d = CameraBlockCullingTests.ray(sub, x: x, y: y, o, invW: invW, invH: invH)
                                for j in 0..<samples {
                                    let (origin, direction) = lens.ray(sub, pinhole: d, sample: j, of: samples, pixel: pixel)
                                    for i in 0..<prims.count where SceneGeometry.hit(prims[i], origin, direction, .infinity) != nil {
                                        if mask & (UInt64(1) << UInt64(i)) == 0 { misses += 1 }
                                        if pinhole & (UInt64(1) << UInt64(i)) == 0 { pinholeMisses += 1 }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        #expect(misses == 0, "seed \(seed), focus \(focus): \(misses) lens-ray hits on culled primitives")
        #expect(pinholeMisses > 0, "seed \(seed), focus \(focus): the pinhole mask already covers the lens rays, so this checks nothing")
        // Culling must also cull: the widened blocks still leave out a good share of the 24.
        #expect(culled > kept / 2, "seed \(seed), focus \(focus): only \(culled) culled against \(kept) kept")
    }
}
