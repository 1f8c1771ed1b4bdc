import Foundation

/// Camera rays of a block that sees only sky (`BlockGlimpse.uniform` with hit −2), four to a
/// packet: what `SceneLitFrameKernel.sky` returns for each, with the direction, the background
/// lookup's angles (`LaneMath`) and the sun-disc test done lane-wise in the one-ray code's
/// operations and order, so every ray keeps its bits.
enum SkyPacket {
    typealias Lanes = SIMD4<Float>

    /// Shades the camera rays through pixels `columns` of row `y` of sub-frame `k`, as
    /// `GroundPacket.shade` lays them out: ray (x, j) at `out[(x − columns.lowerBound) * offsets.count + j]`,
    /// its glimpse at the same index of `seen`.
    static func shade(
        _ kernel: SceneLitFrameKernel, subFrame k: Int, columns: Range<Int>, row y: Int,
        offsets: UnsafeBufferPointer<SIMD2<Float>>, invW: Float, invH: Float,
        into out: UnsafeMutablePointer<SIMD3<Float>>, seen: UnsafeMutablePointer<SceneLitFrameKernel.Glimpse>
    ) {
        let sub = kernel.subFrames[k]
        let samples = offsets.count, count = columns.count * samples
        let sun = kernel.sunDirection, disc = kernel.sunDiscRadiance
        var start = 0
        while start < count {
            let (dx, dy, dz) = GroundPacket.directionLanes(sub, start: start, count: count, firstColumn: columns.lowerBound, row: y, offsets: offsets, invW: invW, invH: invH)
            // `sky`: the background, plus the disc where d·sun reaches its cosine (none in a
            // uniform block, but tested as the one-ray code does).
            let l = kernel.background.lookup(dx, dy, dz)
            let inDisc = (dx * sun.x + dy * sun.y + dz * sun.z) .>= kernel.sunCosRadius
            for i in 0..<min(4, count - start) {
                var c = SIMD3(l.x[i], l.y[i], l.z[i])
                if inDisc[i] { c += disc }
                out[start + i] = c
                seen[start + i] = SceneLitFrameKernel.Glimpse(hit: -2, lit: inDisc[i])
            }
            start += 4
        }
    }
}
