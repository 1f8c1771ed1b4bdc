@testable import Farm
import FarmPostgres
import Foundation
import Synchronization
import Testing

/// A coordinator whose machine stops answering inside a transaction (power lost, the process hung
/// or stopped) must not take its partner down with it. Its open transaction holds row locks, and
/// PostgreSQL keeps them until it notices the connection is dead: with default TCP keepalives,
/// hours. The partner's claim of the active lease would wait on the lock, and with it the
/// partner's whole loop. `bench failover --failure freeze` found this: a SIGSTOPped primary left
/// the backup unable to answer nodes for over a minute.
@Suite struct PostgresStalledHolderTests {
    @Test func aHolderStalledInsideATransactionLosesTheLeaseToItsPartner() throws {
        let database = try StoreFixture.database(.postgres)
        defer { database.drop() }
        let stalled = try database.open(), partner = try database.open()
        #expect(try stalled.claimActive(holder: "primary", now: Date(), ttl: 2))

        // The primary renews its lease, which locks the lease row, and then stops answering inside
        // that transaction for far longer than the lease lives (only its first try stalls: a
        // transaction the server ended is redone once the stall is over, as after any lost connection).
        let stallSeconds = 6.0
        let stall = Stall()
        let renewal = Thread {
            _ = try? stalled.backend.write { db in
                _ = try db.execute("UPDATE active_coordinator SET expires_at = ? WHERE holder = ?", [Date().addingTimeInterval(2).timeIntervalSince1970, "primary"])
                if stall.tries.add(1, ordering: .sequentiallyConsistent).oldValue == 0 {
                    Thread.sleep(forTimeInterval: stallSeconds)
                    stall.over.store(true, ordering: .sequentiallyConsistent)
                }
            }
            stall.renewalReturned.store(true, ordering: .sequentiallyConsistent)
        }
        renewal.start()
        #expect(FarmHarness.eventually(timeout: .seconds(2)) { stall.tries.load(ordering: .sequentiallyConsistent) == 1 })

        // The partner keeps trying to claim as its loop does; each try comes back (at worst with a
        // lock-timeout error) instead of waiting on the stalled transaction.
        var won = false
        while !stall.isOver, !won {
            do {
                // A long lease: the partner would renew it every 0.25 s as a live coordinator does.
                won = try partner.claimActive(holder: "backup", now: Date(), ttl: 60)
            } catch {
                #expect("\(error)".contains("lock timeout"), "\(error)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(won, "the partner got the lease only after the stalled transaction ended by itself")
        #expect(!stall.isOver)

        // Once the stalled primary wakes, the server has ended its session: its renewal is redone
        // at once on a new connection (not after waiting a minute for an answer on the closed
        // one) and finds the lease taken, which stays with the partner.
        #expect(FarmHarness.eventually(timeout: .seconds(stallSeconds + 10)) { stall.isOver })
        #expect(FarmHarness.eventually(timeout: .seconds(20)) { stall.renewalReturned.load(ordering: .sequentiallyConsistent) })
        #expect(stall.tries.load(ordering: .sequentiallyConsistent) == 2, "the ended transaction is redone once")
        #expect(try partner.activeHolder()?.holder == "backup")
        #expect(try !stalled.claimActive(holder: "primary", now: Date(), ttl: 2))
    }

    /// What the stalled transaction has done, read from the test's thread.
    private final class Stall: Sendable {
        let tries = Atomic<Int>(0)
        let over = Atomic<Bool>(false)
        let renewalReturned = Atomic<Bool>(false)
        var isOver: Bool { over.load(ordering: .sequentiallyConsistent) }
    }
}
