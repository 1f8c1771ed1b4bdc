import Foundation

/// One result row, by column name. Reading a column the query did not select, or a value of the
/// wrong type, throws `StoreError.column` (a schema mismatch, not a crash).
public struct StoreRow: Sendable {
    /// Column name → index, shared by every row of one result.
    let columns: [String: Int]
    let values: [StoreValue]

    public init(columns: [String: Int], values: [StoreValue]) {
        self.columns = columns
        self.values = values
    }

    public func value(_ column: String) throws -> StoreValue {
        guard let index = columns[column], index < values.count else { throw StoreError.column(column, "not in the result") }
        return values[index]
    }

    public func string(_ column: String) throws -> String {
        guard let value = try optionalString(column) else { throw StoreError.column(column, "is NULL") }
        return value
    }

    public func optionalString(_ column: String) throws -> String? {
        switch try value(column) {
        case .null: return nil
        case .text(let text): return text
        case let other: throw StoreError.column(column, "expected text, got \(other)")
        }
    }

    public func int(_ column: String) throws -> Int {
        switch try value(column) {
        case .int(let value): return Int(value)
        // SQLite may hand back an integral REAL from an expression; PostgreSQL's numeric arrives as double.
        case .double(let value) where value.rounded() == value && abs(value) < 9e15: return Int(value)
        case let other: throw StoreError.column(column, "expected an integer, got \(other)")
        }
    }

    public func double(_ column: String) throws -> Double {
        guard let value = try optionalDouble(column) else { throw StoreError.column(column, "is NULL") }
        return value
    }

    public func optionalDouble(_ column: String) throws -> Double? {
        switch try value(column) {
        case .null: return nil
        case .double(let value): return value
        case .int(let value): return Double(value)
        case let other: throw StoreError.column(column, "expected a number, got \(other)")
        }
    }
}
