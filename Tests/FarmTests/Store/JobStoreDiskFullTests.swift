@testable import Farm
import Foundation
import Testing

/// A job store whose disk is full refuses the write with `StoreError.full`, which names the store
/// and says what to do, keeps nothing of the refused transaction, and writes again once there is
/// room. SQLite's own limit on its file (`max_page_count`) makes it answer SQLITE_FULL, as a full
/// disk does; PostgreSQL's server raises SQLSTATE 53100 (disk_full) from a trigger, as it does
/// when it cannot extend a table's file.
@Suite struct JobStoreDiskFullTests {
    @Test(arguments: StoreKind.allCases)
    func aFullDiskRefusesTheWholeJobByNameAndTheStoreWritesAgainOnceThereIsRoom(kind: StoreKind) throws {
        let database = try StoreFixture.database(kind)
        defer { database.drop() }
        let store = try database.open()
        try store.insert(try JobStoreTests.job(), tasks: try JobStoreTests.job().tasks)

        try fill(store, kind)
        var refused: ShotJob?
        var error: (any Error)?
        // A page or two may still be free on SQLite: jobs go in until one does not fit.
        for _ in 0..<500 {
            let job = try JobStoreTests.job()
            do {
                try store.insert(job, tasks: job.tasks)
            } catch let thrown {
                (refused, error) = (job, thrown)
                break
            }
        }
        let job = try #require(refused, "the store never ran out of room")
        guard case .full(let location, let reason)? = error as? StoreError else {
            Issue.record("expected StoreError.full, got \(String(describing: error))")
            return
        }
        #expect(location == store.backend.location)
        #expect(reason.contains(kind == .sqlite ? "database or disk is full" : "No space left on device"))
        let text = "\(error!)"
        #expect(text.contains("job store \(store.backend.location) is out of disk space") && text.contains("free space on the disk that holds it"), "\(text)")
        // Nothing of the refused job: not its row, not one of its tasks.
        #expect(try store.job(job.id) == nil)
        #expect(try store.tasks(job: job.id).isEmpty)

        try makeRoom(store, kind)
        try store.insert(job, tasks: job.tasks)
        #expect(try store.job(job.id) != nil)
        #expect(try store.tasks(job: job.id).count == job.tasks.count)
    }

    private func fill(_ store: JobStore, _ kind: StoreKind) throws {
        switch kind {
        case .sqlite:
            try store.backend.write { db in
                let pages = try db.queryOne("PRAGMA page_count")?.int("page_count") ?? 0
                _ = try db.query("PRAGMA max_page_count = \(pages)", [])
            }
        case .postgres:
            try store.backend.write { db in
                _ = try db.execute("""
                    CREATE FUNCTION disk_is_full() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        RAISE EXCEPTION 'could not extend file "base/16384/16390": No space left on device' USING ERRCODE = 'disk_full', HINT = 'Check free disk space.';
                    END $$
                    """, [])
                _ = try db.execute("CREATE TRIGGER disk_is_full BEFORE INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION disk_is_full()", [])
            }
        }
    }

    private func makeRoom(_ store: JobStore, _ kind: StoreKind) throws {
        switch kind {
        case .sqlite:
            try store.backend.write { db in _ = try db.query("PRAGMA max_page_count = 1073741823", []) }
        case .postgres:
            try store.backend.write { db in _ = try db.execute("DROP TRIGGER disk_is_full ON jobs", []) }
        }
    }
}
