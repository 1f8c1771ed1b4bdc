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
        body.append(contentsOf: Self.jsonString(attempt))
        body.append(contentsOf: Array(",\"job\":".utf8))
        body.append(jobJSON)
        body.append(contentsOf: Array(",\"task\":".utf8))
        body.append(try encoded(task, as: "TaskNode"))
        body.append(UInt8(ascii: "}"))
        return WireMessage(validated: FarmProtocol.task, body: body, payload: nil)
    }

    /// `text` as WireMessage's encoder writes a string: in quotes, `"` and `\` escaped, control
    /// characters as `\b \f \n \r \t` or `\u00XX`, `/` and everything else as its UTF-8 bytes.
    /// An attempt id is one per TASK, and the encoder's call alone cost as much as a job's.
    static func jsonString(_ text: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        out.reserveCapacity(text.utf8.count + 2)
        let hex = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20: out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return out
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
