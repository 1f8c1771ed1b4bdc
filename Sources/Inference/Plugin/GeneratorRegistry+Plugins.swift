import ShotSpec

extension GeneratorRegistry {
    /// Starts each configured plugin once for its hello and registers it under its configured name.
    public mutating func registerPlugins(_ configs: [PluginConfig]) throws(GeneratorError) {
        for config in configs {
            if names.contains(config.name) {
                throw .invalidInput(SpecError(
                    path: "\(config.fieldPath).name",
                    reason: "'\(config.name)' is already a generator (built in or configured earlier); choose another name"
                ))
            }
            register(try PluginGenerator(config: config))
        }
    }

    /// Loads a plugins file (the `--plugins FILE` option) and registers every plugin in it.
    public mutating func registerPlugins(file path: String) throws(GeneratorError) {
        let configs: [PluginConfig]
        do {
            configs = try PluginConfig.load(path: path)
        } catch {
            throw .invalidInput(error)
        }
        try registerPlugins(configs)
    }
}
