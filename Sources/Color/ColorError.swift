/// Colour-management failures, worded for the person who has to fix them.
public enum ColorError: Error, Sendable, Equatable, CustomStringConvertible {
    case configLoad(source: String, message: String)
    case unknownColorspace(name: String, config: String, available: [String])
    case processor(source: String, destination: String, message: String)
    case apply(String)

    public var description: String {
        switch self {
        case .configLoad(let source, let message):
            return "cannot load OCIO config \(source): \(message)"
        case .unknownColorspace(let name, let config, let available):
            return "unknown colorspace '\(name)' in OCIO config \(config); available: \(available.joined(separator: ", "))"
        case .processor(let source, let destination, let message):
            return "cannot convert '\(source)' to '\(destination)': \(message)"
        case .apply(let message):
            return "colour conversion failed: \(message)"
        }
    }
}
