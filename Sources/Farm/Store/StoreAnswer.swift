import Foundation

/// The rows of a statement sent with `StoreSession.queryLater`: read them once the transaction
/// that sent it has committed (`StoreBackend.write` returned). A server backend has them by then
/// without the caller having waited for them on their own.
public final class StoreAnswer {
    private let resolve: () throws -> [StoreRow]

    /// Rows already read.
    public init(rows: [StoreRow]) {
        resolve = { rows }
    }

    /// Rows `resolve` reads when asked (a server's answer that has arrived by then).
    public init(_ resolve: @escaping () throws -> [StoreRow]) {
        self.resolve = resolve
    }

    public func rows() throws -> [StoreRow] { try resolve() }
}
