import Foundation
@testable import Inference
import Testing

/// Block culling may only drop primitives no ray of the block can hit: checked against the exact
/// ray–primitive tests run on every primitive, for every pixel and a spread of sample offsets
/// (the pixel corners included), in scenes of random spheres, boxes and cylinders around a camera.
@Suite struct CameraBlockCullingTests {
    /// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", 2014),
    /// so every run tests the same scenes.
    struct SplitMix {
        var state: UInt64
        mutating func next() -> Float {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Float(z >> 40) / Float(1 << 24)
        }
        mutating func range(_ lo: Float, _ hi: Float) -> Float { lo + (hi - lo) * next() }
    }

    static func scene(seed: UInt64) -> [Primitive] {
        var rng = SplitMix(state: seed)
        return (0..<24).map { i in
            let kind = Primitive.Kind(rawValue: UInt8(i % 3))!
            let center = SIMD3(rng.range(-6, 6), rng.range(-0.5, 4), rng.range(-10, 4))
            let half = SIMD3(rng.range(0.05, 1.2), rng.range(0.05, 1.5), rng.range(0.05, 1.2))
            let size = kind == .sphere ? SIMD3(repeating: half.x) : (kind == .cylinder ? SIMD3(half.x, half.y, half.x) : half)
            return Primitive(kind: kind, center: center, half: size, surface: 0, isStatic: true)
        }
    }

    static func camera(origin: SIMD3<Float>, target: SIMD3<Float>, width: Int, height: Int) -> SceneLitFrameKernel.SubFrame {
        let cam = SceneLitCamera(position: SIMD3<Double>(origin), target: SIMD3<Double>(target), tanHalfWidth: 0.7)
        let (f, r, u) = cam.basis
        let right = SIMD3<Float>(r * 0.7), up = SIMD3<Float>(u * 0.7 * Double(height) / Double(width))
        return SceneLitFrameKernel.SubFrame(
            origin: origin, forward: SIMD3<Float>(f), right: right, up: up, firstPrimitive: 0, focusDistance: 1,
            stepX: right * (2 / Float(width)), stepY: up * (2 / Float(height))
        )
    }

    /// Sample offsets inside a pixel, its corners included.
    static let offsets: [SIMD2<Float>] = [SIMD2(0, 0), SIMD2(0.999, 0.999), SIMD2(0, 0.999), SIMD2(0.999, 0), SIMD2(0.5, 0.5), SIMD2(0.25, 0.8)]

    /// The renderer's camera ray through pixel (x, y) at offset `o`, expression for expression.
    static func ray(_ sub: SceneLitFrameKernel.SubFrame, x: Int, y: Int, _ o: SIMD2<Float>, invW: Float, invH: Float) -> SIMD3<Float> {
        let sx = (Float(x) + o.x) * invW - 1, sy = 1 - (Float(y) + o.y) * invH
        var d = sub.forward + sub.right * sx + sub.up * sy
        d /= (d * d).sum().squareRoot()
        return d
    }

    /// Calls `body` with each `block`-pixel square of the image, its mask and its sun mask.
    static func forEachBlock(
        width: Int, height: Int, block: Int, _ sub: SceneLitFrameKernel.SubFrame, prims: UnsafeBufferPointer<Primitive>, sun: SIMD3<Float>,
        _ body: (_ columns: Range<Int>, _ rows: Range<Int>, _ mask: UInt64, _ sunMask: UInt64) -> Void
    ) {
        let invW = 2 / Float(width), invH = 2 / Float(height)
        for by in stride(from: 0, to: height, by: block) {
            for bx in stride(from: 0, to: width, by: block) {
                let columns = bx..<min(width, bx + block), rows = by..<min(height, by + block)
                let mask = CameraBlockCulling.mask(sub, prims: prims, columns: columns, rows: rows, invW: invW, invH: invH)
                let sunMask = CameraBlockCulling.sunMask(
                    sub, prims: prims, primary: mask, groundEnabled: true, groundHeight: 0, sun: sun,
                    columns: columns, rows: rows, invW: invW, invH: invH
                )
                body(columns, rows, mask, sunMask)
            }
        }
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func noPrimitiveARayCanHitIsCulled(seed: UInt64) {
        let width = 96, height = 54, block = 8
        let prims = Self.scene(seed: seed)
        let sun = normalize(SIMD3<Float>(0.4, 0.5, -0.3))
        let sub = Self.camera(origin: SIMD3(0.3, 1.4, 6), target: SIMD3(0, 0.8, -2), width: width, height: height)
        let invW = 2 / Float(width), invH = 2 / Float(height)
        var culled = 0, sunCulled = 0, misses = 0
        prims.withUnsafeBufferPointer { prims in
            Self.forEachBlock(width: width, height: height, block: block, sub, prims: prims, sun: sun) { columns, rows, mask, sunMask in
                culled += prims.count - mask.nonzeroBitCount
                sunCulled += prims.count - sunMask.nonzeroBitCount
                for y in rows {
                    for x in columns {
                        for o in Self.offsets {
                            let d = Self.ray(sub, x: x, y: y, o, invW: invW, invH: invH)
                            for i in 0..<prims.count where SceneGeometry.hit(prims[i], sub.origin, d, .infinity) != nil {
                                if mask & (UInt64(1) << UInt64(i)) == 0 { misses += 1 }
                            }
                            // Every primitive that blocks the sun at the nearest hit must be kept.
                            guard let hit = SceneGeometry.nearest(prims, groundEnabled: true, groundHeight: 0, sub.origin, d) else { continue }
                            var n = hit.normal
                            if (n * d).sum() > 0 { n = -n }
                            let from = sub.origin + d * hit.t + n * 1e-3
                            for i in 0..<prims.count where SceneGeometry.hit(prims[i], from, sun, .infinity) != nil {
                                if sunMask & (UInt64(1) << UInt64(i)) == 0 { misses += 1 }
                            }
                        }
                    }
                }
            }
        }
        #expect(misses == 0, "seed \(seed): \(misses) hits on culled primitives")
        // Culling must also cull: most blocks see only a few of the 24 primitives.
        let blocks = ((width + block - 1) / block) * ((height + block - 1) / block)
        #expect(culled > blocks * prims.count / 2, "seed \(seed): only \(culled) of \(blocks * prims.count) culled")
        #expect(sunCulled > 0, "seed \(seed): the sun mask culled nothing")
    }
}

private func normalize(_ v: SIMD3<Float>) -> SIMD3<Float> { v / (v * v).sum().squareRoot() }
