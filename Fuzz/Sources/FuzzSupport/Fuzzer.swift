#if FUZZING
import CLibFuzzer
#endif
import Foundation

/// The `main` every fuzz target shares: runs libFuzzer over one test function in a FUZZING
/// build (Fuzz/fuzz.sh), and only explains itself in a plain `swift build`.
public enum Fuzzer {
    /// The input under test; set once, before libFuzzer starts, and read from its one thread.
    nonisolated(unsafe) private static var test: ((UnsafeRawBufferPointer) -> Void)?

    /// Hands `test` to libFuzzer with the command line's flags and corpus folders.
    /// `--write-seeds FOLDER` calls `seeds` instead, which writes the target's seed corpus.
    public static func main(
        _ name: String, seeds: (URL) throws -> Void, test: @escaping (UnsafeRawBufferPointer) -> Void
    ) -> Never {
        let arguments = CommandLine.arguments
        if let flag = arguments.firstIndex(of: "--write-seeds") {
            guard flag + 1 < arguments.count else { fail("\(name): --write-seeds needs a folder") }
            let folder = URL(fileURLWithPath: arguments[flag + 1], isDirectory: true)
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try seeds(folder)
            } catch {
                fail("\(name): cannot write seeds to \(folder.path): \(error)")
            }
            exit(0)
        }
        #if FUZZING
        Self.test = test
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzerTestOneInput(data, size) })
        #else
        fail("\(name) is a libFuzzer target; build and run it with `make fuzz` (Fuzz/fuzz.sh), which compiles it with -DFUZZING")
        #endif
    }

    /// Writes one seed file.
    public static func write(_ bytes: some Sequence<UInt8>, to folder: URL, _ name: String) throws {
        try Data(bytes).write(to: folder.appendingPathComponent(name))
    }

    /// A private folder for the inputs a target must hand over as files; removed at exit.
    public static let scratch: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scenefarm-fuzz-\(getpid())", isDirectory: true)
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: Fuzzer.scratch) }
        return folder
    }()

    fileprivate static func run(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        guard let test else { fail("libFuzzer started without a test: the target's main did not run") }
        test(UnsafeRawBufferPointer(start: data, count: size))
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(64)
    }
}

#if FUZZING
/// libFuzzer's conventional entry point; its archive's own `main` refers to it, so the link needs it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    Fuzzer.run(data, size)
    return 0
}
#endif
