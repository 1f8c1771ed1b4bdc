import ArgumentParser
import Farm
import FarmPostgres
import FarmWeb
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Chunking
import Inference
import Logging
import ShotSpec

struct BenchFarmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "farm",
        abstract: "Scheduler throughput with no-op tasks (goal ≥ 1000/s), time from a node's death to its task being re-dispatched (goal ≤ 3 s), and a CPU-bound shot on 1 vs 2 nodes.",
        discussion: "Coordinator and nodes run in this process over TCP loopback with the real protocol and job store."
    )

    @Option(help: "No-op tasks for the throughput run.") var tasks = 2000
    @Option(help: "Nodes for the throughput run.") var nodes = 4
    @Option(help: "Slots per node for the throughput run.") var slots = 4
    @Option(help: "Finished jobs already in the store before the throughput run, as a farm that has run for months holds (three finished tasks each).")
    var history = 0
    @Option(help: "Shot for the 1-vs-2-node run (default Farm/shots/courtyard_short.yaml at 480x270).") var shot: String?
    @Flag(help: "Only the scaling run: 1, 2 and 4 node processes (as the cores allow), each pinned to its own core with taskset and --threads 1, on Farm/shots/courtyard_long.yaml at 320x180 (or --shot); speed-ups printed beside the ideal.")
    var scaling = false
    @Option(help: "Runs of each node count for --scaling, or of each side for --dashboard, --stores and --sweep; the median is reported with min–max.") var runs = 3
    @Flag(help: "Only the dashboard run: dispatch throughput of the same farm without and with the dashboard open (event stream, page refreshes) and /metrics scraped every second, alternating, --runs times each; medians with min–max and their ratio.")
    var dashboard = false
    @Flag(help: "Only the job-store run: dispatch throughput of the same farm on SQLite and on PostgreSQL 15 (a private cluster in a temporary folder, durable commits), alternating, --runs times each; medians with min–max and their ratio.")
    var stores = false
    @Flag(help: "Only the in-flight sweep: the job-store run at \(BenchFarmCommand.sweepSlots.map(String.init).joined(separator: ", ")) slots per node, --runs times each. A farm's no-op rate is the tasks it holds in flight over the time each takes to come back (Little's law); where more slots no longer raise it, the coordinator and its store are the limit (its dispatch rate).")
    var sweep = false

    /// Slots per node for `--sweep`.
    static let sweepSlots = [4, 8, 16, 32, 64]
    /// Slots per node of the farm whose rate the plain run reports as the coordinator's dispatch
    /// rate: the sweep's rate stops rising there on both stores (Docs/performance.md).
    static let dispatchRateSlots = 32

    func validate() throws {
        guard (1...1_000_000).contains(tasks) else { throw ValidationError("--tasks must be 1…1000000, got \(tasks)") }
        guard (1...64).contains(nodes) else { throw ValidationError("--nodes must be 1…64, got \(nodes)") }
        guard (1...64).contains(slots) else { throw ValidationError("--slots must be 1…64, got \(slots)") }
        guard (0...10_000_000).contains(history) else { throw ValidationError("--history must be 0…10000000, got \(history)") }
        guard (1...100).contains(runs) else { throw ValidationError("--runs must be 1…100, got \(runs)") }
        let modes = [("--scaling", scaling), ("--dashboard", dashboard), ("--stores", stores), ("--sweep", sweep)].filter(\.1).map(\.0)
        guard modes.count <= 1 else { throw ValidationError("\(modes.joined(separator: " and ")) are separate runs; give one of them") }
    }

    func run() throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .error
            return handler
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("scenefarm-bench-farm-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: work) }
        if scaling {
            try PinnedScaling(shot: shot, runs: max(1, runs)).run(work: work.appendingPathComponent("pinned"))
            return
        }
        if dashboard {
            try dashboardRuns(work: work)
            return
        }
        if stores {
            try storeRuns(work: work, slots: slots)
            return
        }
        if sweep {
            try sweepRuns(work: work)
            return
        }
        let plain = try throughput(work: work.appendingPathComponent("throughput"), dashboard: false)
        do {
            let postgres = try ScratchPostgres()
            defer { postgres.remove() }
            let onPostgres = try throughput(work: work.appendingPathComponent("throughput-postgres"), dashboard: false, store: postgresStore(postgres, "bench"), server: postgres)
            print(String(format: "dispatch by job store: %.0f tasks/s on SQLite, %.0f tasks/s on PostgreSQL (%.2fx; goal ≥ 1000 both)", plain, onPostgres, onPostgres / plain))
            // The same farm with enough slots that the coordinator, not the round trip, sets the rate.
            let wide = Self.dispatchRateSlots
            let sqliteWide = try throughput(work: work.appendingPathComponent("throughput-wide"), dashboard: false, slots: wide)
            let postgresWide = try throughput(work: work.appendingPathComponent("throughput-postgres-wide"), dashboard: false, slots: wide,
                                              store: postgresStore(postgres, "bench_wide"), server: postgres)
            print(String(format: "dispatch rate (%d nodes × %d slots, the coordinator the limit): %.0f tasks/s on SQLite, %.0f tasks/s on PostgreSQL (goal ≥ 1000 both)",
                         nodes, wide, sqliteWide, postgresWide))
        } catch {
            print("dispatch on PostgreSQL: not measured: \(error)")
        }
        let watched = try throughput(work: work.appendingPathComponent("throughput-dashboard"), dashboard: true)
        print(String(format: "dispatch with the dashboard: %.0f tasks/s without it, %.0f tasks/s with it open (event stream + page refresh on each update) and /metrics scraped every second (%.2fx; goal ≥ 1000 both)",
                     plain, watched, watched / plain))
        try redispatch(work: work.appendingPathComponent("redispatch"))
        try scaling(work: work.appendingPathComponent("scaling"))
    }

    /// Throughput without and with the dashboard, alternating so drift in the machine's load
    /// falls on both sides alike.
    private func dashboardRuns(work: URL) throws {
        var plain: [Double] = [], watched: [Double] = []
        for run in 0..<max(1, runs) {
            plain.append(try throughput(work: work.appendingPathComponent("plain-\(run)"), dashboard: false))
            watched.append(try throughput(work: work.appendingPathComponent("dashboard-\(run)"), dashboard: true))
        }
        let a = RunSpread(plain), b = RunSpread(watched), ratio = RunSpread(zip(watched, plain).map { $0 / $1 })
        print(String(format: "dispatch, %d run(s) each: without the dashboard median %.0f tasks/s (min %.0f, max %.0f); with it open and /metrics scraped every second median %.0f tasks/s (min %.0f, max %.0f); ratio with/without median %.2fx (min %.2f, max %.2f); goal ≥ 1000 tasks/s both",
                     plain.count, a.median, a.min, a.max, b.median, b.min, b.max, ratio.median, ratio.min, ratio.max))
    }

    /// Throughput on SQLite and on PostgreSQL, alternating so drift in the machine's load falls
    /// on both alike. PostgreSQL runs on this machine over its Unix socket with its defaults:
    /// every COMMIT waits for the WAL's fsync. SQLite promises less per commit: GRDB opens
    /// it in WAL mode with `synchronous = NORMAL`, which syncs at checkpoints, not per commit
    /// (a power cut may lose the last commits, never corrupt the file), so PostgreSQL pays an
    /// fsync per transaction that SQLite does not (Docs/performance.md says so with the numbers).
    @discardableResult
    private func storeRuns(work: URL, slots: Int, cluster: ScratchPostgres? = nil) throws -> (sqlite: RunSpread, postgres: RunSpread) {
        let postgres = try cluster ?? ScratchPostgres()
        defer { if cluster == nil { postgres.remove() } }
        var sqlite: [Double] = [], onPostgres: [Double] = []
        for run in 0..<max(1, runs) {
            sqlite.append(try throughput(work: work.appendingPathComponent("sqlite-\(slots)-\(run)"), dashboard: false, slots: slots))
            let database = "bench_\(slots)_\(run)"
            let store = try postgresStore(postgres, database)
            if history > 0 { try writeHistory(to: JobStore(backend: PostgresStore(postgres.url(database: database))), work: work.appendingPathComponent("postgres-\(slots)-\(run)")) }
            onPostgres.append(try throughput(work: work.appendingPathComponent("postgres-\(slots)-\(run)"), dashboard: false, slots: slots, store: store, server: postgres))
        }
        let a = RunSpread(sqlite), b = RunSpread(onPostgres), ratio = RunSpread(zip(onPostgres, sqlite).map { $0 / $1 })
        print(String(format: "dispatch by job store (%d nodes × %d slots), %d run(s) each: SQLite median %.0f tasks/s (min %.0f, max %.0f); PostgreSQL 15 median %.0f tasks/s (min %.0f, max %.0f); ratio PostgreSQL/SQLite median %.2fx (min %.2f, max %.2f); goal ≥ 1000 tasks/s both",
                     nodes, slots, sqlite.count, a.median, a.min, a.max, b.median, b.min, b.max, ratio.median, ratio.min, ratio.max))
        return (a, b)
    }

    /// The job-store run at each of `sweepSlots`, one cluster for all, then a table of the
    /// medians: where the rate stops rising with the tasks in flight, the coordinator is the limit.
    private func sweepRuns(work: URL) throws {
        let postgres = try ScratchPostgres()
        defer { postgres.remove() }
        var rows: [(slots: Int, sqlite: RunSpread, postgres: RunSpread)] = []
        for slots in Self.sweepSlots {
            let (sqlite, onPostgres) = try storeRuns(work: work, slots: slots, cluster: postgres)
            rows.append((slots, sqlite, onPostgres))
        }
        print("in flight | SQLite tasks/s, median (min–max) | PostgreSQL 15 tasks/s, median (min–max)")
        for row in rows {
            print(String(format: "%9d | %.0f (%.0f–%.0f) | %.0f (%.0f–%.0f)", nodes * row.slots,
                         row.sqlite.median, row.sqlite.min, row.sqlite.max, row.postgres.median, row.postgres.min, row.postgres.max))
        }
    }

    /// A fresh database on the bench's cluster and a store on it.
    private func postgresStore(_ cluster: ScratchPostgres, _ database: String) throws -> PostgresStore {
        try cluster.createDatabase(database)
        return try PostgresStore(cluster.url(database: database))
    }

    /// A spec of `chunks` one-frame-per-second chunks with no overlap: that many generate tasks.
    private func noopSpec(_ folder: URL, chunks: Int) throws -> String {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("noop.yaml").path
        try Self.noopSpecText(chunks: chunks).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The no-op shot the throughput run submits: `chunks` chunks of 10 frames, so three tasks
    /// (lighting, generate, publish) per chunk; `bench wire` times its TASK.
    static func noopSpecText(chunks: Int) -> String {
        """
        show: bench
        shot: noop
        fps: 1
        frames: {count: \(chunks * 10)}
        resolution: [16, 16]
        generator: {name: testpattern}
        output: {version: next}
        chunking: {overlap: 0}
        """
    }

    /// Jobs are queued while every node is drained, then the nodes are resumed: the clock
    /// measures dispatch, the protocol round trip and the job store, not submission.
    private func throughput(work: URL, dashboard: Bool, slots: Int? = nil, store: (any StoreBackend)? = nil, server: ScratchPostgres? = nil) throws -> Double {
        let slots = slots ?? self.slots
        let spec = try noopSpec(work, chunks: 1)
        if history > 0, store == nil { try writeHistory(to: JobStore(directory: work.appendingPathComponent("state")), work: work) }
        let jobs = max(1, tasks / 3)
        let farm = try BenchFarm(work: work, nodes: nodes, slots: slots, store: store) { _ in TaskOutcome() }
        defer { farm.shutdown() }
        let viewer = dashboard ? try DashboardViewer(farm.coordinator) : nil
        defer { viewer?.stop() }
        for node in farm.farmNodes { _ = try farm.client.setDrained(node.name, true) }
        for _ in 0..<jobs { _ = try farm.submit(spec) }
        let trafficBefore = store?.traffic
        let statsBefore = farm.coordinator.stats
        let cpuBefore = (process: SceneLitBenchmark.processCPUSeconds(), server: server?.serverCPUSeconds() ?? 0)
        let start = ContinuousClock.now
        for node in farm.farmNodes { _ = try farm.client.setDrained(node.name, false) }
        let total = jobs * 3
        // The clock stops when the coordinator has recorded every task, read from its counters
        // in this process (1 ms apart). A client asking STATUS every 10 ms, as this bench did
        // until ea035da, read the store for it: a tenth of the PostgreSQL server's work in the
        // clock, at a rate no wrangler's client asks. A job that fails instead ends the wait by
        // STATUS, asked once a second.
        var lastStatus = ContinuousClock.now
        while farm.coordinator.stats.completed - statsBefore.completed < total {
            Thread.sleep(forTimeInterval: 0.001)
            if ContinuousClock.now - lastStatus > .seconds(1) {
                lastStatus = .now
                if try farm.client.status().allSatisfy({ $0.state.isFinal }) { break }
            }
        }
        let seconds = (ContinuousClock.now - start).seconds
        // CPU per task, which the machine's load disturbs less than the wall clock (not to
        // nothing: a busy host slows each instruction too): what a change saved in this process
        // (coordinator, nodes and client alike) and in the server.
        let cpu = SceneLitBenchmark.processCPUSeconds() - cpuBefore.process, serverCPU = (server?.serverCPUSeconds() ?? 0) - cpuBefore.server
        print(String(format: "  CPU in the clock: %.0f µs per task in this process%@ (%.2f of %d cores busy over the run)",
                     cpu / Double(total) * 1e6, server == nil ? "" : String(format: ", %.0f µs per task in the database server", serverCPU / Double(total) * 1e6),
                     (cpu + serverCPU) / seconds, ProcessInfo.processInfo.activeProcessorCount))
        if let before = trafficBefore, let after = store?.traffic {
            // Where the loop waited on the server: the round trips per task and per pass show
            // what a change to the write path saved, independently of the machine's load.
            let traffic = after.since(before), stats = farm.coordinator.stats
            let passes = stats.dispatchPasses - statsBefore.dispatchPasses, batches = stats.resultBatches - statsBefore.resultBatches
            print(String(format: "  store traffic in the clock: %d round trips waited (%.2f per task), %.3f s waiting (%.0f µs each; %.3f s of it for COMMIT), %d statements, %d write transactions, %d reads (and %d status reads off the loop, not waited for); %d dispatch passes, %d result batches",
                         traffic.waits, Double(traffic.waits) / Double(total), traffic.waitSeconds, traffic.waitSeconds / Double(max(1, traffic.waits)) * 1e6, traffic.commitSeconds,
                         traffic.statements, traffic.transactions, traffic.reads, traffic.asideReads, passes, batches))
        }
        // Outside the clock: the finished jobs themselves (a STATUS lists at most 10,000 of them).
        let checked = min(jobs, TargetBody.maxFinishedListed)
        let done = try farm.client.status(finished: checked).filter { $0.state == .done }.count
        print(String(format: "dispatch%@%@: %d no-op tasks (%d jobs × lighting, generate, publish) through 1 coordinator and %d nodes × %d slots in %.2f s = %.0f tasks/s (goal ≥ 1000: %.2fx); %d/%d%@ jobs done%@",
                     dashboard ? " (dashboard open)" : "", store == nil ? "" : " (PostgreSQL store)", total, jobs, nodes, slots, seconds, Double(total) / seconds, Double(total) / seconds / 1000, done, checked, checked < jobs ? " (the last listed)" : "",
                     viewer.map { String(format: "; %d metrics scrapes, %d page refreshes", $0.scrapes, $0.refreshes) } ?? ""))
        return Double(total) / seconds
    }

    /// `--history` finished copies of the no-op job, written before the farm starts.
    private func writeHistory(to store: JobStore, work: URL) throws {
        let spec = try ShotSpecLoader.load(path: try noopSpec(work, chunks: 1))
        let template = ShotJob(id: "template", spec: spec, storageRoot: work, version: 1, plan: try ChunkPlanner.plan(spec), mode: .parallel,
                               ocioConfig: nil, owner: "bench", submittedAt: Date(timeIntervalSince1970: 0))
        try store.writeHistory(jobs: history, like: template)
    }

    private func redispatch(work: URL) throws {
        let spec = try noopSpec(work, chunks: 1)
        let started = Gate()
        let picked = Gate()
        // The first node to get the generate task hangs (as if busy) and is then killed; the
        // other node records when the task reaches it.
        let farm = try BenchFarm(work: work, nodes: 2, slots: 1) { body in
            if body.task.kind == .generate {
                if started.openOnce() {
                    while true { Thread.sleep(forTimeInterval: 0.05) }
                }
                picked.open()
            }
            return TaskOutcome()
        }
        defer { farm.shutdown() }
        _ = try farm.submit(spec)
        while !started.isOpen { Thread.sleep(forTimeInterval: 0.005) }
        guard let victim = try farm.client.nodes().first(where: { !$0.running.isEmpty })?.name else {
            throw fail("re-dispatch run: no node holds the task", code: ExitCodes.failure)
        }
        let killed = ContinuousClock.now
        farm.kill(named: victim)
        while !picked.isOpen { Thread.sleep(forTimeInterval: 0.005) }
        let seconds = (ContinuousClock.now - killed).seconds
        print(String(format: "re-dispatch: a node died mid-task; its task reached another node %.2f s later (goal ≤ 3 s; heartbeat 1 s, liveness 3)", seconds))
    }

    private func scaling(work: URL) throws {
        let source = shot ?? "\(Repository.shots)/courtyard_short.yaml"
        var text = try String(contentsOfFile: source, encoding: .utf8)
        if shot == nil { text = text.replacingOccurrences(of: "resolution: [960, 540]", with: "resolution: [480, 270]") }
        var results: [Double] = []
        for count in [1, 2] {
            let folder = work.appendingPathComponent("n\(count)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let spec = folder.appendingPathComponent("shot.yaml").path
            try text.write(toFile: spec, atomically: true, encoding: .utf8)
            let farm = try BenchFarm(work: folder, nodes: count, slots: 1, handler: nil)
            let start = ContinuousClock.now
            let status = try farm.client.wait(job: try farm.submit(spec), every: .milliseconds(50))
            results.append((ContinuousClock.now - start).seconds)
            farm.shutdown()
            guard status.state == .done else { throw fail("scaling run: job \(status.state.rawValue): \(status.error ?? "")", code: ExitCodes.failure) }
        }
        print(String(format: "scaling: %@ on 1 node %.2f s, on 2 nodes %.2f s (speed-up %.2fx on %d cores; each node already renders on every core)",
                     URL(fileURLWithPath: source).lastPathComponent as NSString, results[0], results[1], results[0] / results[1], ProcessInfo.processInfo.activeProcessorCount))
    }
}

/// A coordinator and nodes in this process on TCP loopback, for the benchmarks.
private final class BenchFarm {
    let coordinator: Coordinator
    var farmNodes: [FarmNode] = []
    let client: FarmClient
    let storage: URL

    init(work: URL, nodes: Int, slots: Int, store: (any StoreBackend)? = nil, handler: (@Sendable (TaskBody) throws -> TaskOutcome)?) throws {
        storage = work.appendingPathComponent("storage")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        let context = try ZMQContext()
        var config = CoordinatorConfig(
            nodeEndpoint: "tcp://127.0.0.1:*", clientEndpoint: "tcp://127.0.0.1:*",
            stateDirectory: work.appendingPathComponent("state"), storageRoot: storage
        )
        // No-op tasks write nothing: accept their results as reported (the scaling run renders
        // for real and keeps the checks).
        config.checksResults = handler == nil
        config.store = store
        coordinator = try Coordinator(config: config, context: context)
        coordinator.start()
        for i in 0..<nodes {
            var config = NodeConfig(coordinator: coordinator.boundNodeEndpoint, name: "bench-\(i)", slots: slots, storageRoot: storage)
            config.taskHandler = handler
            let node = try FarmNode(config: config, context: context)
            node.start()
            farmNodes.append(node)
        }
        client = try FarmClient(endpoint: coordinator.boundClientEndpoint, context: context, timeout: .seconds(30))
        while try client.nodes().count < nodes { Thread.sleep(forTimeInterval: 0.01) }
    }

    func submit(_ spec: String) throws -> String {
        let url = URL(fileURLWithPath: spec)
        return try client.submit(specText: try String(contentsOf: url, encoding: .utf8), specName: spec, baseDirectory: url.deletingLastPathComponent().path)
    }

    /// Stops a node without a goodbye, as a crash would.
    func kill(named name: String) {
        farmNodes.first { $0.name == name }?.stop()
    }

    func shutdown() {
        for node in farmNodes { node.stop() }
        coordinator.stop()
        Thread.sleep(forTimeInterval: 0.2)
    }
}

/// A one-way latch shared with task handlers.
private final class Gate: @unchecked Sendable {
    private let lock = NSLock()
    private var opened = false

    var isOpen: Bool {
        lock.lock()
        defer { lock.unlock() }
        return opened
    }

    func open() {
        lock.lock()
        opened = true
        lock.unlock()
    }

    /// Opens the gate; true only for the caller that opened it.
    func openOnce() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if opened { return false }
        opened = true
        return true
    }
}

/// What a wrangler's open dashboard and a Prometheus server do to a coordinator: an event
/// stream held open, the jobs fragment fetched again on each update (at most twice a second,
/// as the page's script does) and /metrics scraped every second.
private final class DashboardViewer: @unchecked Sendable {
    private let server: WebServer
    private let stream: Process
    private let lock = NSLock()
    private var stopped = false
    private var counts = (scrapes: 0, refreshes: 0)
    private let done = DispatchGroup()

    init(_ coordinator: Coordinator) throws {
        server = try WebServer(coordinator: coordinator, config: WebConfig(host: "127.0.0.1", port: 0, tokens: BearerTokens(["bench-token-0123456789"])))
        stream = Process()
        stream.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        stream.arguments = ["curl", "-sN", "\(server.url)/api/v1/events"]
        stream.standardOutput = FileHandle.nullDevice
        stream.standardError = FileHandle.nullDevice
        try stream.run()
        poll(every: 1.0) { [self] in fetch("/metrics"); lock.withLock { counts.scrapes += 1 } }
        poll(every: 0.5) { [self] in fetch("/fragments/jobs"); lock.withLock { counts.refreshes += 1 } }
    }

    var scrapes: Int { lock.withLock { counts.scrapes } }
    var refreshes: Int { lock.withLock { counts.refreshes } }

    private func poll(every seconds: Double, _ body: @escaping @Sendable () -> Void) {
        done.enter()
        Thread.detachNewThread { [self] in
            while !lock.withLock({ stopped }) {
                body()
                Thread.sleep(forTimeInterval: seconds)
            }
            done.leave()
        }
    }

    private func fetch(_ path: String) {
        guard let url = URL(string: server.url + path) else { return }
        let finished = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: url) { _, _, _ in finished.signal() }.resume()
        _ = finished.wait(timeout: .now() + 10)
    }

    func stop() {
        lock.withLock { stopped = true }
        done.wait()
        stream.terminate()
        server.stop()
    }
}
