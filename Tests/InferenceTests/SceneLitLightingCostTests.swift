import Foundation
import Testing
@testable import Inference

/// A careless or hostile spec must not make a node allocate terabytes for the lighting solve:
/// the patch count (ground grid plus every static object's patches) is bounded at validation.
@Suite("scenelit lighting solve cost")
struct SceneLitLightingCostTests {
    /// `count` static boxes in a row; with gi_object_patches 48 each has 6 faces of 12 × 12.
    static func boxes(_ count: Int) -> String {
        "objects:\n" + (0..<count).map {
            "  - {name: b\($0), shape: box, size: [0.5, 0.5, 0.5], position: [\(Double($0) * 0.8), 0.25, 0]}"
        }.joined(separator: "\n")
    }

    static let params = "{samples: 1, gi_ground_patches: 24, gi_object_patches: 48}"

    @Test func aSceneWhoseSolveWouldNeedTooManyPatchesIsRefusedNamingTheParams() throws {
        // 24² ground + 12 × 6 × 12² = 576 + 10368 patches, over the 10000 allowed.
        let refused = try SceneLitTestSupport.spec(params: Self.params, body: Self.boxes(12))
        let message = SceneLitTestSupport.validationError(refused)
        #expect(message?.hasPrefix("shot.generator.params:") == true, "\(message ?? "no error")")
        #expect(message?.contains("10944 patches") == true, "\(message ?? "no error")")
        #expect(message?.contains("12 static objects") == true, "\(message ?? "no error")")
        // Ten boxes (576 + 8640 = 9216 patches) are within the bound.
        let accepted = try SceneLitTestSupport.spec(params: Self.params, body: Self.boxes(10))
        #expect(throws: Never.self) { try SceneLitGenerator().validate(accepted) }
    }
}
