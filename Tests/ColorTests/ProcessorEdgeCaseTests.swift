import Color
import ImageCore
import Testing

/// Edge cases of `apply` that a plate writer can hit.
@Suite struct ProcessorEdgeCaseTests {
    @Test func sameSpaceThroughAnAliasIsANoOpAndLeavesPixelsUntouched() throws {
        let config = try ColorConfig.resolve(explicit: nil, environment: [:])
        let processor = try config.processor(from: "ACEScg", to: "lin_ap1")
        #expect(processor.isNoOp)
        let source = ParallelApplyTests.pattern(width: 64, height: 36)
        var image = source
        try processor.apply(&image)
        #expect(image == source)
        #expect(try !config.processor(from: "ACEScg", to: "ACES2065-1").isNoOp)
    }

    @Test func bufferShorterThanItsDimensionsIsRejected() throws {
        let config = try ColorConfig.resolve(explicit: nil, environment: [:])
        let processor = try config.processor(from: "ACEScg", to: "ACES2065-1")
        var pixels = [Float](repeating: 0.5, count: 64 * 4 * 2)
        let message = pixels.withUnsafeMutableBufferPointer { processor.apply($0, width: 64, height: 3) }
        #expect(message?.contains("64x3") == true)
        #expect(pixels.allSatisfy { $0 == 0.5 })
    }
}
