import Foundation

/// One running plugin process: its pipes, the threads draining them, and how to stop it.
final class PluginChildProcess: @unchecked Sendable {
    /// How the child ended.
    enum Exit: Equatable, CustomStringConvertible {
        case status(Int32)
        case signal(Int32)

        var description: String {
            switch self {
            case .status(let code): return "exit status \(code)"
            case .signal(let number): return "killed by signal \(number)\(Self.signalNames[number].map { " (\($0))" } ?? "")"
            }
        }

        private static let signalNames: [Int32: String] = [
            SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGABRT: "SIGABRT",
            SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV", SIGPIPE: "SIGPIPE",
            SIGTERM: "SIGTERM",
        ]
    }

    /// A piece of what goes to the child's stdin.
    enum Outgoing: Sendable {
        case bytes([UInt8])
        /// Samples sent as little-endian Float32.
        case floats([Float])
    }

    let stdout: PluginStreamReader
    let stderr: PluginStderrTail
    let pid: Int32
    private let process: Process
    private let stdinHandle: FileHandle
    private let exitSignal = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var exit: Exit?

    /// A dead reader must surface as EPIPE on our write, not kill the whole node.
    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// Starts `command` in `workingDirectory` with the node's environment plus `environment`.
    init(plugin: String, command: [String], workingDirectory: URL, environment: [String: String]) throws(GeneratorError) {
        _ = Self.ignoreBrokenPipes
        guard let program = command.first else { throw .failed("plugin '\(plugin)': the command is empty") }
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        env["SCENEFARM_PLUGIN_PROTOCOL"] = String(PluginProtocol.version)
        guard let executable = Self.resolve(program, workingDirectory: workingDirectory, searchPath: env["PATH"]) else {
            throw .failed("plugin '\(plugin)': cannot find an executable '\(program)' (working directory \(workingDirectory.path), PATH \(env["PATH"] ?? "unset"))")
        }
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process = Process()
        process.executableURL = executable
        process.arguments = Array(command.dropFirst())
        process.currentDirectoryURL = workingDirectory
        process.environment = env
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        process.terminationHandler = { [exitSignal] _ in exitSignal.signal() }
        if let error = Self.runWithDefaultSignalMask(process) {
            throw .failed("plugin '\(plugin)': cannot start \(executable.path): \(error.localizedDescription)")
        }
        pid = process.processIdentifier
        stdinHandle = input.fileHandleForWriting
        stdout = PluginStreamReader(handle: output.fileHandleForReading)
        stderr = PluginStderrTail(handle: errors.fileHandleForReading)
        stdout.start(name: "plugin \(plugin) stdout")
        stderr.start(name: "plugin \(plugin) stderr")
    }

    /// A spawned child inherits its parent thread's signal mask, and Dispatch worker threads
    /// block SIGTERM: spawned from one, a plugin could never stop gracefully. So the spawn runs
    /// on a fresh thread whose mask is cleared first.
    private static func runWithDefaultSignalMask(_ process: Process) -> Error? {
        final class Launch: @unchecked Sendable {
            let process: Process
            var error: Error?
            let finished = DispatchSemaphore(value: 0)
            init(_ process: Process) { self.process = process }
        }
        let launch = Launch(process)
        let thread = Thread {
            var none = sigset_t()
            sigemptyset(&none)
            pthread_sigmask(SIG_SETMASK, &none, nil)
            do { try launch.process.run() } catch { launch.error = error }
            launch.finished.signal()
        }
        thread.name = "plugin spawn"
        thread.start()
        launch.finished.wait()
        return launch.error
    }

    /// Writes `parts` to stdin on a background thread, then closes it: the plugin reads to EOF.
    func send(_ parts: [Outgoing]) {
        let handle = stdinHandle
        let thread = Thread {
            let fd = handle.fileDescriptor
            outer: for part in parts {
                let ok: Bool
                switch part {
                case .bytes(let bytes): ok = bytes.withUnsafeBytes { Self.writeAll(fd, $0) }
                case .floats(var samples):
                    #if _endian(big)
                    samples = samples.map { Float(bitPattern: $0.bitPattern.byteSwapped) }
                    #endif
                    ok = samples.withUnsafeBytes { Self.writeAll(fd, $0) }
                    _ = samples
                }
                // The child stopped reading (exited or closed stdin): the stdout side reports why.
                if !ok { break outer }
            }
            try? handle.close()
        }
        thread.name = "plugin stdin"
        thread.start()
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress!.advanced(by: offset), bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    /// Waits up to `timeout` seconds for the child to end; nil if it is still running.
    func waitForExit(timeout: TimeInterval) -> Exit? {
        lock.lock()
        if let exit { lock.unlock(); return exit }
        lock.unlock()
        guard exitSignal.wait(timeout: .now() + max(0, timeout)) == .success else { return nil }
        let ended: Exit = process.terminationReason == .uncaughtSignal
            ? .signal(process.terminationStatus) : .status(process.terminationStatus)
        lock.lock()
        exit = ended
        lock.unlock()
        return ended
    }

    /// SIGTERM, then SIGKILL after `grace` seconds; returns how it ended (nil only if even SIGKILL
    /// did not reap it within a few seconds, e.g. a process stuck in the kernel).
    @discardableResult
    func stop(grace: TimeInterval) -> Exit? {
        stdout.abandon()
        if let ended = waitForExit(timeout: 0) { return ended }
        deliver(SIGTERM)
        if let ended = waitForExit(timeout: grace) { return ended }
        deliver(SIGKILL)
        return waitForExit(timeout: 5)
    }

    /// Signals the child's own process group when it leads one, so helpers it forked go too.
    private func deliver(_ signalNumber: Int32) {
        if getpgid(pid) == pid {
            _ = killpg(pid, signalNumber)
        } else {
            _ = kill(pid, signalNumber)
        }
    }

    /// `program` as given when it holds a slash (relative to the working directory), else found on PATH.
    static func resolve(_ program: String, workingDirectory: URL, searchPath: String?) -> URL? {
        let files = FileManager.default
        if program.contains("/") {
            let url = program.hasPrefix("/")
                ? URL(fileURLWithPath: program) : workingDirectory.appendingPathComponent(program).standardizedFileURL
            return files.isExecutableFile(atPath: url.path) ? url : nil
        }
        for directory in (searchPath ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let url = URL(fileURLWithPath: String(directory)).appendingPathComponent(program)
            if files.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }
}
