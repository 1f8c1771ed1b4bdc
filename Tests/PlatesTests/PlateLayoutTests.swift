import Foundation
import Plates
import ShotSpec
import Testing
import TestSupport

@Suite("Plate layout and versions")
struct PlateLayoutTests {
    @Test("frames are named <shot>_<plate>_<version>.<frame:04d>.exr under <root>/<show>/<shot>/plates/<plate>/<version>")
    func naming() {
        let layout = PlateLayout(root: URL(fileURLWithPath: "/srv/plates"), show: "demo", shot: "sh010", plate: "main")
        #expect(layout.versionFolder(3).path == "/srv/plates/demo/sh010/plates/main/v003")
        #expect(layout.frameName(version: 3, frame: 1001) == "sh010_main_v003.1001.exr")
        #expect(layout.frameName(version: 12, frame: 10001) == "sh010_main_v012.10001.exr")
    }

    @Test("a published version is never reused; next is one above published and reserved versions")
    func versions() throws {
        let dir = TemporaryDirectory()
        let layout = PlateLayout(root: dir.url, show: "demo", shot: "sh010", plate: "main")
        #expect(try layout.resolve(.next) == 1)
        _ = try layout.reserve(job: "jobA", version: 1)
        #expect(try layout.resolve(.next) == 2)
        _ = try layout.publish(job: "jobA", version: 1)
        #expect(FileManager.default.fileExists(atPath: layout.versionFolder(1).path))
        #expect(!FileManager.default.fileExists(atPath: layout.workFolder(job: "jobA").path))
        #expect(throws: PlateError.versionExists(path: layout.versionFolder(1).path, next: "v002")) {
            _ = try layout.resolve(.fixed(1))
        }
        #expect(try layout.resolve(.fixed(5)) == 5)
    }

    @Test("publishing onto an existing version fails and leaves both untouched")
    func publishRefusesOverwrite() throws {
        let dir = TemporaryDirectory()
        let layout = PlateLayout(root: dir.url, show: "demo", shot: "sh010", plate: "main")
        try FileManager.default.createDirectory(at: layout.versionFolder(1), withIntermediateDirectories: true)
        try Data("published".utf8).write(to: layout.versionFolder(1).appendingPathComponent("keep.txt"))
        let staging = try layout.reserve(job: "late", version: 1)
        #expect(throws: PlateError.self) { _ = try layout.publish(job: "late", version: 1) }
        #expect(try String(contentsOf: layout.versionFolder(1).appendingPathComponent("keep.txt"), encoding: .utf8) == "published")
        #expect(FileManager.default.fileExists(atPath: staging.path))
    }

    @Test("an unwritable root is reported without creating anything")
    func unwritableRoot() throws {
        let dir = TemporaryDirectory()
        let file = try dir.write("afile", "x")
        let layout = PlateLayout(root: URL(fileURLWithPath: file).appendingPathComponent("plates"), show: "s", shot: "t", plate: "main")
        #expect(throws: PlateError.self) { try layout.checkWritable() }
        #expect(dir.files() == ["afile"])
    }
}
