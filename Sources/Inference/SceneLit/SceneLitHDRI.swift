import Color
import Foundation
import ImageCore
import Plates
import ShotSpec

/// Loads lat-long HDRI environments once per process and converts them to ACEScg.
enum SceneLitHDRI {
    private static let cache = SceneLitCache<String, LatLongMap>()

    /// What an HDRI's header may claim (Docs/scenelit.md, Docs/compositing.md "Limits on EXR
    /// input"): 16384×8192, the largest lat-long maps in use, already finer than any 8K frame
    /// samples the sky; decoded and converted it costs about 3.5 GiB.
    static let limits = ExrLimits(maxSide: 16384, maxPixels: 16384 * 8192, maxChannels: ExrLimits.plate.maxChannels, maxChunkBytes: ExrLimits.plate.maxChunkBytes)
    /// Largest HDRI file hashed for the lighting id: the limit's pixels as uncompressed RGBA
    /// Float32 plus room for the header and offset table.
    static let maxFileBytes = Int64(limits.maxPixels) * 16 + (64 << 20)

    /// The HDRI of `spec` in ACEScg with exposure applied, rotation set.
    static func load(_ spec: HDRISpec, config: ColorConfig) throws(GeneratorError) -> LatLongMap {
        let key = "\(spec.path)|\(spec.colorspace)|\(spec.exposure)|\(config.source)"
        var map: LatLongMap
        if let cached = cache[key] {
            map = cached
        } else {
            var image = try readEXR(path: spec.path)
            do {
                try config.processor(from: spec.colorspace, to: "ACEScg").apply(&image)
            } catch {
                throw .invalidInput(SpecError(path: "shot.environment.hdri.colorspace", reason: error.description))
            }
            let gain = Float(pow(2.0, spec.exposure))
            var rgb = [Float](repeating: 0, count: image.pixelCount * 3)
            for i in 0..<image.pixelCount {
                for c in 0..<3 { rgb[i * 3 + c] = max(0, image.pixels[i * 4 + c] * gain) }
            }
            map = LatLongMap(width: image.width, height: image.height, rgb: rgb)
            cache[key] = map
        }
        map.rotation = Float(spec.rotation * Double.pi / 180)
        return map
    }

    /// The one place that reads EXR pixels; the header is checked against `limits` first.
    static func readEXR(path: String) throws(GeneratorError) -> RGBAImage {
        try SceneLitImageInput.decode(path, kind: "HDRI", field: "shot.environment.hdri.path") { () throws(PlateError) in
            try PlateReader.read(path, limits: limits).image
        }
    }

    /// The HDRI file's bytes, for its content hash: a regular file of at most `maxFileBytes`,
    /// never a FIFO or device that would block the read.
    static func contents(path: String) throws(GeneratorError) -> [UInt8] {
        try SceneLitImageInput.contents(path, limit: maxFileBytes, kind: "HDRI", field: "shot.environment.hdri.path")
    }
}

/// A small lock-protected dictionary for per-process caches (artifacts, HDRIs).
final class SceneLitCache<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Key: Value] = [:]

    subscript(key: Key) -> Value? {
        get {
            lock.lock()
            defer { lock.unlock() }
            return storage[key]
        }
        set {
            lock.lock()
            storage[key] = newValue
            lock.unlock()
        }
    }
}
