import Chunking
import Farm
import Foundation
import Plates
import ShotSpec
import Testing
import TestSupport

/// The value rules behind issue 11, driven without sockets: node names, key lists, lease limits
/// and which files each task must write.
@Suite("Farm integrity rules")
struct FarmIntegrityRulesTests {
    /// A task as the wire carries it (§5 of protocol.md).
    private func task(_ kind: String, _ index: Int) throws -> TaskNode {
        try JSONDecoder().decode(TaskNode.self, from: Data(#"{"kind":"\#(kind)","index":\#(index),"dependsOn":[]}"#.utf8))
    }

    @Test func nodeNamesFollowTheDocumentedRule() {
        for name in ["n1", "rack12-n04.gpu_0", "A", String(repeating: "x", count: 64)] {
            #expect(NodeName.isValid(name), "\(name)")
        }
        for name in ["", String(repeating: "x", count: 65), ".hidden", "../../x", "a/b", "a b", "é", "a\nb", "nul\0", "tab\t"] {
            #expect(!NodeName.isValid(name), "\(name.debugDescription)")
        }
    }

    @Test func nodeAndClientKeysLoadAsSeparateListsAndLooseKeysAreRefused() throws {
        let folder = TemporaryDirectory("scenefarm-keys")
        let node = try CurveKeyPair.generate(), client = try CurveKeyPair.generate()
        try node.save(directory: folder.url.appendingPathComponent("nodes"), name: "rack12-n04")
        try client.save(directory: folder.url.appendingPathComponent("clients"), name: "queue01")
        let keys = try FarmKeys.load(directory: folder.url)
        #expect(keys.nodes.name(for: node.publicKey) == "rack12-n04")
        #expect(keys.nodes.name(for: client.publicKey) == nil)
        #expect(keys.clients.name(for: client.publicKey) == "queue01")
        #expect(keys.clients.name(for: node.publicKey) == nil)

        try client.save(directory: folder.url, name: "loose")
        #expect(throws: SecurityError.authorizedKeysNotSorted(directory: folder.url.path, files: ["loose.pub"])) { try FarmKeys.load(directory: folder.url) }
        let empty = TemporaryDirectory("scenefarm-keys")
        #expect(throws: SecurityError.noAuthorizedKeys(directory: empty.url.path)) { try FarmKeys.load(directory: empty.url) }
    }

    /// 600 frames at 24 fps (PRODUCT.md: M = 252, O = 12, k = ceil(588 / 240) = 3 chunks covering
    /// 600 + 2 × 12 frames, so 208 each): the first chunk owns 196 frames and keeps 12 for its
    /// blend, the middle one owns 184 and keeps 24, a blend writes 12.
    @Test func eachTaskMustWriteExactlyItsChunksFramesAndOverlaps() throws {
        let plan = try ChunkPlanner.plan(frames: FrameRange(first: 1001, count: 600), fps: try #require(FrameRate(numerator: 24, denominator: 1)), overlap: nil)
        let staging = JobStaging(layout: PlateLayout(root: URL(fileURLWithPath: "/plates"), show: "demo", shot: "sh010", plate: "bg"), job: "j1", version: 3)
        let first = try #require(staging.expectedFiles(for: try task("generate", 0), plan: plan))
        #expect(first.finals.count == 196)
        #expect(first.intermediates.count == 12)
        #expect(first.finals[1001] == "v003/sh010_bg_v003.1001.exr")
        #expect(first.intermediates.contains("intermediate/c0000/00001197.exr"))
        let middle = try #require(staging.expectedFiles(for: try task("generate", 1), plan: plan))
        #expect(middle.finals.count == 184)
        #expect(middle.intermediates.count == 24)
        let blend = try #require(staging.expectedFiles(for: try task("blend", 0), plan: plan))
        #expect(blend.finals.keys.sorted() == Array(1197...1208))
        #expect(blend.intermediates.isEmpty)
        #expect(staging.expectedFiles(for: try task("publish", 0), plan: plan) == nil)
        #expect(staging.attemptFolder("a1").path == "/plates/demo/sh010/plates/bg/.work/j1/attempts/a1")
    }

    /// The documented default: 600 s + 5 s × frames × megapixels.
    @Test func aLeaseGrowsWithFramesAndResolution() throws {
        let plan = try ChunkPlanner.plan(frames: FrameRange(first: 1001, count: 252), fps: try #require(FrameRate(numerator: 24, denominator: 1)), overlap: nil)
        let limits = LeaseLimits.default
        let generate = try task("generate", 0)
        #expect(abs(limits.seconds(for: generate, plan: plan, width: 1920, height: 1080) - (600 + 5 * 252 * 2.0736)) < 1e-9)
        #expect(limits.seconds(for: try task("lighting", 0), plan: plan, width: 1920, height: 1080) == 600)
        #expect(LeaseLimits(base: 4, perMegapixelFrame: 0).seconds(for: generate, plan: plan, width: 3840, height: 2160) == 4)
    }
}
