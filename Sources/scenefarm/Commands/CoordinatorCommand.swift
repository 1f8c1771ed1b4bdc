import ArgumentParser
import Farm
import FarmPostgres
import FarmWeb
import Foundation
import Inference
import Logging

struct CoordinatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Run the farm coordinator: schedules shot tasks onto nodes and keeps the job store.",
        discussion: "Without --curve-secret/--authorized-keys it binds loopback addresses only, unless --insecure. SIGTERM or Ctrl-C stops it; jobs resume on restart."
    )

    @Option(help: "Endpoint for nodes.") var bind = "tcp://127.0.0.1:5555"
    @Option(name: .customLong("client-bind"), help: "Endpoint for clients (submit, status, …).") var clientBind = "tcp://127.0.0.1:5556"
    @Option(help: "Folder for the job store (SQLite); with --store, only for files kept beside it (the generated HTTP token).") var state: String
    @Option(help: "Keep the job store in PostgreSQL instead: postgres://user@host:5432/db or postgresql:///db?host=/run/postgresql (password in the URL or $PGPASSWORD; default $SCENEFARM_STORE).")
    var store: String?
    @Option(help: "Plate storage root (shared with the nodes).") var storage: String
    @Option(name: .customLong("curve-secret"), help: "The coordinator's CURVE secret key file.") var curveSecret: String?
    @Option(name: .customLong("authorized-keys"), help: "Folder with nodes/*.pub (each node named after its key file) and clients/*.pub.") var authorizedKeys: String?
    @Flag(help: "Allow binding non-loopback addresses without CURVE keys.") var insecure = false
    @Option(name: .customLong("max-attempts"), help: "Attempts per task before its job fails.") var maxAttempts = 3
    @Option(help: "Plugin generators file (Farm/plugins/plugins.yaml), so submitted specs can name them.") var plugins: String?
    @Option(help: "OCIO config used to validate submitted specs.") var ocio: String?
    @Option(name: .customLong("max-message-bytes"), help: "Largest message accepted from a node; bigger ones are dropped (transfer mode sends whole frames).")
    var maxMessageBytes = WireRules.defaultMaxMessageBytes
    @Option(name: .customLong("lease-base"), help: "Seconds every task's lease lasts before it is cancelled and counted as failed (plus --lease-per-megapixel-frame).")
    var leaseBase = LeaseLimits.default.base
    @Option(name: .customLong("lease-per-megapixel-frame"), help: "Lease seconds added per frame per megapixel the task renders or reads.")
    var leasePerMegapixelFrame = LeaseLimits.default.perMegapixelFrame
    @Option(name: .customLong("task-frames"), help: "Frames per generate task when chunks of deterministic generators are split over nodes; 0 keeps whole chunks; default: chosen from the nodes connected at submit.")
    var taskFrames: Int?
    @Option(help: "Serve the dashboard, the HTTP API (/api/v1) and /metrics on HOST:PORT, e.g. 127.0.0.1:8080. A non-loopback address needs --http-token-file or --insecure.")
    var http: String?
    @Flag(help: "Run as the primary of a Binary Star pair (with --peer-bind and --peer).") var primary = false
    @Flag(help: "Run as the backup of a Binary Star pair: it takes over only when it has lost the primary and a node or client comes to it.") var backup = false
    @Option(name: .customLong("peer-bind"), help: "Pair only: where this coordinator publishes its state to its partner, e.g. tcp://0.0.0.0:5557.") var peerBind: String?
    @Option(help: "Pair only: the partner's --peer-bind endpoint as reached from here, e.g. tcp://coord-b:5557.") var peer: String?
    @Option(name: .customLong("peer-key"), help: "Pair with CURVE only: the partner coordinator's public key file (default: this coordinator's own public key, for a pair sharing one key pair).")
    var peerKey: String?
    @Option(name: .customLong("http-token-file"), help: "Bearer tokens (one a line, mode 0600) for HTTP actions, and for reads on a non-loopback --http. Default: a new token in STATE/http-token.")
    var httpTokenFile: String?

    func run() throws {
        var curve: (keyPair: CurveKeyPair, keys: FarmKeys)?
        switch (curveSecret, authorizedKeys) {
        case (nil, nil): break
        case (let secret?, let keys?):
            do {
                curve = (try CurveKeyPair.load(secretFile: URL(fileURLWithPath: secret)), try FarmKeys.load(directory: URL(fileURLWithPath: keys)))
            } catch {
                throw fail(error.description, code: ExitCodes.badInput)
            }
        default:
            throw fail("--curve-secret and --authorized-keys go together", code: ExitCodes.badInput)
        }
        guard leaseBase > 0, leasePerMegapixelFrame >= 0, leaseBase.isFinite, leasePerMegapixelFrame.isFinite else {
            throw fail("--lease-base must be above 0 and --lease-per-megapixel-frame at least 0", code: ExitCodes.badInput)
        }
        // Listened on, except --peer (the partner's, connected to).
        for (option, endpoint) in [("--bind", bind), ("--client-bind", clientBind), ("--peer-bind", peerBind), ("--peer", peer)] {
            guard let endpoint else { continue }
            do {
                if option == "--peer" { try CoordinatorEndpoints.checkConnect(endpoint) } else { try CoordinatorEndpoints.checkBind(endpoint) }
            } catch {
                throw fail("\(option): \(error)", code: ExitCodes.badInput)
            }
        }
        guard (1...100).contains(maxAttempts) else { throw fail("--max-attempts must be 1…100, got \(maxAttempts)", code: ExitCodes.badInput) }
        guard maxMessageBytes >= 64 << 10 else {
            throw fail("--max-message-bytes must be at least 65536 (a transfer-mode node sends each frame as one FILE message), got \(maxMessageBytes)", code: ExitCodes.badInput)
        }
        let pair = try pairConfig(curve: curve?.keyPair)
        let storeURL = try StoreSelection.url(store)
        if let taskFrames, taskFrames < 0 { throw fail("--task-frames must be 0 (whole chunks) or more, got \(taskFrames)", code: ExitCodes.badInput) }
        let registry = try loadRegistry(plugins: plugins)
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let coordinator: Coordinator
        do {
            var config = CoordinatorConfig(
                nodeEndpoint: bind, clientEndpoint: clientBind, stateDirectory: URL(fileURLWithPath: state),
                storageRoot: URL(fileURLWithPath: storage).standardizedFileURL, curve: curve, insecure: insecure,
                maxAttempts: maxAttempts, registry: registry, ocioOverride: ocio, maxMessageBytes: maxMessageBytes,
                leaseLimits: LeaseLimits(base: leaseBase, perMegapixelFrame: leasePerMegapixelFrame)
            )
            config.taskFrames = taskFrames
            config.pair = pair
            config.store = try storeURL.map { try PostgresStore(url: $0) }
            coordinator = try Coordinator(config: config)
        } catch let error as SecurityError {
            throw fail(error.description, code: ExitCodes.badInput)
        } catch {
            throw fail("cannot start the coordinator: \(error)", code: ExitCodes.failure)
        }
        let web = try startWeb(coordinator)
        let handlers = SignalHandlers([SIGTERM, SIGINT]) { _ in coordinator.stop() }
        coordinator.run()
        web?.stop()
        withExtendedLifetime(handlers) {}
    }

    /// The pair half from --primary/--backup, --peer-bind and --peer (and CURVE on its link when
    /// the farm has keys); nil alone.
    private func pairConfig(curve keyPair: CurveKeyPair?) throws -> PairConfig? {
        switch (primary, backup, peerBind, peer) {
        case (false, false, nil, nil):
            guard peerKey == nil else { throw fail("--peer-key is for a pair (--primary or --backup)", code: ExitCodes.badInput) }
            return nil
        case (true, true, _, _):
            throw fail("give --primary or --backup, not both", code: ExitCodes.badInput)
        case (_, _, let bind?, let peer?) where primary || backup:
            // Its own state would come back as the partner's: a pair of one that never serves.
            guard bind != peer else {
                throw fail("--peer \(peer) is this coordinator's own --peer-bind: give the partner's state endpoint", code: ExitCodes.badInput)
            }
            var config = PairConfig(role: primary ? .primary : .backup, peerBind: bind, peer: peer)
            if let keyPair {
                do {
                    let peerPublicKey = try peerKey.map { path throws(SecurityError) in try CurveKeyPair.loadPublicKey(from: URL(fileURLWithPath: path)) } ?? keyPair.publicKey
                    config.curve = try PairCurve(keyPair: keyPair, peerPublicKey: peerPublicKey)
                } catch {
                    throw fail("--peer-key: \(error.description)", code: ExitCodes.badInput)
                }
            } else if peerKey != nil {
                throw fail("--peer-key needs CURVE keys (--curve-secret and --authorized-keys); without them the pair link is plain TCP", code: ExitCodes.badInput)
            }
            return config
        default:
            throw fail("a pair needs --primary or --backup with both --peer-bind and --peer", code: ExitCodes.badInput)
        }
    }

    /// The HTTP server for `--http`, nil without it.
    private func startWeb(_ coordinator: Coordinator) throws -> WebServer? {
        guard let http else {
            guard httpTokenFile == nil else { throw fail("--http-token-file needs --http", code: ExitCodes.badInput) }
            return nil
        }
        do {
            let (host, port) = try WebConfig.parseBind(http)
            var config = WebConfig(host: host, port: port, tokens: try httpTokenFile.map { path throws(WebError) in try BearerTokens.load(file: path) } ?? BearerTokens([]), insecure: insecure)
            try config.check()
            // Actions always need a token: without a file, one is made for this run.
            if config.tokens.isEmpty { config.tokens = try BearerTokens.generate(into: URL(fileURLWithPath: state).appendingPathComponent("http-token")) }
            return try WebServer(coordinator: coordinator, config: config)
        } catch let error as WebError {
            if case .cannotBind = error { throw fail(error.description, code: ExitCodes.failure) }
            throw fail(error.description, code: ExitCodes.badInput)
        }
    }
}

/// The built-in generators plus any plugins configured in `file`.
func loadRegistry(plugins file: String?) throws -> GeneratorRegistry {
    var registry = GeneratorRegistry.builtIn
    guard let file else { return registry }
    do {
        try registry.registerPlugins(file: file)
    } catch {
        throw fail("\(file): \(error)", code: ExitCodes.badInput)
    }
    return registry
}
