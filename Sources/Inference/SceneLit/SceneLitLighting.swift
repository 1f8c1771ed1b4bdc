import Foundation

/// The stored result of a scenelit lighting solve: SH environment, sun, reflection map and the
/// diffuse indirect irradiance of every radiosity patch. Written once per scene, read by every chunk.
public struct SceneLitLighting: Codable, Sendable, Equatable {
    /// One rectangular grid of patches on one surface (the ground, a sphere, a box face, …).
    public struct PatchGrid: Codable, Sendable, Equatable {
        /// −1 for the ground, else the object index.
        public var owner: Int
        /// Box: 0…5 for +x, −x, +y, −y, +z, −z. Cylinder: 0 side, 1 top, 2 bottom. Otherwise 0.
        public var face: Int
        /// Index of the grid's first patch.
        public var offset: Int
        public var nu: Int
        public var nv: Int
        /// Ground only: x and z of the grid's corner and its side length.
        public var origin: [Float]
        public var size: Float
    }

    public var id: String
    public var generatorVersion: String
    /// 27 order-2 SH radiance coefficients (RGB interleaved).
    public var sphericalHarmonics: [Double]
    public var sunDirection: [Float]
    public var sunIrradiance: [Float]
    public var reflectionWidth: Int
    public var reflectionHeight: Int
    /// Packed RGB lat-long radiance for glossy reflections.
    public var reflection: [Float]
    public var grids: [PatchGrid]
    /// Indirect diffuse irradiance per patch (sky seen past static geometry + inter-reflection), RGB.
    public var irradiance: [Float]
    public var patchCount: Int
    /// How long the solve took when it ran.
    public var solveSeconds: Double

    /// Where the artifact for `id` lives under a storage root.
    public static func url(id: String, storageRoot: URL) -> URL {
        storageRoot.appendingPathComponent(".scenefarm/lighting/\(id).json")
    }

    /// Writes atomically: a temporary file in the same folder, then rename over the final name.
    func write(to url: URL) throws(GeneratorError) {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(id).\(ProcessInfo.processInfo.processIdentifier).\(UUID().uuidString).tmp")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try encoder.encode(self).write(to: temporary)
        } catch {
            throw .failed("cannot write lighting artifact \(url.path): \(error.localizedDescription)")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .failed("cannot move lighting artifact into place at \(url.path): \(reason)")
        }
    }

    private static let cache = SceneLitCache<String, SceneLitLighting>()

    /// Reads an artifact, once per process per id.
    static func load(id: String, url: URL) throws(GeneratorError) -> SceneLitLighting {
        if let cached = cache[id] { return cached }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw .failed("lighting artifact \(url.path) is missing; the scene's lighting must be prepared before frames are generated")
        }
        let lighting: SceneLitLighting
        do {
            lighting = try JSONDecoder().decode(SceneLitLighting.self, from: data)
        } catch {
            throw .failed("lighting artifact \(url.path) is unreadable: \(error)")
        }
        guard lighting.id == id, lighting.irradiance.count == 3 * lighting.patchCount, lighting.sphericalHarmonics.count == 27,
              lighting.reflection.count == 3 * lighting.reflectionWidth * lighting.reflectionHeight
        else {
            throw .failed("lighting artifact \(url.path) is inconsistent (expected id \(id)); delete it so the scene is solved again")
        }
        cache[id] = lighting
        return lighting
    }
}
