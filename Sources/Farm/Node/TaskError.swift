import Chunking
import Color
import Inference
import Plates
import ShotSpec

/// Why a task failed, as reported to the coordinator and the user.
public enum TaskError: Error, Sendable, Equatable, CustomStringConvertible {
    case spec(SpecError)
    case generator(GeneratorError)
    case color(ColorError)
    case plate(PlateError)
    case chunking(ChunkingError)
    case missingFrames(version: String, frames: [Int])
    case unsupported(String)
    case cancelled
    case failed(String)

    public var description: String {
        switch self {
        case .spec(let e): return e.description
        case .generator(let e): return e.description
        case .color(let e): return e.description
        case .plate(let e): return e.description
        case .chunking(let e): return e.description
        case .missingFrames(let version, let frames):
            let listed = frames.prefix(10).map(String.init).joined(separator: ", ")
            return "cannot publish \(version): \(frames.count) frame(s) missing (\(listed)\(frames.count > 10 ? ", …" : ""))"
        case .unsupported(let message): return message
        case .cancelled: return "task was cancelled"
        case .failed(let message): return message
        }
    }

    /// The spec field error inside, if this is one (for `file:line:` messages).
    public var specError: SpecError? {
        switch self {
        case .spec(let e), .generator(.invalidInput(let e)): return e
        default: return nil
        }
    }

    /// This error with the spec field's source line filled in from `document`.
    public func locating(in document: SpecValue) -> TaskError {
        switch self {
        case .spec(let e): return .spec(e.locating(in: document))
        case .generator(.invalidInput(let e)): return .generator(.invalidInput(e.locating(in: document)))
        default: return self
        }
    }

    /// Wraps whatever a library threw.
    public static func from(_ error: any Error) -> TaskError {
        switch error {
        case let e as TaskError: return e
        case let e as SpecError: return .spec(e)
        case GeneratorError.cancelled: return .cancelled
        case let e as GeneratorError: return .generator(e)
        case let e as ColorError: return .color(e)
        case let e as PlateError: return .plate(e)
        case let e as ChunkingError: return .chunking(e)
        default: return .failed("\(error)")
        }
    }
}

extension TaskError {
    /// Whether the user's input is at fault (exit 2) rather than the run (exit 1).
    public var isBadInput: Bool {
        switch self {
        case .spec, .chunking: return true
        case .generator(let e):
            switch e {
            case .invalidInput, .unknownGenerator: return true
            default: return false
            }
        case .plate(let e):
            switch e {
            case .notWritable, .versionExists, .versionReserved, .unknownChromaticities: return true
            default: return false
            }
        case .color(let e):
            switch e {
            case .unknownColorspace, .configLoad: return true
            default: return false
            }
        default: return false
        }
    }
}
