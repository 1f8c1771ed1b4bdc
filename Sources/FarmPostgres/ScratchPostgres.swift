import Farm
import Foundation

/// A private PostgreSQL 15 cluster in a temporary folder, reachable only over a Unix socket in
/// that folder (no TCP port), with trust authentication for the `postgres` role: for the store's
/// tests and `scenefarm bench farm`. PostgreSQL refuses to run as root, so when we are root the
/// server and its tools run as the `postgres` system user, which owns the folder.
public final class ScratchPostgres: @unchecked Sendable {
    public static let binaries = "/usr/lib/postgresql/15/bin"
    public let root: URL
    public let socketDirectory: String
    private let dataDirectory: String
    private let fsync: Bool
    private static let prefix = "scenefarm-pg-"

    public enum Failure: Error, CustomStringConvertible {
        case tool(String, Int32, String)

        public var description: String {
            switch self {
            case .tool(let command, let status, let output): "\(command) exited \(status): \(output.trimmingCharacters(in: .whitespacesAndNewlines).suffix(1500))"
            }
        }
    }

    /// `initdb`, then starts the server. `fsync: false` (tests) trades crash safety for speed;
    /// benchmarks keep PostgreSQL's default, durable commits.
    public init(fsync: Bool = true) throws {
        Self.removeAbandoned()
        root = FileManager.default.temporaryDirectory.appendingPathComponent("\(Self.prefix)\(UUID().uuidString.prefix(8))")
        socketDirectory = root.appendingPathComponent("socket").path
        dataDirectory = root.appendingPathComponent("data").path
        self.fsync = fsync
        for folder in [root.path, socketDirectory] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            if getuid() == 0 { try FileManager.default.setAttributes([.ownerAccountName: "postgres", .groupOwnerAccountName: "postgres"], ofItemAtPath: folder) }
        }
        // Who started it, so a later run can stop a cluster whose test process was killed.
        try "\(getpid())".write(to: root.appendingPathComponent("owner.pid"), atomically: true, encoding: .utf8)
        try Self.tool("initdb", ["-D", dataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"])
        try start()
    }

    /// A `--store` URL for `database` on this cluster.
    public func url(database: String) -> String {
        "postgresql:///\(database)?host=\(socketDirectory)&user=postgres"
    }

    public func createDatabase(_ name: String) throws {
        try Self.tool("createdb", ["-h", socketDirectory, "-U", "postgres", name])
    }

    public func dropDatabase(_ name: String) throws {
        try Self.tool("dropdb", ["-h", socketDirectory, "-U", "postgres", "--force", name])
    }

    /// Starts the server and waits until it accepts connections.
    public func start() throws {
        var options = "-k \(socketDirectory) -h ''"
        if !fsync { options += " -F -c synchronous_commit=off -c full_page_writes=off" }
        try Self.tool("pg_ctl", ["-D", dataDirectory, "-o", options, "-l", root.appendingPathComponent("server.log").path, "-w", "-s", "start"])
    }

    /// Stops the server (`fast`: connections are cut, as when an operator restarts it).
    public func stop(mode: String = "fast") throws {
        try Self.tool("pg_ctl", ["-D", dataDirectory, "-m", mode, "-w", "-s", "stop"])
    }

    /// User plus system CPU seconds used so far by the server's processes: the postmaster and
    /// its children (backends, WAL writer, checkpointer, autovacuum), from /proc. A process
    /// that has exited no longer counts, so a difference over a stretch in which no connection
    /// closes is the server's CPU for that stretch; 0 when the server is not running.
    public func serverCPUSeconds() -> Double {
        guard let text = try? String(contentsOfFile: "\(dataDirectory)/postmaster.pid", encoding: .utf8),
              let postmaster = text.split(separator: "\n").first.flatMap({ Int($0) }),
              let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return 0 }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var total = 0.0
        for entry in entries {
            guard let pid = Int(entry), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // After "pid (comm)": state, ppid, … utime and stime are the 14th and 15th fields.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 12, let ppid = Int(fields[1]), pid == postmaster || ppid == postmaster,
                  let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
            total += (user + system) / ticks
        }
        return total
    }

    /// Stops the server if it runs and removes the folder.
    public func remove() {
        try? stop(mode: "immediate")
        try? FileManager.default.removeItem(at: root)
    }

    /// Runs one of PostgreSQL's tools, as `postgres` when we are root. posix_spawn and waitpid
    /// rather than Foundation's Process, whose wait can miss the exit of a child (pg_ctl) that
    /// leaves a daemon (the server) holding its inherited descriptors.
    @discardableResult
    static func tool(_ name: String, _ arguments: [String]) throws -> String {
        let binary = "\(binaries)/\(name)"
        // Through sh to start in "/": tools run as postgres cannot read root's working folder.
        let argv = ["/bin/sh", "-c", "cd / && exec \"$@\"", "sh"] + (getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", binary] : [binary]) + arguments
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("scenefarm-pgtool-\(UUID().uuidString.prefix(8)).log")
        defer { try? FileManager.default.removeItem(at: log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ)
        guard spawned == 0 else { throw Failure.tool(argv.joined(separator: " "), -1, String(cString: strerror(spawned))) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0
        let code = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard code == 0 else { throw Failure.tool("\(name) \(arguments.joined(separator: " "))", code, text) }
        return text
    }

    /// Clusters left by processes that died before stopping them (a killed test run).
    private static func removeAbandoned() {
        let temporary = FileManager.default.temporaryDirectory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: temporary.path) else { return }
        for name in names where name.hasPrefix(prefix) {
            let folder = temporary.appendingPathComponent(name)
            guard let text = try? String(contentsOf: folder.appendingPathComponent("owner.pid"), encoding: .utf8),
                  let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), kill(pid, 0) != 0, errno == ESRCH else { continue }
            _ = try? tool("pg_ctl", ["-D", folder.appendingPathComponent("data").path, "-m", "immediate", "-w", "-s", "stop"])
            try? FileManager.default.removeItem(at: folder)
        }
    }
}
