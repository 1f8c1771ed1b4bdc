import Farm
import Foundation
import Plates
import Testing
import TestSupport

extension FarmProcessTests {
    @Test func aNodeWithoutSharedStorageSendsItsFramesToTheCoordinator() throws {
        let farm = try FarmHarness()
        defer { farm.shutdown() }
        let shot = try farm.writeShot(frames: 600)
        try farm.startCoordinator()
        // s1 mounts the storage (lighting, blends, publish need it); t1 has only a scratch folder.
        try farm.startNode("s1")
        let scratch = farm.directory.appending("t1-scratch")
        try farm.spawn("t1", ["node", "--name", "t1", "--transfer", "--scratch", scratch.path, "--coordinator", farm.nodeEndpoint])
        let client = try farm.client()
        #expect(farm.waitForNodes(["s1", "t1"], client: client))
        #expect(try client.nodes().first { $0.name == "t1" }?.storage == .transfer)

        let job = try farm.submit(shot)
        let wait = try farm.cli(["wait", job])
        #expect(wait.status == 0, "wait: \(wait.stderr)")
        let published = try #require(try farm.statusJSON(job)?.published)

        let frames = try publishedFrames(farm.storage.appendingPathComponent(published))
        #expect(frames.count == 600)
        #expect(frames.values.contains { $0.string("scenefarm/node") == "t1" }, "the transfer node rendered no published frame")
        #expect(framesWithDifferentPixels(frames, try publishedFrames(try farm.renderLocally(shot))).isEmpty)
        // The transfer node keeps nothing once its files are sent; the staging area is gone.
        let leftovers = (try? FileManager.default.subpathsOfDirectory(atPath: scratch.path))?.filter { $0.hasSuffix(".exr") } ?? []
        #expect(leftovers.isEmpty, "left in scratch: \(leftovers.prefix(3))")
        #expect(!FileManager.default.fileExists(atPath: farm.storage.appendingPathComponent("demo/farm_010/plates/main/.work").path))
    }
}
