import Farm
import Foundation
import Hummingbird

/// GET /api/v1/events: Server-Sent Events. An `update` event (data: the snapshot's version and
/// job and node counts) goes out within 250 ms of each new snapshot the loop publishes; a comment
/// every 15 s keeps proxies from closing the stream; the stream ends after 10 minutes (browsers
/// reconnect) or when the server stops.
struct EventStream {
    let coordinator: Coordinator
    let stopping: StopFlag

    static let poll: Duration = .milliseconds(250)
    static let keepAlive: Duration = .seconds(15)
    static let lifetime: Duration = .seconds(600)

    func response() -> Response {
        let coordinator = self.coordinator, stopping = self.stopping
        let body = ResponseBody { writer in
            let end = ContinuousClock.now + Self.lifetime
            var lastVersion = -1
            var lastWrite = ContinuousClock.now
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            while ContinuousClock.now < end && !stopping.isSet {
                let snapshot = coordinator.snapshot
                if snapshot.version != lastVersion {
                    lastVersion = snapshot.version
                    let data = APIDocuments.data([
                        "version": snapshot.version, "jobs": snapshot.jobs.count, "nodes": snapshot.nodes.count,
                        "takenAt": ISO8601DateFormatter().string(from: snapshot.takenAt),
                    ] as [String: Any])
                    try await writer.write(ByteBuffer(string: "event: update\nid: \(snapshot.version)\ndata: \(String(decoding: data, as: UTF8.self))\n\n"))
                    lastWrite = .now
                } else if ContinuousClock.now - lastWrite >= Self.keepAlive {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    lastWrite = .now
                }
                try await Task.sleep(for: Self.poll)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"], body: body)
    }
}

/// Set once when the server begins to stop, so long-lived streams end.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var set = false

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return set
    }

    func raise() {
        lock.lock()
        set = true
        lock.unlock()
    }
}
