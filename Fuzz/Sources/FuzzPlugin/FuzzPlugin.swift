#if FUZZING
import Foundation
import FuzzSupport
@testable import Inference
import ShotSpec

/// Plugin frame reader: the input is a plugin's stdout. It goes through a pipe into the node's
/// `PluginStreamReader` and is read the way `PluginCall` reads it: JSON lines decoded by
/// `PluginProtocol.decode`, and after each `frame` header the announced raw pixel bytes.
@main enum FuzzPlugin {
    static func main() {
        var pixels = [UInt8](repeating: 0, count: 1 << 16)
        Fuzzer.main("FuzzPlugin", seeds: writeSeeds) { bytes in
            let pipe = Pipe()
            let reader = PluginStreamReader(handle: pipe.fileHandleForReading, highWater: 1 << 20)
            reader.start(name: "fuzz plugin stdout")
            pipe.fileHandleForWriting.write(Data(bytes))
            try? pipe.fileHandleForWriting.close()
            defer { reader.abandon() }
            let deadline = Date().addingTimeInterval(5)
            while true {
                let (outcome, line) = reader.readLine(maxLength: PluginProtocol.maxLineLength, deadline: deadline, cancellation: nil)
                guard outcome == .complete else { return }
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
                guard let message = try? PluginProtocol.decode(line) else { return }
                switch message {
                case .frame(let header):
                    // PluginCall allocates the frame only once the header matches the shot's size;
                    // here the announced bytes are read through a fixed buffer instead.
                    guard case .bytes(var remaining) = header.payload else { continue }
                    while remaining > 0 {
                        let n = min(remaining, pixels.count)
                        let read = pixels.withUnsafeMutableBytes {
                            reader.readBytes(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<n]), deadline: deadline, cancellation: nil)
                        }
                        guard read == .complete else { return }
                        remaining -= n
                    }
                case .done, .error:
                    return
                case .hello, .progress:
                    continue
                }
            }
        }
    }

    /// Seeds: the reference plugin's stdout for a tiny shot, in its normal and its fault modes.
    static func writeSeeds(_ folder: URL) throws {
        let plugin = URL(fileURLWithPath: "Farm/plugins/reference_plugin.py")
        for mode in ["normal", "short", "wrong_size", "out_of_order", "error", "unknown"] {
            let text = """
                show: demo
                shot: fz010
                fps: 24000/1001
                frames: {first: 1001, count: 2}
                resolution: [4, 3]
                generator: {name: refdiffusion, params: {mode: \(mode)}}
                """
            let spec = try ShotSpecLoader.parse(text, baseDirectory: plugin.deletingLastPathComponent(), name: "seed.yaml")
            let request = GenerationRequest(spec: spec, frames: 1001...1002, lighting: .none)
            let task = PluginProtocol.taskLine(request, generator: "refdiffusion", conditioningCount: 0, frameDirectory: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", plugin.path]
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            input.fileHandleForWriting.write(Data(task))
            try input.fileHandleForWriting.close()
            let stdout = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            try Fuzzer.write(stdout, to: folder, "reference-\(mode).out")
        }
        let exrFrame = #"{"type":"hello","protocol":1,"name":"x","version":"1","deterministic":false,"conditioning_frames":0,"max_frames_per_call":8}"#
            + "\n\n" + #"{"type":"progress","done":0,"total":1,"message":"warming up"}"# + "\r\n"
            + #"{"type":"frame","frame":1001,"width":4,"height":3,"channels":3,"path":"frame.0001001.exr"}"# + "\n"
            + #"{"type":"done"}"# + "\n"
        try Fuzzer.write(exrFrame.utf8, to: folder, "exr-transport.out")
    }
}
#else
import FuzzSupport

@main enum FuzzPlugin {
    static func main() { Fuzzer.main("FuzzPlugin", seeds: { _ in }, test: { _ in }) }
}
#endif
