import Foundation
import Testing
import TestSupport

/// `scenefarm coordinator --store URL` refuses a malformed URL before starting anything, naming
/// what is wrong, without echoing the password.
struct StoreSelectionTests {
    @Test(arguments: [
        ("postgres://u:hunter2@h:x/db", "port 'x'"),
        ("postgresql://u:hunter2@db.example:54x2/farm?sslmode=require", "port '54x2'"),
        ("postgres://u:hunter2@[::1]:99999/db", "port '99999'"),
    ])
    func aStoreURLWithABadPortNamesThePort(url: String, reason: String) throws {
        let folder = TemporaryDirectory("scenefarm-store-selection")
        let result = try Tool.run(Repository.scenefarm, ["coordinator", "--state", folder.url.path, "--storage", folder.url.path, "--store", url])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(reason), "\(result.stderr)")
        #expect(!result.stderr.contains("not a URL"), "\(result.stderr)")
        #expect(!result.stderr.contains("hunter2"), "the password is never echoed: \(result.stderr)")
    }
}
