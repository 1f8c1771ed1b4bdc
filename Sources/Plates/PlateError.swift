import Foundation

/// Plate failures: each names the file or folder involved and what to do.
public enum PlateError: Error, Sendable, Equatable, CustomStringConvertible {
    case exr(path: String, operation: String, message: String)
    case notWritable(path: String, reason: String)
    case versionExists(path: String, next: String)
    /// Another job (running, or exported to a farm queue) has reserved the version.
    case versionReserved(path: String, next: String)
    case unknownChromaticities(colorspace: String)
    case unsupported(path: String, reason: String)
    case io(path: String, message: String)
    /// The file's header or chunk table contradicts itself or the file's size.
    case damaged(path: String, reason: String)
    /// The header claims more than `ExrLimits` allows; refused before anything is allocated.
    case overLimit(path: String, reason: String)

    public var description: String {
        switch self {
        case .exr(let path, let operation, let message):
            return "\(path): OpenEXR \(operation) failed: \(message)"
        case .notWritable(let path, let reason):
            return "output root \(path) is not writable: \(reason)"
        case .versionExists(let path, let next):
            return "\(path) is already published and is never overwritten; render to \(next) instead (output.version: \(next), or --plate-version next)"
        case .versionReserved(let path, let next):
            return "\(path) is reserved by another job that has not published it yet; render to \(next) instead (output.version: \(next), or --plate-version next)"
        case .unknownChromaticities(let colorspace):
            return "no chromaticities are known for colorspace '\(colorspace)'; write ACES2065-1, ACEScg, ACEScct, ACEScc, Linear Rec.709 (sRGB), Linear P3-D65 or Linear Rec.2020, or Raw"
        case .unsupported(let path, let reason):
            return "\(path): \(reason)"
        case .io(let path, let message):
            return "\(path): \(message)"
        case .damaged(let path, let reason):
            return "\(path): damaged EXR: \(reason)"
        case .overLimit(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}
