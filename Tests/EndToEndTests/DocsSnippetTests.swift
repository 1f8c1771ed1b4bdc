import Foundation
import Testing
import TestSupport

/// Every shell and Python block in Docs/compositing.md and Docs/color.md runs against a freshly
/// rendered plate, so a documented command cannot rot. Blocks run as a compositor would run them:
/// in a folder holding the version's files (`sh010_bg_v003.*`), with the bundled `ColorConfigs/`
/// beside them, `scenefarm` on PATH, and the docs' storage roots `/mnt/plates` and `/mnt/archive`
/// mapped to temporary folders.
@Suite("documented commands run", .serialized)
struct DocsSnippetTests {
    struct Block {
        let file: String
        let line: Int
        let language: String
        let text: String
    }

    /// Fenced blocks whose info string names a shell or Python; other fences (diagrams, matrices) are prose.
    static func runnableBlocks(in file: String) throws -> [Block] {
        let lines = try String(contentsOfFile: Repository.path(file), encoding: .utf8).components(separatedBy: "\n")
        var blocks: [Block] = []
        var index = 0
        while index < lines.count {
            let fence = lines[index].trimmingCharacters(in: .whitespaces)
            guard fence.hasPrefix("```"), fence.count > 3 else { index += 1; continue }
            let language = String(fence.dropFirst(3)).trimmingCharacters(in: .whitespaces).lowercased()
            let start = index + 1
            var end = start
            while end < lines.count, lines[end].trimmingCharacters(in: .whitespaces) != "```" { end += 1 }
            if ["sh", "bash", "shell", "python", "py"].contains(language) {
                blocks.append(Block(file: file, line: start, language: language, text: lines[start..<end].joined(separator: "\n")))
            }
            index = end + 1
        }
        return blocks
    }

    static let shot = """
        show: demo
        shot: sh010
        fps: 24
        frames: {first: 1001, count: 30}
        resolution: [64, 36]
        generator: {name: testpattern}
        output: {plate: bg, version: v003, proxies: {format: png, every: 10}}
        """

    @Test("every sh and python block of compositing.md and color.md exits 0 against a fresh plate")
    func documentedBlocksRun() throws {
        let blocks = try Self.runnableBlocks(in: "Docs/compositing.md") + Self.runnableBlocks(in: "Docs/color.md")
        #expect(blocks.filter { $0.file.hasSuffix("compositing.md") }.count >= 3)
        #expect(blocks.filter { $0.file.hasSuffix("color.md") }.count >= 1)

        let dir = TemporaryDirectory("docs")
        let plates = dir.appending("mnt/plates").path
        let archive = dir.appending("mnt/archive").path
        try FileManager.default.createDirectory(atPath: archive, withIntermediateDirectories: true)
        let render = try Tool.run(Repository.scenefarm, ["render", try dir.write("shot.yaml", Self.shot), "--out", plates])
        #expect(render.status == 0, "\(render.stderr)")
        let version = "\(plates)/demo/sh010/plates/bg/v003"

        // The working folder: the version's files (linked; the version itself is read-only) and ColorConfigs/.
        let work = dir.appending("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: version) {
            try FileManager.default.createSymbolicLink(atPath: work.appendingPathComponent(name).path, withDestinationPath: "\(version)/\(name)")
        }
        try FileManager.default.createSymbolicLink(atPath: work.appendingPathComponent("ColorConfigs").path, withDestinationPath: Repository.path("ColorConfigs"))

        let binFolder = URL(fileURLWithPath: Repository.scenefarm).deletingLastPathComponent().path
        let environment = ["PATH": "\(binFolder):\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")"]
        for block in blocks {
            let text = block.text.replacingOccurrences(of: "/mnt/plates", with: plates).replacingOccurrences(of: "/mnt/archive", with: archive)
            let python = block.language.hasPrefix("py")
            let run = try Tool.run(python ? "python3" : "bash", python ? ["-c", text] : ["-euo", "pipefail", "-c", text],
                                   environment: environment, currentDirectory: work)
            #expect(run.status == 0, "\(block.file):\(block.line) (\(block.language)) exited \(run.status):\n\(run.stderr)\n\(run.stdout)")
        }
        // What the blocks claim to make, they made.
        #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("frame1001.jpg").path))
        #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("acescg.1030.exr").path))
        #expect(FileManager.default.fileExists(atPath: "\(archive)/demo/sh010/v003/sh010_bg_v003.1030.exr"))
        let otio = try String(contentsOfFile: "\(archive)/demo/sh010/v003/sh010_bg_v003.otio", encoding: .utf8)
        #expect(otio.contains("file://\(archive)/demo/sh010/v003/"), "relink re-pointed the copy")
    }
}
