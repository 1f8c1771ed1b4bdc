import Farm
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// The coordinator's HTTP server: the dashboard, /api/v1 and /metrics, on SwiftNIO threads of
/// its own. It reads the coordinator's snapshots and queues actions; it never waits on the loop.
public final class WebServer: Sendable {
    /// Where it listens, e.g. `http://127.0.0.1:8080`.
    public let url: String
    private let group: ServiceGroup
    private let stopping: StopFlag
    private let finished: DispatchSemaphore

    /// Starts serving `coordinator` and returns once the socket is bound; throws if it cannot be.
    public init(coordinator: Coordinator, config: WebConfig, logger: Logger = Logger(label: "scenefarm.http")) throws {
        try config.check()
        let metrics = FarmMetrics()
        try coordinator.publishSnapshots(every: .milliseconds(500), observer: metrics)
        let stopping = StopFlag()
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: WebGuard(config: config))
        APIRoutes(coordinator: coordinator, metrics: metrics, stopping: stopping).register(on: router)
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.render(coordinator.snapshot))))
        }
        DashboardRoutes(coordinator: coordinator, config: config).register(on: router)

        let bound = BoundAddress()
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(config.host, port: config.port), serverName: nil, reuseAddress: false),
            onServerRunning: { channel in bound.set(.success(channel.localAddress?.port ?? config.port)) },
            logger: logger
        )
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [], logger: logger))
        let finished = DispatchSemaphore(value: 0)
        Task.detached {
            do {
                try await group.run()
            } catch {
                bound.set(.failure(error))
            }
            finished.signal()
        }
        let port: Int
        switch bound.wait() {
        case .success(let value): port = value
        case .failure(let error): throw WebError.cannotBind("\(config.host):\(config.port)", "\(error)")
        }
        let host = config.host.contains(":") ? "[\(config.host)]" : config.host
        url = "http://\(host):\(port)"
        self.group = group
        self.stopping = stopping
        self.finished = finished
        logger.info("http listening on \(url)")
    }

    /// Stops serving (open event streams end within a quarter second) and waits up to 5 s.
    public func stop() {
        stopping.raise()
        let group = self.group
        Task.detached { await group.triggerGracefulShutdown() }
        _ = finished.wait(timeout: .now() + 5)
    }
}

/// The bound port, or why binding failed, handed from the server's task to `init`.
private final class BoundAddress: @unchecked Sendable {
    private let lock = NSLock()
    private let ready = DispatchSemaphore(value: 0)
    private var result: Result<Int, any Error>?

    func set(_ value: Result<Int, any Error>) {
        lock.lock()
        defer { lock.unlock() }
        guard result == nil else { return }
        result = value
        ready.signal()
    }

    func wait() -> Result<Int, any Error> {
        ready.wait()
        lock.lock()
        defer { lock.unlock() }
        return result!
    }
}
