import Farm
import Foundation
import Testing

/// The job-store backends every job-store test runs on.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite

    var testDescription: String { rawValue }
}

/// A fresh, empty job-store database for one test; `open` may be called several times to get
/// several stores (separate connections) on the same database.
struct TestDatabase: Sendable {
    let kind: StoreKind
    let directory: URL

    func open() throws -> JobStore {
        switch kind {
        case .sqlite: try JobStore(directory: directory)
        }
    }

    func drop() {
        try? FileManager.default.removeItem(at: directory)
    }
}

enum StoreFixture {
    static func database(_ kind: StoreKind) throws -> TestDatabase {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scenefarm-store-\(UUID().uuidString.prefix(8))")
        return TestDatabase(kind: kind, directory: directory)
    }
}
