import Foundation
import Testing
@testable import ShotSpec

@Suite struct SpecHashTests {
    static let root = URL(fileURLWithPath: "/shots")

    static let yaml = """
        show: demo   # a comment does not change the shot
        shot: s010
        fps: 23.976
        frames: {first: 1001, count: 48}
        resolution: [960, 540]
        objects:
          - {name: ball, shape: sphere, radius: 0.25, position: [0, 2, 0], dynamic: true}
        """

    static let reordered = """
        resolution:
          - 960
          - 540
        objects:
          - position: [0, 2, 0]
            dynamic: true
            radius: 0.25
            shape: sphere
            name: ball
        frames: {count: 48, first: 1001}
        fps: 23.976
        shot: s010
        show: demo
        """

    static let json = """
        {"shot": "s010", "show": "demo", "fps": 23.976, "frames": {"first": 1001, "count": 48},
         "resolution": [960, 540],
         "objects": [{"name": "ball", "shape": "sphere", "radius": 0.25, "position": [0, 2.0, 0], "dynamic": true}]}
        """

    @Test func hashIgnoresKeyOrderLayoutAndComments() throws {
        let a = try ShotSpecLoader.parse(Self.yaml, baseDirectory: Self.root)
        let b = try ShotSpecLoader.parse(Self.reordered, baseDirectory: Self.root)
        #expect(a.specHash == b.specHash)
        #expect(a == b)
    }

    @Test func hashIsTheSameForYAMLAndJSON() throws {
        let folder = try TemporaryFolder()
        let fromYAML = try ShotSpecLoader.load(path: folder.write("s010.yaml", Self.yaml))
        let fromJSON = try ShotSpecLoader.load(path: folder.write("s010.json", Self.json))
        #expect(fromYAML.specHash == fromJSON.specHash)
        #expect(fromYAML == fromJSON)
    }

    @Test func hashIsPinned() throws {
        let spec = try ShotSpecLoader.parse(Self.yaml, baseDirectory: Self.root)
        // Canonical JSON is the hash input: sorted keys, no whitespace, whole numbers without ".0".
        #expect(spec.document.canonicalJSON == #"{"fps":23.976,"frames":{"count":48,"first":1001},"objects":[{"dynamic":true,"name":"ball","position":[0,2,0],"radius":0.25,"shape":"sphere"}],"resolution":[960,540],"shot":"s010","show":"demo"}"#)
        #expect(spec.specHash == SHA256Digest.hex(of: spec.document.canonicalJSON))
        #expect(spec.specHash.count == 64)
    }

    @Test func anyChangedValueChangesTheHash() throws {
        let a = try ShotSpecLoader.parse(Self.yaml, baseDirectory: Self.root)
        let b = try ShotSpecLoader.parse(Self.yaml.replacingOccurrences(of: "radius: 0.25", with: "radius: 0.26"), baseDirectory: Self.root)
        #expect(a.specHash != b.specHash)
        #expect(a != b)
    }
}

/// The digest against coreutils' `sha256sum`, an implementation independent of ours.
@Suite struct SHA256DigestTests {
    @Test(arguments: ["", "abc", String(repeating: "scenefarm ", count: 10_000)])
    func matchesSha256sum(_ text: String) throws {
        let folder = try TemporaryFolder()
        let path = folder.write("input.txt", text)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(SHA256Digest.hex(of: text) == String(output.prefix(64)))
    }
}
