import ArgumentParser
import Farm
import Foundation
import ImageCore

/// Options every client command shares: where the coordinator is and how to authenticate.
struct ClientOptions: ParsableArguments {
    @Option(help: "Coordinator client endpoint, or a pair's, comma-separated (tcp://a:5556,tcp://b:5556) (default $SCENEFARM_COORDINATOR or tcp://127.0.0.1:5556).")
    var coordinator: String = ProcessInfo.processInfo.environment["SCENEFARM_COORDINATOR"] ?? "tcp://127.0.0.1:5556"

    @Option(name: .customLong("curve-secret"), help: "This client's CURVE secret key file (from `scenefarm keygen`).")
    var curveSecret: String?

    @Option(name: .customLong("server-key"), help: "The coordinator's public key file (its .pub), required with --curve-secret.")
    var serverKey: String?

    @Option(help: "Seconds to wait for the coordinator's answer.") var timeout: Double = 10

    func validate() throws {
        do {
            _ = try CoordinatorEndpoints.parse(coordinator)
        } catch {
            throw ValidationError("--coordinator (or $SCENEFARM_COORDINATOR): \(error)")
        }
        guard timeout.isFinite, timeout > 0, timeout <= 86_400 else { throw ValidationError("--timeout must be more than 0 and at most 86400 seconds, got \(timeout)") }
    }

    func client() throws -> FarmClient {
        do {
            return try FarmClient(endpoint: coordinator, curve: try curvePair(secret: curveSecret, serverKey: serverKey), timeout: .milliseconds(Int(timeout * 1000)))
        } catch let error as ExitCode {
            throw error
        } catch {
            throw fail("cannot open a connection to \(coordinator): \(error)", code: ExitCodes.badInput)
        }
    }
}

/// Loads a CURVE client identity (`--curve-secret`, `--server-key`), or nil when neither is given.
func curvePair(secret: String?, serverKey: String?) throws -> (keyPair: CurveKeyPair, serverPublicKey: String)? {
    switch (secret, serverKey) {
    case (nil, nil):
        return nil
    case (let secret?, let server?):
        do {
            return (try CurveKeyPair.load(secretFile: URL(fileURLWithPath: secret)), try CurveKeyPair.loadPublicKey(from: URL(fileURLWithPath: server)))
        } catch {
            throw fail(error.description, code: ExitCodes.badInput)
        }
    default:
        throw fail("--curve-secret and --server-key go together: give both or neither", code: ExitCodes.badInput)
    }
}

/// Maps a client failure to the documented exit codes: 2 bad input, 3 coordinator unreachable, 1 otherwise.
func clientFailure(_ error: any Error) -> ExitCode {
    switch error {
    case let code as ExitCode: return code
    case ClientError.refused(let message, let badInput): return fail(message, code: badInput ? ExitCodes.badInput : ExitCodes.failure)
    case let error as ClientError:
        if case .noAnswer = error { return fail(error.description, code: ExitCodes.unreachable) }
        return fail(error.description, code: ExitCodes.failure)
    default: return fail("\(error)", code: ExitCodes.failure)
    }
}

/// Stops a long-running command cleanly on SIGTERM and SIGINT.
final class SignalHandlers: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []

    init(_ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            sources.append(source)
        }
    }
}

/// `--threads`: how many threads pixel work uses on this machine. Pixels do not depend on it.
struct ThreadOptions: ParsableArguments {
    @Option(help: "Threads for pixel work (default $SCENEFARM_THREADS, else every core). Frames are bit-identical for any count.")
    var threads: Int?

    func validate() throws {
        if let threads, !(1...WorkerThreads.maxCount).contains(threads) {
            throw ValidationError("--threads must be 1…\(WorkerThreads.maxCount), got \(threads)")
        }
    }

    /// Applies the option to this process.
    func apply() {
        if let threads { WorkerThreads.set(threads) }
    }
}
