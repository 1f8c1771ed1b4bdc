import ShotSpec

/// Generators by name; `render` and nodes look them up here.
public struct GeneratorRegistry: Sendable {
    private var generators: [String: any Generator]

    public init(_ generators: [any Generator] = []) {
        self.generators = Dictionary(uniqueKeysWithValues: generators.map { ($0.capabilities.name, $0) })
    }

    /// Every generator that ships in the binary.
    public static var builtIn: GeneratorRegistry {
        GeneratorRegistry(BuiltInGenerators.all)
    }

    public mutating func register(_ generator: any Generator) {
        generators[generator.capabilities.name] = generator
    }

    public var names: [String] { generators.keys.sorted() }

    public var capabilities: [GeneratorCapabilities] { names.compactMap { generators[$0]?.capabilities } }

    public func generator(named name: String) throws(GeneratorError) -> any Generator {
        guard let generator = generators[name] else { throw .unknownGenerator(name: name, available: names) }
        return generator
    }
}
