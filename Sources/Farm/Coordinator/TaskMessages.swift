import Foundation

/// TASK messages with each job's JSON encoded once. A TASK carries its whole job (spec, plan,
/// OCIO config), and the loop encoded it afresh for every task it sent: a tenth of the loop's
/// time in `bench farm`, the same bytes again and again. The body is WireMessage's encoding of
/// `TaskBody` exactly: its encoder sorts keys (`attempt`, `job`, `task`) and writes no spaces,
/// so a job encodes to the same bytes inside the body as on its own, and the body is the three
/// parts spliced in that order (TaskMessagesTests compares them with the encoder's own output).
/// Loop thread only.
struct TaskMessages {
    /// Encoded jobs by id, with the lighting id they were encoded with (the one field of a job
    /// that changes while it runs).
    private var jobs: [String: (lightingID: String?, json: Data)] = [:]
    private let encoder = WireMessage.makeEncoder()

    /// Most jobs kept; cleared beyond (a farm of more active jobs encodes some twice).
    static let limit = 4096

    /// The TASK for `attempt` of `task` in `job`.
    mutating func message(attempt: String, job: ShotJob, task: TaskNode) throws -> WireMessage {
        let jobJSON: Data
        if let cached = jobs[job.id], cached.lightingID == job.lightingID {
            jobJSON = cached.json
        } else {
            jobJSON = try encoded(job, as: "ShotJob")
            if jobs.count >= Self.limit { jobs.removeAll(keepingCapacity: true) }
            jobs[job.id] = (job.lightingID, jobJSON)
        }
        var body = Data("{\"attempt\":".utf8)
        body.append(try encoded(attempt, as: "String"))
        body.append(contentsOf: Array(",\"job\":".utf8))
        body.append(jobJSON)
        body.append(contentsOf: Array(",\"task\":".utf8))
        body.append(try encoded(task, as: "TaskNode"))
        body.append(UInt8(ascii: "}"))
        return WireMessage(validated: FarmProtocol.task, body: body, payload: nil)
    }

    /// Forgets a finished job's encoding.
    mutating func forget(job: String) {
        jobs[job] = nil
    }

    private func encoded(_ value: some Encodable, as type: String) throws(WireError) -> Data {
        do {
            return try encoder.encode(value)
        } catch {
            throw WireError.bodyEncoding(type: type, reason: String(describing: error))
        }
    }
}
