import Foundation
@testable import Inference
import Testing

/// The pixel loop's texel indexing must return exactly what the library expressions it replaced
/// return (IEEE floor through `rounded(.down)`, Swift's truncating `%`), or lookups change bits.
@Suite struct TexelIndexTests {
    /// Bit patterns compared, so −0 against +0 and NaN payloads count as differences.
    static func sameBits(_ a: Float, _ b: Float) -> Bool { a.bitPattern == b.bitPattern }

    @Test func floorMatchesRoundedDownOnSpecialValuesAndEveryBinade() {
        var values: [Float] = [
            0, -0.0, .nan, -.nan, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
            .leastNormalMagnitude, -.leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
            8_388_607.5, -8_388_607.5, 8_388_608, -8_388_608, 16_777_217, 0.5, -0.5, 1, -1, 2047.5, -0.75,
        ]
        // Around every power of two: the float below, at and above it, both signs.
        for e in -149...127 {
            let p = Float(sign: .plus, exponent: e, significand: 1)
            values += [p.nextDown, p, p.nextUp].flatMap { [$0, -$0] }
        }
        for x in values {
            #expect(Self.sameBits(TexelIndex.floor(x), x.rounded(.down)) || (x.isNaN && TexelIndex.floor(x).isNaN), "floor(\(x))")
        }
    }

    @Test func floorMatchesRoundedDownAcrossATexelRange() {
        // The coordinates of a 4096-texel map and its wrap-around edge, [−4, 4100]: the 32 Floats
        // on each side of every integer (where floor changes), and a million fixed pseudo-random
        // ones in between (a 64-bit LCG, Knuth MMIX constants, so every run checks the same).
        var mismatches = 0
        func check(_ x: Float) { if !Self.sameBits(TexelIndex.floor(x), x.rounded(.down)) { mismatches += 1 } }
        for i in -4...4100 {
            var below = Float(i), above = Float(i)
            for _ in 0..<32 {
                check(below)
                check(above)
                below = below.nextDown
                above = above.nextUp
            }
        }
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        for _ in 0..<1_000_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            check(-4 + Float(state >> 40) / Float(1 << 24) * 4104)
        }
        #expect(mismatches == 0)
    }

    @Test func wrapAndNextMatchTheRemainderExpressions() {
        for n in [1, 2, 3, 7, 256, 2048] {
            for i in (-3 * n - 2)...(3 * n + 2) {
                #expect(TexelIndex.wrap(i, n) == ((i % n) + n) % n, "wrap(\(i), \(n))")
            }
            for i in 0..<n {
                #expect(TexelIndex.next(i, n) == (i + 1) % n, "next(\(i), \(n))")
            }
        }
    }
}
