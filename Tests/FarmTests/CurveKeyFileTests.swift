import Farm
import Foundation
import Testing

@Suite("CURVE: key files and authorized keys")
struct CurveKeyFileTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("scenefarm-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func mode(_ url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    @Test func keygenWritesAPrivateSecretFileThatLoadsBackEqual() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pair = try CurveKeyPair.generate()
        #expect(pair.publicKey.count == 40 && pair.secretKey.count == 40)
        #expect(pair.publicKey != pair.secretKey)

        let files = try pair.save(directory: directory.appendingPathComponent("nested"), name: "node-01")
        #expect(files.secretFile.lastPathComponent == "node-01.key")
        #expect(files.publicFile.lastPathComponent == "node-01.pub")
        #expect(try mode(files.secretFile) == 0o600)
        #expect(try mode(files.publicFile) == 0o644)
        #expect(try CurveKeyPair.load(secretFile: files.secretFile) == pair)
        #expect(try CurveKeyPair.loadPublicKey(from: files.publicFile) == pair.publicKey)
        let publicText = try String(contentsOf: files.publicFile, encoding: .utf8)
        #expect(!publicText.contains(pair.secretKey))
        #expect(publicText.contains("public = \(pair.publicKey)\n"))
    }

    @Test func keygenRefusesToOverwriteAnExistingKey() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try CurveKeyPair.generate()
        let files = try first.save(directory: directory, name: "coord")
        #expect(throws: SecurityError.keyExists(path: files.secretFile.path)) {
            try CurveKeyPair.generate().save(directory: directory, name: "coord")
        }
        #expect(try CurveKeyPair.load(secretFile: files.secretFile) == first)

        // A stray .pub alone also blocks, and no half pair is left behind.
        try FileManager.default.removeItem(at: files.secretFile)
        #expect(throws: SecurityError.keyExists(path: files.publicFile.path)) {
            try CurveKeyPair.generate().save(directory: directory, name: "coord")
        }
        #expect(!FileManager.default.fileExists(atPath: files.secretFile.path))
    }

    @Test func loadingRefusesASecretKeyOthersCanRead() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try CurveKeyPair.generate().save(directory: directory, name: "n")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: files.secretFile.path)
        #expect(throws: SecurityError.secretKeyExposed(path: files.secretFile.path, mode: 0o644)) {
            try CurveKeyPair.load(secretFile: files.secretFile)
        }
    }

    @Test func loadingRefusesAPublicKeyThatDoesNotMatchTheSecret() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pair = try CurveKeyPair.generate()
        let other = try CurveKeyPair.generate()
        let files = try pair.save(directory: directory, name: "n")
        let text = try String(contentsOf: files.secretFile, encoding: .utf8).replacingOccurrences(of: pair.publicKey, with: other.publicKey)
        try Data(text.utf8).write(to: files.secretFile)
        #expect(throws: SecurityError.self) { try CurveKeyPair.load(secretFile: files.secretFile) }
        #expect(try CurveKeyPair(secretKey: pair.secretKey) == pair)
    }

    @Test func badKeyNamesAndKeysAreRefused() throws {
        let pair = try CurveKeyPair.generate()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["", "../escape", ".hidden", "a/b", "sp ace"] {
            #expect(throws: SecurityError.invalidKeyName(name)) { try pair.save(directory: directory, name: name) }
        }
        #expect(throws: SecurityError.self) { try AuthorizedKeys(["short": "abc"]) }
        #expect(throws: SecurityError.self) { try CurveKeyPair(secretKey: String(repeating: "~", count: 40)) }
    }

    @Test func authorizedKeysLoadEveryPubFileByName() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let a = try CurveKeyPair.generate()
        let b = try CurveKeyPair.generate()
        try a.save(directory: directory, name: "node-a")
        try b.save(directory: directory, name: "node-b")
        let keys = try AuthorizedKeys.load(directory: directory)
        #expect(keys.count == 2)
        #expect(keys.name(for: a.publicKey) == "node-a")
        #expect(keys.name(for: b.publicKey) == "node-b")
        #expect(keys.name(for: a.secretKey) == nil)
    }

    @Test func anEmptyAuthorizedKeysDirectoryIsAnError() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: SecurityError.noAuthorizedKeys(directory: directory.path)) { try AuthorizedKeys.load(directory: directory) }
    }
}
