import Foundation

/// A value bound to, or read from, a job-store statement: the four types both SQLite and
/// PostgreSQL store the same way (TEXT, BIGINT, DOUBLE PRECISION, NULL).
public enum StoreValue: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
}

/// A Swift value that binds as a `StoreValue`, so statements take plain arguments: `[job, seq, nil]`.
public protocol StoreBindable: Sendable {
    var storeValue: StoreValue { get }
}

extension String: StoreBindable {
    public var storeValue: StoreValue { .text(self) }
}

extension Int: StoreBindable {
    public var storeValue: StoreValue { .int(Int64(self)) }
}

extension Double: StoreBindable {
    public var storeValue: StoreValue { .double(self) }
}

extension StoreValue: StoreBindable {
    public var storeValue: StoreValue { self }
}

/// Statement arguments in order; nil binds NULL.
public typealias StoreArguments = [(any StoreBindable)?]

extension Array where Element == (any StoreBindable)? {
    /// The arguments as values, nil as `.null`.
    public var storeValues: [StoreValue] { map { $0?.storeValue ?? .null } }
}
