import Foundation
import Testing
import TestSupport

/// `scenefarm relink` after a version folder moves: the .otio resolves again, read by OpenTimelineIO.
@Suite("scenefarm relink", .serialized)
struct RelinkEndToEndTests {
    static let shot = """
        show: e2e
        shot: sh020
        fps: 24000/1001
        frames: {first: 1001, count: 5}
        resolution: [32, 18]
        generator: {name: testpattern}
        output: {plate: bg, version: v002, proxies: {format: none}}
        """

    /// OTIO's own answer for where the first and last frames are, and whether each exists.
    static func resolvedFrames(_ otio: String) throws -> [String] {
        let script = """
            import os, sys, urllib.parse, opentimelineio as otio
            clip = otio.adapters.read_from_file(sys.argv[1]).find_clips()[0]
            ref = clip.media_reference
            for i in (0, ref.number_of_images_in_sequence() - 1):
                path = urllib.parse.unquote(urllib.parse.urlparse(ref.target_url_for_image_number(i)).path)
                print(path, os.path.isfile(path))
            """
        let run = try Tool.run("python3", ["-c", script, otio])
        #expect(run.status == 0, "\(run.stderr)")
        return run.stdout.split(separator: "\n").map(String.init)
    }

    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("a moved version is relinked: its .otio resolves to the frames at the new place and stays read-only")
    func movedVersionIsRelinked() throws {
        let dir = TemporaryDirectory("relink")
        let spec = try dir.write("shot.yaml", Self.shot)
        let out = dir.appending("plates").path
        #expect(try Tool.run(Repository.scenefarm, ["render", spec, "--out", out]).status == 0)
        let old = "\(out)/e2e/sh020/plates/bg/v002"
        let archive = dir.appending("archive/delivery 01").path
        try FileManager.default.createDirectory(atPath: archive, withIntermediateDirectories: true)
        let moved = "\(archive)/v002"
        // A published folder is read-only; moving a folder to a new parent needs it writable for a moment.
        let folderMode = try Self.mode(old)
        #expect(folderMode == 0o555)
        chmod(old, 0o755)
        try FileManager.default.moveItem(atPath: old, toPath: moved)
        chmod(moved, mode_t(folderMode))
        let otio = "\(moved)/sh020_bg_v002.otio"
        #expect(try Self.resolvedFrames(otio) == ["\(old)/sh020_bg_v002.1001.exr False", "\(old)/sh020_bg_v002.1005.exr False"])

        let relink = try Tool.run(Repository.scenefarm, ["relink", moved])
        #expect(relink.status == 0, "\(relink.stderr)")
        #expect(relink.stdout.contains("sh020_bg_v002.otio: file://\(old)/ → file://\(archive.replacingOccurrences(of: " ", with: "%20"))/v002/"), "\(relink.stdout)")
        #expect(try Self.resolvedFrames(otio) == ["\(moved)/sh020_bg_v002.1001.exr True", "\(moved)/sh020_bg_v002.1005.exr True"])
        #expect(try Self.mode(otio) == 0o444)
        #expect(try Self.mode(moved) == 0o555)
        #expect(try FileManager.default.contentsOfDirectory(atPath: moved).allSatisfy { !$0.hasPrefix(".") }, "no temporary files left")

        let again = try Tool.run(Repository.scenefarm, ["relink", moved])
        #expect(again.status == 0)
        #expect(again.stdout.contains("already linked here"))
    }

    @Test("relink refuses a folder without an .otio, and one that lacks the frames its .otio names, with exit 2")
    func relinkRefusesWrongFolders() throws {
        let dir = TemporaryDirectory("relink")
        let spec = try dir.write("shot.yaml", Self.shot)
        let out = dir.appending("plates").path
        #expect(try Tool.run(Repository.scenefarm, ["render", spec, "--out", out]).status == 0)
        let plate = "\(out)/e2e/sh020/plates/bg"
        let empty = try Tool.run(Repository.scenefarm, ["relink", plate])
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("holds no .otio sidecar"), "\(empty.stderr)")

        let sidecarOnly = dir.appending("sidecar-only").path
        try FileManager.default.createDirectory(atPath: sidecarOnly, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(plate)/v002/sh020_bg_v002.otio", toPath: "\(sidecarOnly)/sh020_bg_v002.otio")
        let missing = try Tool.run(Repository.scenefarm, ["relink", sidecarOnly])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("does not hold sh020_bg_v002.1001.exr"), "\(missing.stderr)")
        #expect(try Tool.run(Repository.scenefarm, ["relink", dir.appending("nowhere").path]).status == 2)
    }
}
