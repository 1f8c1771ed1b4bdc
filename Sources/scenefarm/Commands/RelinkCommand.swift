import ArgumentParser
import Foundation
import Plates

struct RelinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relink",
        abstract: "Re-point a moved version folder's .otio at where the folder is now.",
        discussion: """
            After a version folder moves (remount, archive restore, delivery copy), its .otio still names the old \
            absolute folder. relink checks that the frames are in VERSION_DIR and rewrites the media references; \
            nothing else in a version holds an absolute path. The files keep their read-only mode.
            Exit codes: 0 relinked or already pointing here; 2 VERSION_DIR is not a version folder, holds no .otio, \
            or lacks the frames the .otio names; 1 a sidecar could not be rewritten.
            """
    )

    @Argument(help: "The version folder, e.g. /mnt/plates/demo/sh010/plates/bg/v003.") var versionDir: String

    func run() throws {
        let changes: [VersionRelinker.Change]
        do {
            changes = try VersionRelinker.relink(URL(fileURLWithPath: versionDir))
        } catch {
            if case .io = error { throw fail(error.description, code: ExitCodes.failure) }
            throw fail(error.description, code: ExitCodes.badInput)
        }
        if changes.isEmpty {
            print("\(versionDir): already linked here, nothing to change")
        }
        for change in changes {
            print("\(change.file): \(change.from) → \(change.to)")
        }
    }
}
