import Color
import Foundation
import ImageCore
import Plates
import ShotSpec

/// Loads lat-long HDRI environments once per process and converts them to ACEScg.
enum SceneLitHDRI {
    private static let cache = SceneLitCache<String, LatLongMap>()

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

    /// The one place that reads EXR pixels.
    static func readEXR(path: String) throws(GeneratorError) -> RGBAImage {
        do {
            return try PlateReader.read(path).image
        } catch {
            throw .invalidInput(SpecError(path: "shot.environment.hdri.path", reason: "cannot read HDRI '\(path)': \(error)"))
        }
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
