import Foundation
@testable import Inference
import Testing

/// `LaneMath` must give glibc's bits in every lane: the expected values are glibc's own `atanf`,
/// `acosf` and `atan2f` (the functions the one-ray code calls), over a spread of every float
/// argument (a stride through all bit patterns, so every exponent and both signs, NaN and the
/// infinities), unit-vector components as the lat-long lookups pass them, and the special values.
/// The whole float range was compared once outside the suite (Docs/performance.md, open-air
/// fourth pass); these strides keep the check in `make test` at a fraction of a second.
@Suite struct LaneMathTests {
    static func same(_ a: Float, _ b: Float) -> Bool { a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) }

    /// Bit patterns `start`, `start + stride`, … below `end`, four to a packet.
    static func mismatches(stride: UInt64, start: UInt64 = 0, end: UInt64 = 1 << 32, lanes: (SIMD4<Float>) -> SIMD4<Float>, glibc: (Float) -> Float) -> [Float] {
        var wrong: [Float] = []
        var i = start
        while i + 3 * stride < end {
            let v = SIMD4<Float>((0..<4).map { Float(bitPattern: UInt32(i + UInt64($0) * stride)) })
            let r = lanes(v)
            for l in 0..<4 where !same(r[l], glibc(v[l])) { wrong.append(v[l]) }
            i += 4 * stride
        }
        return wrong
    }

    @Test func atanGivesGlibcsBitsAcrossTheFloats() {
        #expect(Self.mismatches(stride: 16411, lanes: LaneMath.atan, glibc: atanf).isEmpty)
        // Around the reduction's thresholds (7/16, 11/16, 19/16, 39/16) every float.
        for threshold in [Float(0.4375), 0.6875, 1.1875, 2.4375] {
            let b = UInt64(threshold.bitPattern)
            #expect(Self.mismatches(stride: 1, start: b - 2048, end: b + 2048, lanes: LaneMath.atan, glibc: atanf).isEmpty)
        }
    }

    @Test func acosGivesGlibcsBitsOnEveryArgument() {
        #expect(Self.mismatches(stride: 16411, start: 7, lanes: LaneMath.acos, glibc: acosf).isEmpty)
        // Every float near ±0.5, where the reduction changes, and near ±1.
        for v in [Float(0.5), -0.5, 1, -1, Float(1).nextDown, Float(-1).nextUp] {
            let b = UInt64(v.bitPattern)
            var wrong = 0
            for i in (b - 1024)..<(b + 1024) {
                let x = Float(bitPattern: UInt32(i))
                if !Self.same(LaneMath.acos(SIMD4(repeating: x))[0], acosf(x)) { wrong += 1 }
            }
            #expect(wrong == 0, "acos near \(v)")
        }
    }

    @Test func atan2GivesGlibcsBitsOnDirectionsAndSpecialValues() {
        let specials: [Float] = [0, -0, 1, -1, .infinity, -.infinity, .nan, 1e-30, -1e-30, 1e30, -1e30, 0.5, -0.5,
                                 .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .greatestFiniteMagnitude, 3, -3]
        var wrong: [String] = []
        for y in specials {
            for x in specials where !Self.same(LaneMath.atan2(SIMD4(repeating: y), SIMD4(repeating: x))[0], atan2f(y, x)) { wrong.append("\(y), \(x)") }
        }
        // Unit directions (the lookups' atan2f(d.x, −d.z)) from a fixed linear congruential sequence.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) / Float(1 << 24) * 2 - 1
        }
        for _ in 0..<50_000 {
            var y = SIMD4<Float>(), x = SIMD4<Float>()
            for l in 0..<4 {
                var d = SIMD3<Float>(next(), next(), next())
                d /= (d * d).sum().squareRoot()
                y[l] = d.x
                x[l] = -d.z
            }
            let r = LaneMath.atan2(y, x)
            for l in 0..<4 where !Self.same(r[l], atan2f(y[l], x[l])) { wrong.append("\(y[l]), \(x[l])") }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }
}
