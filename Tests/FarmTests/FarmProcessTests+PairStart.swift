import Farm
import Foundation
import Testing

extension FarmProcessTests {
    /// A pair started together (both systemd units at boot) opens one new SQLite store at the
    /// same moment. Switching the new file to WAL takes an exclusive lock, and SQLite answers the
    /// loser SQLITE_BUSY at once without its busy handler: the loser must wait and start, not
    /// exit with "database is locked".
    @Test func aPairStartedAtTheSameMomentOnANewStoreBothStartAndSettle() throws {
        for round in 0..<3 {
            let farm = try FarmHarness()
            defer { farm.shutdown() }
            let pair = CoordinatorPair(farm: farm)
            let primary = try pair.spawn(0, name: "primary")
            let backup = try pair.spawn(1, name: "backup")
            let settled = FarmHarness.eventually(timeout: .seconds(20)) {
                (primary.log.contains("active: serving") && backup.log.contains("backup → passive")) || !primary.isRunning || !backup.isRunning
            }
            #expect(settled && primary.isRunning && backup.isRunning, "round \(round)\nprimary: \(primary.log)\nbackup: \(backup.log)")
            #expect(!primary.log.contains("database is locked") && !backup.log.contains("database is locked"))
        }
    }
}
