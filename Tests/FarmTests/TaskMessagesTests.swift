@testable import Farm
import Foundation
import Testing

/// The coordinator splices a TASK's body from each job's JSON encoded once (TaskMessages); the
/// bytes must be exactly what WireMessage's encoder writes for the whole `TaskBody`, so a node
/// (ours or a stranger's, Docs/protocol.md) cannot tell the difference.
@Suite struct TaskMessagesTests {
    @Test func aSplicedTaskIsByteForByteTheEncodersTaskBody() throws {
        var messages = TaskMessages()
        var job = try JobStoreTests.job()
        for (round, lightingID) in [nil, "light-\(UUID().uuidString.prefix(6))"].enumerated() {
            // The lighting id is recorded while the job runs: the cached encoding must follow it.
            job.lightingID = lightingID
            for task in job.tasks {
                let attempt = "\(round)-\(UUID().uuidString.lowercased())"
                let spliced = try messages.message(attempt: attempt, job: job, task: task)
                let whole = try WireMessage(command: FarmProtocol.task, body: Farm.TaskBody(attempt: attempt, job: job, task: task))
                #expect(spliced.frames == whole.frames, "\(task.name), lighting id \(lightingID ?? "none")")
                #expect(try spliced.decodeBody(Farm.TaskBody.self) == Farm.TaskBody(attempt: attempt, job: job, task: task))
            }
        }
    }

    /// The attempt id is written without the encoder: for any string, the bytes must be the
    /// encoder's own (quotes, backslashes, every control character, slashes, non-ASCII text).
    @Test func anAttemptIdIsWrittenAsTheEncoderWritesIt() throws {
        let encoder = WireMessage.makeEncoder()
        var samples = ["", "a/b", "quote \" back \\ slash", "é — 😀 \u{2028}\u{2029}\u{7f}", "\u{0}\u{1f}\u{0b}"]
        samples.append(String(decoding: (0..<0x20).map { UInt8($0) }, as: UTF8.self))
        samples.append("j20261203-120000-abcdef/generate-0001/\(UUID().uuidString.lowercased())")
        for text in samples {
            #expect(TaskMessages.jsonString(text) == Array(try encoder.encode(text)), "\(text.debugDescription)")
        }
    }
}
