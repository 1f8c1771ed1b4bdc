import Foundation
@testable import Inference
import Testing

/// Shadow-ray culling may only drop primitives no shadow ray of the point can meet: checked
/// against the exact ray–primitive test run on every primitive, for shadow rays built as
/// `SceneLight.irradiance` builds them (lattice points on an area light's rectangle, a point
/// light's centre), from points all over random scenes of spheres, boxes and cylinders.
@Suite struct ShadowBlockersTests {
    typealias SplitMix = CameraBlockCullingTests.SplitMix

    static func unit(_ rng: inout SplitMix) -> SIMD3<Float> {
        while true {
            let v = SIMD3(rng.range(-1, 1), rng.range(-1, 1), rng.range(-1, 1))
            let l = (v * v).sum()
            if l > 0.01, l <= 1 { return v / l.squareRoot() }
        }
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func noPrimitiveAShadowRayCanMeetIsDropped(seed: UInt64) {
        var rng = SplitMix(state: seed &* 7919)
        var prims = CameraBlockCullingTests.scene(seed: seed)
        for i in prims.indices where i % 5 == 0 { prims[i].isStatic = false }
        var rays = 0, dropped = 0, tested = 0, misses = 0, wrong = 0, boxMismatches = 0
        // The boxes the frame kernel keeps per primitive: the mask must not change with them.
        let boxes = prims.map(ShadowBlockers.Box.init)
        boxes.withUnsafeBufferPointer { boxes in
        prims.withUnsafeBufferPointer { prims in
            for round in 0..<24 {
                // A light somewhere in the scene: an area light facing down or sideways, or a point.
                let centre = SIMD3(rng.range(-6, 6), rng.range(0, 5), rng.range(-10, 4))
                let area = round % 3 != 0
                let halfU = area ? SIMD3(rng.range(0.05, 1.5), 0, 0) : .zero
                let halfV = area ? (round % 2 == 0 ? SIMD3(0, 0, rng.range(0.05, 1.5)) : SIMD3(0, rng.range(0.05, 1.5), 0)) : .zero
                let extent = pointwiseMax(halfU, -halfU) + pointwiseMax(halfV, -halfV)
                for _ in 0..<24 {
                    // A surface point: where a random ray from the light's side meets the scene, or
                    // a free point (the culling must hold for any point).
                    var p = SIMD3(rng.range(-6, 6), rng.range(-0.5, 4), rng.range(-10, 4))
                    var n = Self.unit(&rng)
                    let d = Self.unit(&rng)
                    if let hit = SceneGeometry.nearest(prims, groundEnabled: false, groundHeight: 0, centre, d) {
                        p = centre + d * hit.t
                        n = (hit.normal * d).sum() > 0 ? -hit.normal : hit.normal
                    }
                    let origin = p + n * 1e-3
                    for staticOnly in [false, true] {
                        var blockers = ShadowBlockers(
                            prims, staticOnly: staticOnly, point: p, origin: origin, reachLo: centre - extent, reachHi: centre + extent
                        )
                        let boxed = ShadowBlockers(
                            prims, staticOnly: staticOnly, point: p, origin: origin, reachLo: centre - extent, reachHi: centre + extent,
                            boxes: boxes.baseAddress
                        )
                        if boxed.mask != blockers.mask { boxMismatches += 1 }
                        dropped += prims.count - blockers.mask.nonzeroBitCount
                        tested += prims.count
                        let shift = SIMD2(rng.next(), rng.next())
                        for k in 0..<(area ? 16 : 1) {
                            // The shadow ray of `SceneLight.irradiance`, expression for expression.
                            let s = SceneLight.lattice(k, 16, shift: shift)
                            let q = centre + halfU * (2 * s.x - 1) + halfV * (2 * s.y - 1)
                            let toQ = q - p
                            let dist = max((toQ * toQ).sum(), 1e-6).squareRoot()
                            let w = toQ / dist
                            let tMax = dist - 2e-3
                            rays += 1
                            for i in 0..<prims.count where (!staticOnly || prims[i].isStatic) && SceneGeometry.hit(prims[i], origin, w, tMax) != nil {
                                if blockers.mask & (UInt64(1) << UInt64(i)) == 0 { misses += 1 }
                            }
                            let exact = SceneGeometry.anyHit(prims, origin, w, tMax: tMax, staticOnly: staticOnly)
                            if blockers.blocks(origin, w, tMax: tMax) != exact { wrong += 1 }
                        }
                    }
                }
            }
        }
        }
        #expect(boxMismatches == 0, "\(boxMismatches) masks changed with the kept boxes")
        #expect(misses == 0, "\(misses) primitives a shadow ray meets were dropped")
        #expect(wrong == 0, "\(wrong) of \(rays) shadow rays answered differently from testing every primitive")
        // The culling must actually cull in these scenes (most primitives lie off any one segment).
        #expect(dropped * 2 > tested, "dropped \(dropped) of \(tested)")
    }
}
