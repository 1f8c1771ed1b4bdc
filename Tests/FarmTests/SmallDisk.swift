import Foundation
import TestSupport

/// A tmpfs of a few megabytes mounted for one test: a disk that can be filled to the last byte
/// and emptied again. Needs root (`mount`); `available` says whether this machine allows it.
final class SmallDisk: @unchecked Sendable {
    let folder: URL

    static let available: Bool = {
        guard getuid() == 0 else { return false }
        let probe = TemporaryDirectory("scenefarm-smalldisk-probe")
        guard let disk = try? SmallDisk(at: probe.appending("disk"), megabytes: 1) else { return false }
        disk.unmount()
        return true
    }()

    /// Mounts the tmpfs on `folder` (created if missing).
    init(at folder: URL, megabytes: Int) throws {
        self.folder = folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let mounted = try Tool.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", folder.path])
        guard mounted.status == 0 else { throw SmallDiskError.mount(mounted.stderr) }
    }

    /// Writes a file until the disk has no byte left; returns it (remove it to make room).
    @discardableResult
    func fill() throws -> URL {
        let filler = folder.appendingPathComponent("filler")
        guard let file = fopen(filler.path, "w") else { throw SmallDiskError.fill(String(cString: strerror(errno))) }
        defer { fclose(file) }
        let block = [UInt8](repeating: 0, count: 4096)
        while fwrite(block, 1, block.count, file) == block.count, fflush(file) == 0 {}
        // What the last block left: one byte at a time.
        while fwrite(block, 1, 1, file) == 1, fflush(file) == 0 {}
        return filler
    }

    func unmount() {
        _ = try? Tool.run("/bin/umount", ["-l", folder.path])
    }
}

enum SmallDiskError: Error {
    case mount(String)
    case fill(String)
}
