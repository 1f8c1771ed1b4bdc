import Farm
import Foundation
import Plates
import Testing
import TestSupport

/// The farm as operators run it: the built `scenefarm` binary as coordinator, nodes and client,
/// talking over loopback. Serialized: each test starts several processes on 2 cores.
@Suite(.serialized)
struct FarmProcessTests {
    @Test func threeNodesRenderTheSamePixelsAsALocalRender() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        // 600 frames at 24 fps: three chunks (M = 252, overlap 12).
        let shot = try farm.writeShot(frames: 600)
        try farm.startCoordinator()
        for name in ["n1", "n2", "n3"] { try farm.startNode(name) }
        let client = try farm.client()
        #expect(farm.waitForNodes(["n1", "n2", "n3"], client: client))

        let job = try farm.submit(shot)
        let wait = try farm.cli(["wait", job])
        #expect(wait.status == 0, "wait: \(wait.stderr)")

        let status = try #require(try farm.statusJSON(job))
        #expect(status.state == .done)
        #expect(status.chunks == 3)
        #expect(status.chunksDone == 3)
        #expect(status.framesDone == 600)
        let published = try #require(status.published)

        let frames = try publishedFrames(farm.storage.appendingPathComponent(published))
        let local = try publishedFrames(try farm.renderLocally(shot))
        #expect(frames.count == 600)
        #expect(framesWithDifferentPixels(frames, local).isEmpty)
        #expect(Set(frames.values.compactMap { $0.string("scenefarm/node") }).count > 1)
        #expect(frames.values.allSatisfy { $0.string("scenefarm/job") == job })

        let first = try #require(frames.keys.sorted().first)
        let header = try Tool.run("exrheader", [farm.storage.appendingPathComponent(published).appendingPathComponent(first).path])
        #expect(header.status == 0)
        #expect(header.stdout.contains("scenefarm/node"))
    }

    @Test func aSceneLitShotRenderedByTwoNodesMatchesALocalRender() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        // The README's courtyard shot at 64×36 and 4 fps: 100 frames make three chunks of ≤ 42.
        var text = try String(contentsOfFile: Repository.path("Farm/shots/courtyard_short.yaml"), encoding: .utf8)
        for (from, to) in [("fps: 24", "fps: 4"), ("seconds: 2", "count: 100"), ("[960, 540]", "[64, 36]"), ("shot: courtyard_010", "shot: courtyard_farm")] {
            #expect(text.contains(from), "courtyard_short.yaml no longer has '\(from)'")
            text = text.replacingOccurrences(of: from, with: to)
        }
        let shot = try farm.directory.write("courtyard.yaml", text)
        try farm.startCoordinator()
        for name in ["n1", "n2"] { try farm.startNode(name) }
        #expect(farm.waitForNodes(["n1", "n2"], client: try farm.client()))

        let job = try farm.submit(shot)
        let wait = try farm.cli(["wait", job])
        #expect(wait.status == 0, "wait: \(wait.stderr)")
        let status = try #require(try farm.statusJSON(job))
        #expect(status.chunks == 3)
        let frames = try publishedFrames(farm.storage.appendingPathComponent(try #require(status.published)))
        let local = try publishedFrames(try farm.renderLocally(shot))
        #expect(frames.count == 100)
        #expect(framesWithDifferentPixels(frames, local).isEmpty)
        #expect(frames.values.allSatisfy { $0.string("scenefarm/generator") == "scenelit" })
    }
}
