import Farm
import Foundation
import Hummingbird

/// /api/v1: reads answer from the coordinator's latest snapshot; actions are queued to its loop
/// and answered as the same ZeroMQ client requests would be.
struct APIRoutes {
    let coordinator: Coordinator
    let metrics: FarmMetrics
    let stopping: StopFlag

    /// How long an action waits for the loop's answer.
    static let actionTimeout: Double = 10
    /// Largest action body read (a priority's JSON is a few bytes).
    static let maxActionBody = 4096

    func register(on router: Router<BasicRequestContext>) {
        let api = router.group("/api/v1")
        api.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        api.get("farm") { _, _ in WebGuard.json(APIDocuments.farm(coordinator.snapshot)) }
        api.get("jobs") { request, _ in
            let snapshot = coordinator.snapshot
            var jobs = snapshot.jobs
            if let filter = request.uri.queryParameters.get("state") {
                guard let state = JobState(rawValue: filter) else {
                    return WebGuard.json(APIDocuments.error("bad_request", "state must be one of \(JobState.allCases.map(\.rawValue).joined(separator: ", "))"), status: .badRequest)
                }
                jobs = jobs.filter { $0.state == state }
            }
            return WebGuard.json(["jobs": jobs.map(APIDocuments.summary)])
        }
        api.get("jobs/:job") { _, context in
            let snapshot = coordinator.snapshot
            guard let job = snapshot.job(try context.parameters.require("job")) else { return Self.noJob() }
            return WebGuard.json(APIDocuments.detail(job, storageRoot: snapshot.storageRoot))
        }
        api.get("jobs/:job/tasks") { _, context in
            guard let job = coordinator.snapshot.job(try context.parameters.require("job")) else { return Self.noJob() }
            return WebGuard.json(["tasks": APIDocuments.object(job.tasks)])
        }
        api.get("jobs/:job/report") { _, context in
            let snapshot = coordinator.snapshot
            guard let job = snapshot.job(try context.parameters.require("job")) else { return Self.noJob() }
            guard let url = APIDocuments.publishedFiles(job, storageRoot: snapshot.storageRoot)?.report, let data = try? Data(contentsOf: url),
                  (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else {
                return WebGuard.json(APIDocuments.error("not_found", "job \(job.id) has no published report"), status: .notFound)
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
        api.get("jobs/:job/files/:name") { _, context in
            let snapshot = coordinator.snapshot
            guard let job = snapshot.job(try context.parameters.require("job")) else { return Self.noJob() }
            let name = try context.parameters.require("name")
            guard APIDocuments.isServableName(name), let files = APIDocuments.publishedFiles(job, storageRoot: snapshot.storageRoot),
                  files.proxies.contains(name) || files.contactSheet == name,
                  let data = try? Data(contentsOf: files.folder.appendingPathComponent("proxy").appendingPathComponent(name)) else {
                return WebGuard.json(APIDocuments.error("not_found", "no such image in job \(job.id)'s published version"), status: .notFound)
            }
            let type = name.lowercased().hasSuffix(".png") ? "image/png" : "image/jpeg"
            return Response(status: .ok, headers: [.contentType: type, .cacheControl: "private, max-age=3600"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
        api.get("nodes") { _, _ in WebGuard.json(["nodes": APIDocuments.object(coordinator.snapshot.nodes)]) }
        api.get("versions") { _, _ in WebGuard.json(APIDocuments.versions(coordinator.snapshot)) }
        api.get("events") { _, _ in EventStream(coordinator: coordinator, stopping: stopping).response() }

        api.post("jobs/:job/cancel") { _, context in try await act(.cancel(job: context.parameters.require("job")), job: context.parameters.require("job")) }
        api.post("jobs/:job/retry") { _, context in
            let id = try context.parameters.require("job")
            guard let job = coordinator.snapshot.job(id) else { return Self.noJob() }
            guard job.state == .failed || job.state == .cancelled else {
                return WebGuard.json(APIDocuments.error("conflict", "job \(id) is \(job.state.rawValue); only failed or cancelled jobs are retried"), status: .conflict)
            }
            return await act(.retry(job: id), job: id)
        }
        api.post("jobs/:job/priority") { request, context in
            let id = try context.parameters.require("job")
            // The body is small JSON, {"priority": N}; read with a cap so a large one costs nothing.
            let body = try? await request.body.collect(upTo: Self.maxActionBody)
            guard let body, let priority = try? JSONDecoder().decode(PriorityRequest.self, from: Data(buffer: body)).priority else {
                return WebGuard.json(APIDocuments.error("bad_request", "send a JSON body {\"priority\": N} with an integer N in \(JobPriority.range.lowerBound)…\(JobPriority.range.upperBound)"), status: .badRequest)
            }
            if let problem = JobPriority.problem(priority) { return WebGuard.json(APIDocuments.error("bad_request", problem), status: .badRequest) }
            // Not gated on the snapshot: a job submitted in the last half second is not in it yet.
            return await act(.priority(job: id, priority: priority), job: id)
        }
        api.post("nodes/:node/drain") { _, context in try await nodeAction(context, drain: true) }
        api.post("nodes/:node/resume") { _, context in try await nodeAction(context, drain: false) }
    }

    static func noJob() -> Response {
        WebGuard.json(APIDocuments.error("not_found", "no such job on this coordinator"), status: .notFound)
    }

    private func nodeAction(_ context: BasicRequestContext, drain: Bool) async throws -> Response {
        let name = try context.parameters.require("node")
        guard NodeName.isValid(name) else {
            return WebGuard.json(APIDocuments.error("bad_request", "a node name is \(NodeName.rule)"), status: .badRequest)
        }
        return await act(drain ? .drain(node: name) : .resume(node: name), job: nil)
    }

    /// Queues `action` and turns the loop's answer into a response.
    private func act(_ action: FarmAction, job: String?) async -> Response {
        let reply: FarmActionReply? = await withCheckedContinuation { continuation in
            let once = Once(continuation)
            guard coordinator.perform(action, reply: { once.resume($0) }) else { return once.resume(nil) }
            DispatchQueue.global().asyncAfter(deadline: .now() + Self.actionTimeout) { once.resume(nil) }
        }
        switch reply {
        case .done(let body)?:
            return WebGuard.json(APIDocuments.action(body))
        case .refused(let error)?:
            if error.code == "bad_input" {
                // The snapshot knows the job: it exists, so the request conflicts with its state.
                let known = job.map { coordinator.snapshot.job($0) != nil } ?? true
                return WebGuard.json(APIDocuments.error(known ? "conflict" : "not_found", error.message), status: known ? .conflict : .notFound)
            }
            return WebGuard.json(APIDocuments.error("failure", error.message), status: .serviceUnavailable)
        case nil:
            return WebGuard.json(APIDocuments.error("busy", "the coordinator did not answer in time; try again"), status: .serviceUnavailable)
        }
    }
}

/// The body of POST /api/v1/jobs/{job}/priority.
private struct PriorityRequest: Decodable {
    var priority: Int
}

/// Resumes a continuation once, whichever of the answer and the timeout comes first.
private final class Once: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<FarmActionReply?, Never>?

    init(_ continuation: CheckedContinuation<FarmActionReply?, Never>) { self.continuation = continuation }

    func resume(_ value: FarmActionReply?) {
        lock.lock()
        let taken = continuation
        continuation = nil
        lock.unlock()
        taken?.resume(returning: value)
    }
}
