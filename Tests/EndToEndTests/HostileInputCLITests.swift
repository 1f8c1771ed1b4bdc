import Foundation
import Testing
import TestSupport

/// The CLI as a careless user or a hostile file meets it (issue 10): one `error:` line, exit 2,
/// nothing half-written and nothing left in $TMPDIR — never a crash, a hang or a help dump.
@Suite("hostile input at the command line", .serialized)
struct HostileInputCLITests {
    static let shot = RenderEndToEndTests.tinyShot

    /// Runs scenefarm with a private TMPDIR so leftovers can be counted.
    func run(_ arguments: [String], tmp: TemporaryDirectory) throws -> Tool.Result {
        try Tool.run(Repository.scenefarm, arguments, environment: ["TMPDIR": tmp.path])
    }

    func expectOneErrorLine(_ result: Tool.Result, exit code: Int32 = 2, containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == code, "exit \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(lines.first?.hasPrefix("error: ") == true, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(text), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(!result.stderr.contains("\u{1B}"), sourceLocation: sourceLocation)
    }

    @Test("argument errors exit 2 with one error line, not 64 and a help dump", arguments: [
        (["render", "SPEC", "--overlap=-1"], "overlap: must not be negative, got -1"),
        (["render", "SPEC", "--overlap=abc"], "--overlap"),
        (["render", "SPEC", "--overlap", "99999999999999999999999"], "--overlap"),
        (["render", "SPEC", "--no-such-option"], "--no-such-option"),
        (["validate"], "<spec>"),
        (["no-such-command"], "no-such-command"),
        // The hint names the command that refused its arguments, nested ones included.
        (["render", "SPEC", "--no-such-option"], "(see 'scenefarm render --help')"),
        (["bench", "failover", "--runs", "0"], "--runs must be 1…100 (see 'scenefarm bench failover --help')"),
        (["bench", "failover", "--failure", "freeze", "--store", "sqlite"], "(see 'scenefarm bench failover --help')"),
        (["no-such-command"], "(see 'scenefarm --help')"),
        // Bench sizes that used to hang (no node to dispatch to) or crash (a 10^10-pixel frame).
        (["bench", "farm", "--nodes", "0"], "--nodes must be 1…64, got 0"),
        (["bench", "farm", "--slots", "0"], "--slots must be 1…64, got 0"),
        (["bench", "farm", "--tasks", "0"], "--tasks must be 1…1000000, got 0"),
        (["bench", "farm", "--stores", "--sweep"], "--stores and --sweep are separate runs; give one of them"),
        (["task", "run", "job.json", "--task", "generate", "--index=-1"], "--index must be 0 or more, got -1"),
        (["task", "run", "job.json", "--task", "generate", "--part=-3"], "--part must be 0 or more, got -3"),
        (["bench", "generate", "--frames", "0"], "--frames must be 1…1000, got 0"),
        (["bench", "wire", "--runs", "0"], "--runs must be 1…100, got 0"),
        (["bench", "generate", "--resolutions", "100000x100000", "SPEC"], "--resolutions: '100000x100000' is above the 35389440 pixels"),
        // Endpoints libzmq takes without complaint, and the node would retry for ever.
        (["node", "--transfer", "--name", "n", "--coordinator", ","], "--coordinator: ',' lists no endpoint"),
        (["node", "--transfer", "--name", "n", "--coordinator", "tcp://127.0.0.1:99999"], "'tcp://127.0.0.1:99999' is not a coordinator endpoint: the port must be 1–65535"),
        (["node", "--transfer", "--name", "n", "--coordinator", "tcp://a:5555,coord-b:5555"], "'coord-b:5555' is not a coordinator endpoint: use tcp://HOST:PORT"),
        (["status", "--coordinator", "tcp://*:5556"], "'tcp://*:5556' is not a coordinator endpoint"),
        (["status", "--finished", "20000"], "--finished must be 0…10000, got 20000"),
        (["status", "--timeout", "nan"], "--timeout must be more than 0 and at most 86400 seconds, got nan"),
        // A pair whose peer is itself would hear its own state as the partner's and never serve.
        (["coordinator", "--state", "TMP/state", "--storage", "TMP", "--backup", "--peer-bind", "tcp://127.0.0.1:5558", "--peer", "tcp://127.0.0.1:5558"],
         "--peer tcp://127.0.0.1:5558 is this coordinator's own --peer-bind"),
        // libzmq binds tcp://…:99999 as port 34463; 0 attempts or a 100-byte message limit made a farm that never finishes.
        (["coordinator", "--state", "TMP/state", "--storage", "TMP", "--bind", "tcp://127.0.0.1:99999"], "--bind: 'tcp://127.0.0.1:99999' is not an endpoint to listen on: the port must be 0–65535 or *"),
        (["coordinator", "--state", "TMP/state", "--storage", "TMP", "--max-attempts", "0"], "--max-attempts must be 1…100, got 0"),
        (["coordinator", "--state", "TMP/state", "--storage", "TMP", "--max-message-bytes", "100"], "--max-message-bytes must be at least 65536"),
    ])
    func argumentErrors(_ arguments: [String], _ mention: String) throws {
        let tmp = TemporaryDirectory("e2e-tmp")
        let spec = try tmp.write("shot.yaml", Self.shot)
        let result = try run(arguments.map { $0 == "SPEC" ? spec : $0.replacingOccurrences(of: "TMP", with: tmp.path) }, tmp: tmp)
        expectOneErrorLine(result, containing: mention)
        #expect(!result.stderr.contains("USAGE"))
    }

    @Test("help still prints help and exits 0")
    func helpExitsZero() throws {
        let tmp = TemporaryDirectory("e2e-tmp")
        let result = try run(["render", "--help"], tmp: tmp)
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE"))
    }

    @Test("an overflowing --overlap is a bad-input error, not an arithmetic trap")
    func hugeOverlap() throws {
        let tmp = TemporaryDirectory("e2e-tmp")
        let spec = try tmp.write("shot.yaml", Self.shot)
        for command in ["render", "plan"] {
            let result = try run([command, spec, "--overlap", "4611686018427387904", "--out", tmp.appending("plates").path].prefix(command == "plan" ? 4 : 6).map { $0 }, tmp: tmp)
            expectOneErrorLine(result, containing: "shot.chunking.overlap: 4611686018427387904 frames is at least half of the 252-frame chunk limit")
        }
        #expect(!FileManager.default.fileExists(atPath: tmp.appending("plates").path))
    }

    @Test("a deeply nested spec is refused by validate, plan, render and submit alike")
    func deepNesting() throws {
        let tmp = TemporaryDirectory("e2e-tmp")
        let deep = Self.shot.replacingOccurrences(of: "resolution: [64, 36]", with: "resolution: " + String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000))
        let spec = try tmp.write("deep.yaml", deep)
        for arguments in [["validate", spec], ["plan", spec], ["render", spec, "--out", tmp.appending("plates").path], ["submit", spec, "--coordinator", "tcp://127.0.0.1:9", "--timeout", "1"]] {
            expectOneErrorLine(try run(arguments, tmp: tmp), containing: "\(spec):5: lists and mappings nest more than 32 levels deep")
        }
    }

    /// `render` and the coordinator read a SUBMIT's text by its file name, as `validate` reads the
    /// file: a `.json` spec was read as YAML there, which refuses JSON's surrogate pairs (how
    /// Python's `json.dumps` writes a character beyond U+FFFF), so `validate` passed and `render`
    /// failed with "not valid YAML: … invalid Unicode character escape code".
    @Test("a JSON spec that validate accepts renders, surrogate pairs and all")
    func jsonSpecRendersAsValidated() throws {
        let tmp = TemporaryDirectory("e2e-tmp")
        let json = #"{"show": "demo", "shot": "json_010", "fps": 24, "frames": {"count": 2}, "resolution": [64, 36], "#
            + #""generator": {"name": "testpattern", "params": {"note": "clap \ud83c\udfac, \u00e9t\u00e9"}}}"#
        let spec = try tmp.write("shot.json", json)
        #expect(try run(["validate", spec], tmp: tmp).status == 0)
        let result = try run(["render", spec, "--out", tmp.appending("plates").path], tmp: tmp)
        #expect(result.status == 0, "\(result.stderr)")
        let version = tmp.appending("plates/demo/json_010/plates/main/v001")
        #expect(FileManager.default.fileExists(atPath: version.appendingPathComponent("json_010_main_v001.1002.exr").path))
    }

    @Test("a FIFO as the spec fails at once instead of blocking")
    func fifoSpec() throws {
        let tmp = TemporaryDirectory("e2e-tmp")
        let path = tmp.appending("pipe.yaml").path
        #expect(mkfifo(path, 0o600) == 0)
        for command in ["validate", "render", "submit"] {
            expectOneErrorLine(try run([command, path], tmp: tmp), containing: "\(path): is a named pipe (FIFO), not a shot spec file")
        }
    }

    @Test("a name with control characters prints one escaped line")
    func controlCharacters() throws {
        let tmp = TemporaryDirectory("e2e-tmp")
        let spec = try tmp.write("shot.yaml", Self.shot.replacingOccurrences(of: "shot: sh010", with: "shot: \"x\\ny\\e[2J\""))
        expectOneErrorLine(try run(["validate", spec], tmp: tmp), containing: "shot.shot: 'x\\ny\\u{1B}[2J' may only contain")
    }

    @Test("a later check names the file and line of the field")
    func laterCheckHasLine() throws {
        let tmp = TemporaryDirectory("e2e-tmp")
        let spec = try tmp.write("shot.yaml", Self.shot.replacingOccurrences(of: "generator: {name: testpattern}", with: "generator:\n  name: scenelit\n  params:\n    samples: 99"))
        for command in ["validate", "render"] {
            let result = try run([command, spec, "--out", tmp.appending("plates").path].prefix(command == "validate" ? 2 : 4).map { $0 }, tmp: tmp)
            expectOneErrorLine(result, containing: "\(spec):9: shot.generator.params.samples: 99 is out of range 1…64")
        }
    }

    @Test("render leaves nothing in TMPDIR, whether it succeeds, is refused, or an earlier one was killed")
    func noLeftovers() throws {
        let tmp = TemporaryDirectory("e2e-tmp")
        let work = TemporaryDirectory("e2e-work")
        let good = try work.write("shot.yaml", Self.shot)
        let bad = try work.write("bad.yaml", Self.shot.replacingOccurrences(of: "fps: 24", with: "fps: 0"))
        // A store left by a render that was killed (its process id is not running).
        let abandoned = tmp.appending("scenefarm-render-2147483646-deadbeef")
        try FileManager.default.createDirectory(at: abandoned, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: abandoned.appendingPathComponent("scenefarm.sqlite").path, contents: Data("x".utf8))

        #expect(try run(["render", bad, "--out", work.appending("plates").path], tmp: tmp).status == 2)
        let ok = try run(["render", good, "--out", work.appending("plates").path], tmp: tmp)
        #expect(ok.status == 0, "\(ok.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: tmp.path)
        #expect(left.isEmpty, "left in TMPDIR: \(left)")
    }
}
