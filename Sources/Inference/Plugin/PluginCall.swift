import Foundation
import ImageCore
import Plates
import ShotSpec

/// One conversation with one plugin process: deadlines on every read, protocol checks, and
/// failure reports that quote the exit status and the end of the plugin's stderr.
final class PluginCall {
    let config: PluginConfig
    let child: PluginChildProcess
    private let cancellation: CancellationFlag?
    private let started = Date()
    private let totalDeadline: Date
    private var linesRead = 0
    /// Set once the plugin has said all it should; `finish` then lets it exit on its own.
    private var completed = false
    private var stopped = false

    init(config: PluginConfig, cancellation: CancellationFlag?) throws(GeneratorError) {
        self.config = config
        self.cancellation = cancellation
        totalDeadline = started.addingTimeInterval(config.timeouts.total)
        child = try PluginChildProcess(
            plugin: config.name, command: config.command, workingDirectory: config.workingDirectory,
            environment: config.environment
        )
    }

    /// Ends the child: a plugin that finished gets `kill_grace_s` to exit by itself first.
    func finish() {
        guard !stopped else { return }
        stopped = true
        if completed, child.waitForExit(timeout: config.timeouts.killGrace) != nil { return }
        child.stop(grace: config.timeouts.killGrace)
    }

    func readHello() throws(GeneratorError) -> PluginProtocol.Hello {
        let deadline = min(started.addingTimeInterval(config.timeouts.startup), totalDeadline)
        let message = try nextMessage(deadline: deadline, waitingFor: "its hello line", timeoutKey: "startup_s")
        guard case .hello(let hello) = message else {
            throw violation("the first message must be hello, got \(Self.kind(message))")
        }
        if cancellation == nil { completed = true }
        return hello
    }

    /// Reads frames `frames` in order, handing each to `emit`, then the `done` line.
    func receiveFrames(
        _ frames: ClosedRange<Int>, resolution: Resolution, frameDirectory: URL?, emit: (Int, RGBAImage) throws -> Void
    ) throws {
        var expected = frames.lowerBound
        while true {
            let waitingFor = expected <= frames.upperBound ? "frame \(expected)" : "its done line"
            let message = try nextMessage(deadline: activityDeadline(), waitingFor: waitingFor, timeoutKey: nil)
            switch message {
            case .progress:
                continue
            case .hello:
                throw violation("sent a second hello while \(waitingFor) was due")
            case .error(let reason, let field):
                if let field {
                    stop()
                    throw GeneratorError.invalidInput(SpecError(path: "shot.generator.params.\(field)", reason: reason))
                }
                throw failure("reported an error: \(reason)", exitExpected: true)
            case .done:
                guard expected > frames.upperBound else {
                    throw violation("sent done after \(expected - frames.lowerBound) of \(frames.count) frames")
                }
                completed = true
                return
            case .frame(let header):
                guard expected <= frames.upperBound else {
                    throw violation("sent frame \(header.frame) after the last requested frame \(frames.upperBound)")
                }
                guard header.frame == expected else {
                    throw violation("sent frame \(header.frame) where frame \(expected) was due (frames \(frames.lowerBound)–\(frames.upperBound) must come in order)")
                }
                guard header.width == resolution.width, header.height == resolution.height else {
                    throw violation("frame \(header.frame) is \(header.width)x\(header.height) but the shot is \(resolution.width)x\(resolution.height)")
                }
                guard header.channels == 3 || header.channels == 4 else {
                    throw violation("frame \(header.frame) has \(header.channels) channels; send 3 (RGB) or 4 (RGBA)")
                }
                let image = try pixels(for: header, frameDirectory: frameDirectory)
                try emit(expected, image)
                expected += 1
                // Frames may already be buffered, so a cancel must not wait for a silent read.
                if cancellation?.isCancelled == true {
                    stop()
                    throw GeneratorError.cancelled
                }
            }
        }
    }

    private func pixels(for header: PluginProtocol.FrameHeader, frameDirectory: URL?) throws(GeneratorError) -> RGBAImage {
        switch header.payload {
        case .bytes(let count):
            let samples = header.width * header.height * header.channels
            let expectedBytes = samples * MemoryLayout<Float>.size
            guard count == expectedBytes else {
                throw violation("frame \(header.frame) announces \(count) bytes, but \(header.width)x\(header.height) with \(header.channels) Float32 channels is \(expectedBytes) bytes")
            }
            var values = [Float](repeating: 0, count: samples)
            let outcome = values.withUnsafeMutableBytes {
                child.stdout.readBytes(into: $0, deadline: activityDeadline(), cancellation: cancellation)
            }
            switch outcome {
            case .complete: break
            case .ended(let received):
                throw failure("stopped after \(received) of the \(count) bytes announced for frame \(header.frame)", exitExpected: true)
            case .timedOut:
                throw timeout(waitingFor: "the pixels of frame \(header.frame)", key: nil)
            case .cancelled:
                stop()
                throw .cancelled
            case .lineTooLong:
                throw violation("unexpected reader state")
            }
            #if _endian(big)
            values = values.map { Float(bitPattern: $0.bitPattern.byteSwapped) }
            #endif
            if header.channels == 4 { return RGBAImage(width: header.width, height: header.height, pixels: values) }
            var rgba = [Float](repeating: 1, count: header.width * header.height * 4)
            for i in 0..<(header.width * header.height) {
                rgba[i * 4] = values[i * 3]
                rgba[i * 4 + 1] = values[i * 3 + 1]
                rgba[i * 4 + 2] = values[i * 3 + 2]
            }
            return RGBAImage(width: header.width, height: header.height, pixels: rgba)
        case .path(let path):
            let base = frameDirectory ?? config.workingDirectory
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
            let exr: ExrImage
            do {
                exr = try PlateReader.read(url.path)
            } catch {
                throw violation("frame \(header.frame): cannot read the EXR it named (\(url.path)): \(error)")
            }
            guard exr.image.width == header.width, exr.image.height == header.height else {
                throw violation("frame \(header.frame): the EXR at \(url.path) is \(exr.image.width)x\(exr.image.height), its header said \(header.width)x\(header.height)")
            }
            // Files in the node's scratch folder are spent once read; a plugin's own paths are left alone.
            if let frameDirectory, url.standardizedFileURL.path.hasPrefix(frameDirectory.standardizedFileURL.path + "/") {
                try? FileManager.default.removeItem(at: url)
            }
            return exr.image
        }
    }

    /// Deadline for the next byte once the task is out: `frame_s` of silence or the call's end.
    private func activityDeadline() -> Date {
        min(Date().addingTimeInterval(config.timeouts.frame), totalDeadline)
    }

    private func nextMessage(deadline: Date, waitingFor: String, timeoutKey: String?) throws(GeneratorError) -> PluginProtocol.Message {
        while true {
            let (outcome, line) = child.stdout.readLine(maxLength: PluginProtocol.maxLineLength, deadline: deadline, cancellation: cancellation)
            switch outcome {
            case .complete:
                linesRead += 1
                // Blank lines (a stray print()) carry nothing and are skipped.
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
                do {
                    return try PluginProtocol.decode(line)
                } catch {
                    throw violation("stdout line \(linesRead): \(error.reason) (logs belong on stderr)")
                }
            case .ended(let received):
                let unterminated = received > 0 ? " after an unterminated line \(PluginProtocol.preview(line))" : ""
                throw failure("ended its stdout\(unterminated) while \(waitingFor) was due", exitExpected: true)
            case .timedOut:
                throw timeout(waitingFor: waitingFor, key: timeoutKey)
            case .cancelled:
                stop()
                throw .cancelled
            case .lineTooLong:
                throw violation("stdout line \(linesRead + 1) runs past \(PluginProtocol.maxLineLength) bytes without a newline: \(PluginProtocol.preview(line))")
            }
        }
    }

    private func stop() {
        stopped = true
        child.stop(grace: config.timeouts.killGrace)
    }

    private func violation(_ reason: String) -> GeneratorError {
        failure("broke the plugin protocol: \(reason)", exitExpected: false)
    }

    private func timeout(waitingFor: String, key: String?) -> GeneratorError {
        let seconds = Date().timeIntervalSince(started)
        if Date() >= totalDeadline {
            return failure("timed out: the whole call took longer than timeouts.total_s = \(Self.format(config.timeouts.total)) s while \(waitingFor) was due; it was stopped", exitExpected: false)
        }
        let limit = key == "startup_s" ? config.timeouts.startup : config.timeouts.frame
        return failure(
            "timed out: nothing on stdout for \(Self.format(limit)) s (timeouts.\(key ?? "frame_s")) while \(waitingFor) was due, \(Self.format(seconds)) s into the call; it was stopped",
            exitExpected: false
        )
    }

    /// Stops the child and builds the task error: what went wrong, how the process ended, and
    /// the last lines of its stderr.
    private func failure(_ what: String, exitExpected: Bool) -> GeneratorError {
        // After EOF the child is usually on its way out: let its own exit status speak first.
        if exitExpected { _ = child.waitForExit(timeout: max(1, config.timeouts.killGrace)) }
        stopped = true
        let exit = child.stop(grace: config.timeouts.killGrace)
        var message = "plugin '\(config.name)' \(what); "
        message += exit.map { "process \($0)" } ?? "process \(child.pid) did not exit even after SIGKILL"
        let tail = child.stderr.tail(wait: 1)
        if tail.isEmpty {
            message += "; stderr was empty"
        } else {
            message += "; last \(tail.count) line\(tail.count == 1 ? "" : "s") of stderr:\n" + tail.map { "  | \($0)" }.joined(separator: "\n")
        }
        return .failed(message)
    }

    private static func kind(_ message: PluginProtocol.Message) -> String {
        switch message {
        case .hello: return "hello"
        case .progress: return "progress"
        case .frame: return "frame"
        case .error: return "error"
        case .done: return "done"
        }
    }

    private static func format(_ seconds: TimeInterval) -> String { String(format: "%.1f", seconds) }
}
