import Foundation
import ImageCore
import ShotSpec

/// What a generator can do; nodes advertise these and the planner reads them.
public struct GeneratorCapabilities: Sendable, Codable, Equatable {
    public var name: String
    public var version: String
    /// Same request, same bits: chunks may then run in parallel and be re-run anywhere.
    public var deterministic: Bool
    /// How many of the previous chunk's last frames it accepts as conditioning (0: none).
    public var conditioningFrames: Int
    /// Longest clip one `generate` call may produce.
    public var maxFramesPerCall: Int
    public var maxWidth: Int
    public var maxHeight: Int

    public init(
        name: String, version: String, deterministic: Bool, conditioningFrames: Int, maxFramesPerCall: Int,
        maxWidth: Int = Resolution.maxDimension, maxHeight: Int = Resolution.maxDimension
    ) {
        self.name = name
        self.version = version
        self.deterministic = deterministic
        self.conditioningFrames = conditioningFrames
        self.maxFramesPerCall = maxFramesPerCall
        self.maxWidth = maxWidth
        self.maxHeight = maxHeight
    }
}

/// The result of a scene-level lighting solve, shared by every chunk of every shot of a scene.
public struct LightingArtifact: Sendable, Equatable {
    /// Content address: a hash of everything that affects lighting.
    public var id: String
    /// Where the artifact is stored (nil for generators that need none).
    public var url: URL?

    public init(id: String, url: URL?) {
        self.id = id
        self.url = url
    }

    /// For generators without a lighting solve.
    public static let none = LightingArtifact(id: "none", url: nil)
}

/// One call's worth of frames: a contiguous run of the shot's frames.
public struct GenerationRequest: Sendable {
    public var spec: ShotSpec
    /// Shot frame numbers to produce, e.g. 1001...1252.
    public var frames: ClosedRange<Int>
    /// Index of the chunk in the plan (generators like `drift` use it; deterministic ones must not).
    public var chunkIndex: Int
    /// The previous chunk's last frames, oldest first, for generators that accept conditioning.
    public var conditioning: [RGBAImage]
    public var lighting: LightingArtifact

    public init(spec: ShotSpec, frames: ClosedRange<Int>, chunkIndex: Int = 0, conditioning: [RGBAImage] = [], lighting: LightingArtifact) {
        self.spec = spec
        self.frames = frames
        self.chunkIndex = chunkIndex
        self.conditioning = conditioning
        self.lighting = lighting
    }
}

/// Lets a running generation be stopped from another thread (drain, cancel, lease lost).
public final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    public func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    /// Throws `GeneratorError.cancelled` once cancelled.
    public func check() throws(GeneratorError) {
        if isCancelled { throw .cancelled }
    }
}

/// Errors a generator reports; the node turns them into task errors.
public enum GeneratorError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownGenerator(name: String, available: [String])
    /// A generator-specific parameter or scene field is wrong: the path names it.
    case invalidInput(SpecError)
    case unsupported(String)
    case cancelled
    case failed(String)

    public var description: String {
        switch self {
        case .unknownGenerator(let name, let available):
            return "shot.generator.name: unknown generator '\(name)'; available: \(available.joined(separator: ", "))"
        case .invalidInput(let error): return error.description
        case .unsupported(let message): return message
        case .cancelled: return "generation was cancelled"
        case .failed(let message): return message
        }
    }
}

/// A source of scene-linear ACEScg frames.
///
/// Generators produce Float32 RGBA in ACEScg (linear AP1). Colour conversion to the plate's
/// colour space happens after, in the node, so every generator is graded the same way.
public protocol Generator: Sendable {
    var capabilities: GeneratorCapabilities { get }

    /// Checks generator-specific parameters and scene content before any work is scheduled.
    func validate(_ spec: ShotSpec) throws(GeneratorError)

    /// Solves (or finds already solved) the scene-level lighting under `storageRoot`. Runs once per scene.
    func prepare(_ spec: ShotSpec, storageRoot: URL, cancellation: CancellationFlag) throws(GeneratorError) -> LightingArtifact

    /// Produces the requested frames in order, one `emit(frameNumber, image)` call each.
    func generate(
        _ request: GenerationRequest,
        cancellation: CancellationFlag,
        emit: (Int, RGBAImage) throws -> Void
    ) throws
}

extension Generator {
    public func validate(_ spec: ShotSpec) throws(GeneratorError) {}

    public func prepare(_ spec: ShotSpec, storageRoot: URL, cancellation: CancellationFlag) throws(GeneratorError) -> LightingArtifact {
        .none
    }
}
