import Dispatch
import Foundation
import Logging

/// The ZAP handler (RFC 27) for one context: admits CURVE clients whose public key is authorised
/// for the ZAP domain of the socket they connect to (the coordinator keeps node keys and client
/// keys in separate domains, so a client key cannot even connect to the node endpoint).
///
/// It binds `inproc://zeromq.zap.01` in the context and answers libzmq's requests on its own
/// thread, so there is at most one per context. Start it before binding any CURVE server socket
/// and keep it alive as long as those sockets; `stop()` (or `deinit`) ends the thread.
///
/// `@unchecked Sendable`: the sockets live only on the handler thread; what callers touch is the
/// immutable configuration and `running`, which `lock` guards.
public final class ZAPAuthenticator: @unchecked Sendable {
    /// The endpoint libzmq sends ZAP requests to.
    public static let endpoint = "inproc://zeromq.zap.01"

    /// The first (or only) ZAP domain served; `configureCurveServer` uses it unless told another.
    public let domain: String
    /// The keys admitted, by the ZAP domain a server socket sets (`ZMQ_ZAP_DOMAIN`); requests for
    /// other domains are denied.
    public let domains: [String: AuthorizedKeys]
    /// The keys admitted for `domain`.
    public var authorizedKeys: AuthorizedKeys { domains[domain]! }
    let context: ZMQContext
    private let controlEndpoint: String
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var running = true
    private let logger: Logger

    /// Binds the ZAP endpoint in `context` and starts answering; throws if that bind fails (e.g. a handler already runs there).
    public convenience init(context: ZMQContext, authorizedKeys: AuthorizedKeys, domain: String = "scenefarm", logger: Logger = Logger(label: "scenefarm.zap")) throws {
        try self.init(context: context, domains: [(domain, authorizedKeys)], logger: logger)
    }

    /// A handler serving several domains, each with its own keys; the first is `domain`.
    public init(context: ZMQContext, domains: [(String, AuthorizedKeys)], logger: Logger = Logger(label: "scenefarm.zap")) throws {
        precondition(!domains.isEmpty, "a ZAP handler needs at least one domain")
        self.context = context
        self.domains = Dictionary(domains, uniquingKeysWith: { first, _ in first })
        self.domain = domains[0].0
        self.logger = logger
        self.controlEndpoint = "inproc://scenefarm.zap-control.\(UUID().uuidString)"
        let started = StartResult()
        let rules = Rules(domains: self.domains)
        let (context, control, finished) = (context, controlEndpoint, finished)
        let thread = Thread {
            ZAPAuthenticator.serve(context: context, control: control, rules: rules, logger: logger, started: started)
            finished.signal()
        }
        thread.name = "scenefarm.zap"
        thread.start()
        if let failure = started.wait() {
            running = false
            finished.wait()
            throw SecurityError.zapHandlerFailed(reason: failure)
        }
    }

    deinit {
        stop()
    }

    /// Stops answering and waits for the handler thread to end; CURVE clients can no longer connect afterwards.
    public func stop() {
        lock.lock()
        let wasRunning = running
        running = false
        lock.unlock()
        guard wasRunning else { return }
        // Skip the signal if the thread already ended on its own (context terminated).
        if finished.wait(timeout: .now()) == .success { return }
        do {
            let signal = try ZMQSocket(context: context, kind: .pair, linger: .seconds(1))
            try signal.setSendTimeout(.seconds(1))
            try signal.connect(controlEndpoint)
            try signal.send([Data("STOP".utf8)])
        } catch {
            logger.error("ZAP handler: cannot signal stop: \(error)")
        }
        finished.wait()
    }

    // MARK: Handler thread

    private struct Rules: Sendable {
        let domains: [String: AuthorizedKeys]
    }

    /// Hands the bind outcome from the handler thread to `init`.
    private final class StartResult: @unchecked Sendable {
        private let ready = DispatchSemaphore(value: 0)
        private var failure: String?

        func report(_ failure: String?) {
            self.failure = failure
            ready.signal()
        }

        /// The semaphore orders the write in `report` before this read.
        func wait() -> String? {
            ready.wait()
            return failure
        }
    }

    private static func serve(context: ZMQContext, control: String, rules: Rules, logger: Logger, started: StartResult) {
        let zap: ZMQSocket
        let stop: ZMQSocket
        do {
            zap = try ZMQSocket(context: context, kind: .rep, linger: .zero)
            do {
                try zap.bind(endpoint)
            } catch {
                guard case .call(_, _, EADDRINUSE, _) = error else { throw error }
                started.report("\(endpoint) is already bound in this context; run one ZAPAuthenticator per context")
                return
            }
            stop = try ZMQSocket(context: context, kind: .pair, linger: .zero)
            try stop.bind(control)
        } catch {
            started.report(String(describing: error))
            return
        }
        started.report(nil)
        // Closing a socket leaves its inproc endpoints to libzmq's reaper thread, so a handler
        // started right after `stop()` could find the endpoint still taken; unbinding is synchronous.
        defer { try? zap.unbind(endpoint) }
        let poller = ZMQPoller([zap, stop])
        do {
            while true {
                let ready = try poller.poll(timeout: nil)
                if ready.contains(1) { return }
                guard ready.contains(0), let request = try zap.receive(timeout: .zero) else { continue }
                try zap.send(reply(to: request, rules: rules, logger: logger))
            }
        } catch TransportError.contextTerminated {
            return
        } catch {
            logger.error("ZAP handler stopped: \(error)")
        }
    }

    /// Answers one ZAP request: [version, request id, domain, address, routing id, mechanism, credentials…].
    private static func reply(to request: [Data], rules: Rules, logger: Logger) -> [Data] {
        func answer(_ code: String, _ text: String, user: String = "") -> [Data] {
            let requestID = request.count > 1 ? request[1] : Data()
            return [Data("1.0".utf8), requestID, Data(code.utf8), Data(text.utf8), Data(user.utf8), Data()]
        }
        guard request.count >= 6 else { return answer("500", "malformed ZAP request: \(request.count) frames") }
        guard request[0] == Data("1.0".utf8) else { return answer("500", "unsupported ZAP version") }
        let address = String(decoding: request[3], as: UTF8.self)
        let domain = String(decoding: request[2], as: UTF8.self)
        let mechanism = String(decoding: request[5], as: UTF8.self)
        guard let keys = rules.domains[domain] else {
            logger.warning("ZAP: denied \(address): domain '\(LogText.quoted(domain))' is not served")
            return answer("400", "unknown ZAP domain")
        }
        guard mechanism == "CURVE" else {
            logger.warning("ZAP: denied \(address): mechanism \(mechanism), only CURVE is allowed")
            return answer("400", "mechanism \(mechanism) not allowed")
        }
        guard request.count == 7, let key = CurveKeyPair.z85(request[6]) else {
            return answer("500", "malformed CURVE credentials")
        }
        guard let name = keys.name(for: key) else {
            logger.warning("ZAP: denied \(address): CURVE key \(key) is not authorised for \(domain)")
            return answer("400", "client key not authorised")
        }
        logger.info("ZAP: admitted \(address) as '\(name)' (\(domain))")
        return answer("200", "OK", user: name)
    }
}
