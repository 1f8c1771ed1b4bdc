import Farm
import Foundation
import Prometheus

/// The coordinator's Prometheus metrics. Histograms are fed as things happen (`FarmObserver`);
/// counts and gauges are brought up to date from the loop's snapshot at each scrape, so a scrape
/// never reaches into the loop.
public final class FarmMetrics: FarmObserver, @unchecked Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let lock = NSLock()
    /// Counter values already added, by counter name.
    private var counted: [String: Int] = [:]
    private var heartbeatGauges: [String: Gauge] = [:]
    private var taskDurations: [String: ValueHistogram] = [:]
    /// Per-frame stage histograms, by stage and node.
    private var frameStages: [String: ValueHistogram] = [:]
    private let storeWrites: ValueHistogram

    static let taskBuckets: [Double] = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600]
    static let frameBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]
    /// Stages a node times per frame (`FrameTimings.Frame`), with their metric's help.
    static let frameStageHelp: [(stage: String, help: String)] = [
        ("generate", "Seconds each frame spent in the generator, as its node reported them in RESULT, by node."),
        ("convert", "Seconds each final frame spent in OpenColorIO (ACEScg to the plate colour space), as its node reported them, by node."),
        ("write", "Seconds writing each OpenEXR frame (rename into place included), as its node reported them, by node."),
    ]
    static let storeBuckets: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]

    /// Counters mirrored from the snapshot: metric name, help, and how to read it.
    private static let counters: [(name: String, help: String, read: @Sendable (FarmSnapshot) -> Int)] = [
        ("scenefarm_dispatches_total", "Tasks sent to nodes (leases granted).", { $0.stats.dispatched }),
        ("scenefarm_completions_total", "Task results accepted.", { $0.stats.completed }),
        ("scenefarm_requeues_total", "Leased tasks put back in the queue without a failure (node died, left or lost it).", { $0.stats.requeued }),
        ("scenefarm_retries_total", "Failed attempts whose task went back to the queue for another attempt (job store history).", { $0.attemptResults[AttemptRecord.Result.retried.rawValue] ?? 0 }),
        ("scenefarm_dropped_messages_total", "Malformed, unknown, oversized or unauthenticated messages dropped.", { $0.stats.dropped }),
        ("scenefarm_stale_messages_total", "Results or files for attempts the sender does not hold.", { $0.stats.staleIgnored }),
        ("scenefarm_nodes_lost_total", "Nodes declared dead after falling silent.", { $0.stats.nodesLost }),
        ("scenefarm_leases_timed_out_total", "Leases that ran out (counted as failed attempts).", { $0.stats.leasesTimedOut }),
        ("scenefarm_results_rejected_total", "Results whose files did not check out on storage.", { $0.stats.resultsRejected }),
        ("scenefarm_files_refused_total", "Transfer-mode files refused (outside the sender's attempt folder).", { $0.stats.filesRefused }),
        ("scenefarm_frames_written_total", "Final plate frames written by finished generate and blend tasks (job store history).", { $0.framesWritten }),
    ]

    public init() {
        storeWrites = registry.makeValueHistogram(name: "scenefarm_store_write_seconds", buckets: Self.storeBuckets,
                                                  help: "Seconds SQLite spent in each job-store write transaction.")
        for kind in TaskKind.allCases { _ = taskHistogram(kind.rawValue) }
    }

    // MARK: - FarmObserver

    public func attemptEnded(kind: String, node: String, seconds: Double) {
        taskHistogram(kind).record(seconds)
    }

    public func storeWrite(seconds: Double) {
        storeWrites.record(seconds)
    }

    public func framesTimed(kind: String, node: String, timings: FrameTimings) {
        let generate = frameHistogram("generate", node: node), convert = frameHistogram("convert", node: node), write = frameHistogram("write", node: node)
        for frame in timings.frames {
            if let seconds = frame.generate { generate.record(seconds) }
            if let seconds = frame.convert { convert.record(seconds) }
            write.record(frame.write)
        }
    }

    private func frameHistogram(_ stage: String, node: String) -> ValueHistogram {
        lock.lock()
        defer { lock.unlock() }
        let key = "\(stage)/\(node)"
        if let known = frameStages[key] { return known }
        let help = Self.frameStageHelp.first { $0.stage == stage }?.help ?? ""
        let made = registry.makeValueHistogram(name: "scenefarm_frame_\(stage)_seconds", labels: [("node", node)], buckets: Self.frameBuckets, help: help)
        frameStages[key] = made
        return made
    }

    private func taskHistogram(_ kind: String) -> ValueHistogram {
        lock.lock()
        defer { lock.unlock() }
        if let known = taskDurations[kind] { return known }
        let made = registry.makeValueHistogram(name: "scenefarm_task_duration_seconds", labels: [("kind", kind)], buckets: Self.taskBuckets,
                                               help: "Wall-clock seconds of each task attempt, from lease to its end (any result), by task kind.")
        taskDurations[kind] = made
        return made
    }

    // MARK: - Exposition

    /// The Prometheus text exposition (format 0.0.4) after bringing counts up to `snapshot`.
    public func render(_ snapshot: FarmSnapshot) -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        for counter in Self.counters {
            let value = counter.read(snapshot), previous = counted[counter.name] ?? 0
            let made = registry.makeCounter(name: counter.name, help: counter.help)
            // Only ever up: the snapshot's counts never fall within one coordinator process.
            if value > previous {
                made.increment(by: Int64(value - previous))
                counted[counter.name] = value
            }
        }
        for state in JobState.allCases {
            registry.makeGauge(name: "scenefarm_jobs", labels: [("state", state.rawValue)], help: "Jobs in the job store by state.")
                .set(Double(snapshot.jobCounts[state.rawValue] ?? 0))
        }
        for kind in TaskKind.allCases {
            for state in [TaskState.waiting, .ready, .leased, .done, .failed, .cancelled] {
                registry.makeGauge(name: "scenefarm_tasks", labels: [("kind", kind.rawValue), ("state", state.rawValue)],
                                   help: "Tasks of queued and running jobs by kind and state.")
                    .set(Double(snapshot.activeTasks[kind.rawValue]?[state.rawValue] ?? 0))
            }
        }
        for state in ["idle", "busy", "draining", "drained", "offline"] {
            registry.makeGauge(name: "scenefarm_nodes", labels: [("state", state)],
                               help: "Nodes by state (offline: drained and not connected).")
                .set(Double(snapshot.nodes.filter { $0.state == state }.count))
        }
        var seen: Set<String> = []
        for node in snapshot.nodes {
            guard let age = node.heartbeatAgeSeconds else { continue }
            seen.insert(node.name)
            let gauge = heartbeatGauges[node.name] ?? registry.makeGauge(
                name: "scenefarm_node_heartbeat_age_seconds", labels: [("node", node.name)], help: "Seconds since each connected node last spoke.")
            heartbeatGauges[node.name] = gauge
            gauge.set(age)
        }
        for (name, gauge) in heartbeatGauges where !seen.contains(name) {
            registry.unregisterGauge(gauge)
            heartbeatGauges[name] = nil
        }
        registry.makeGauge(name: "scenefarm_snapshot_age_seconds", help: "Seconds since the coordinator's loop published the state these metrics read.")
            .set(max(0, Date().timeIntervalSince(snapshot.takenAt)))
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
