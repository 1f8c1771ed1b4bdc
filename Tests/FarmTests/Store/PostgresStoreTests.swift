@testable import Farm
import FarmPostgres
import Foundation
import Testing

/// What only the PostgreSQL backend has: its connection strings (libpq's URI form,
/// https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-CONNSTRING) and riding through a
/// server restart.
@Suite struct PostgresStoreTests {
    @Test func connectionStringsFollowLibpq() throws {
        let env = ["USER": "farm"]
        let tcp = try PostgresStoreURL.parse("postgres://wrangler:s3cret@db.studio:6543/scenefarm", environment: env)
        #expect(tcp.endpoint == .tcp(host: "db.studio", port: 6543))
        #expect(tcp.user == "wrangler" && tcp.password == "s3cret" && tcp.database == "scenefarm" && tcp.sslMode == .prefer)
        #expect(tcp.redacted == "postgres://wrangler@db.studio:6543/scenefarm")
        let socket = try PostgresStoreURL.parse("postgresql:///scenefarm?host=/run/postgresql", environment: env)
        #expect(socket.endpoint == .socket(path: "/run/postgresql/.s.PGSQL.5432", directory: "/run/postgresql", port: 5432))
        #expect(socket.user == "farm" && socket.database == "scenefarm" && socket.password == nil && socket.sslMode == .disable)
        let defaults = try PostgresStoreURL.parse("postgres://db.studio", environment: ["USER": "farm", "PGPASSWORD": "pw"])
        #expect(defaults.endpoint == .tcp(host: "db.studio", port: 5432) && defaults.database == "farm" && defaults.password == "pw")
        let v6 = try PostgresStoreURL.parse("postgres://u@[::1]:5433/d?sslmode=require", environment: env)
        #expect(v6.endpoint == .tcp(host: "::1", port: 5433) && v6.sslMode == .require)
        #expect(v6.redacted == "postgres://u@[::1]:5433/d?sslmode=require")
    }

    @Test(arguments: [
        ("mysql://u@h/db", "expected postgres://"),
        ("postgres://u@h:0/db", "port '0'"),
        ("postgres://u@h:99999/db", "port '99999'"),
        ("postgres://u@h/db?timeout=5", "unknown parameter 'timeout'"),
        ("postgres://u@h/db?sslmode=verify-ca", "sslmode 'verify-ca'"),
        ("postgres://u@h/db/extra", "one database name"),
        ("postgresql:///db?host=/run/pg&sslmode=require", "Unix socket"),
        ("postgres://u:hunter2@h:x/db", "port 'x' is not a number"),
        ("postgres://u:hunter2@[::1]:99999/db", "port '99999'"),
    ])
    func malformedConnectionStringsAreRefusedNamingWhatIsWrong(text: String, reason: String) {
        do {
            _ = try PostgresStoreURL.parse(text, environment: [:])
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.description.contains(reason), "\(error)")
            #expect(!error.description.contains("hunter2"), "the password is never echoed")
        }
    }

    /// The server is stopped between two store calls and started again 1.5 s later: the second
    /// call waits, reconnects and succeeds, and its write happened exactly once. A server gone
    /// for longer than the store waits gives an error naming the server, not a hang.
    @Test func aStoreCallDuringAServerRestartWaitsAndSucceeds() throws {
        let cluster = try ScratchPostgres(fsync: false)
        defer { cluster.remove() }
        try cluster.createDatabase("restart")
        let store = try JobStore(backend: PostgresStore(cluster.url(database: "restart"), reconnectFor: 30))
        let job = try JobStoreTests.job()
        try store.insert(job, tasks: job.tasks)
        try cluster.stop()
        let restarted = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 1.5)
            try? cluster.start()
            restarted.signal()
        }
        #expect(try store.lease(job: job.id, task: "lighting", attempt: "a1", worker: "n1"))
        restarted.wait()
        let lighting = try #require(try store.tasks(job: job.id).first)
        #expect(lighting.state == .leased && lighting.attempts == 1 && lighting.attempt == "a1")
        #expect(try store.timeline(jobs: [job.id])[job.id]?.attempts.count == 1)

        let impatient = try JobStore(backend: PostgresStore(cluster.url(database: "restart"), reconnectFor: 1))
        try cluster.stop()
        defer { try? cluster.start() }
        do {
            _ = try impatient.lease(job: job.id, task: "lighting", attempt: "a2", worker: "n2")
            Issue.record("a lease with the server down succeeded")
        } catch let error as StoreError {
            #expect(error.description.contains("postgres://postgres@/restart?host=\(cluster.socketDirectory) unavailable"), "\(error)")
        }
    }
}
