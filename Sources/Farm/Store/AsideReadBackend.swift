import Foundation

/// A backend whose reads go through its base's `readAside`: the job store seen by a thread
/// other than the coordinator's loop (`JobStore.asideReader`). Writes are the base's own.
struct AsideReadBackend: StoreBackend {
    let base: any StoreBackend

    var dialect: SQLDialect { base.dialect }
    var location: String { base.location }
    var traffic: StoreTraffic? { base.traffic }

    func read<T>(_ body: (any StoreSession) throws -> T) throws -> T { try base.readAside(body) }
    func readAside<T>(_ body: (any StoreSession) throws -> T) throws -> T { try base.readAside(body) }

    @discardableResult
    func write<T>(_ body: (any StoreSession) throws -> T) throws -> T { try base.write(body) }

    func observeWriteLatency(_ record: @escaping @Sendable (Double) -> Void) throws {
        try base.observeWriteLatency(record)
    }
}

extension JobStore {
    /// This store read through `StoreBackend.readAside`, for a thread other than the loop's.
    func asideReader() throws -> JobStore {
        try JobStore(backend: AsideReadBackend(base: backend), migrating: false)
    }
}
