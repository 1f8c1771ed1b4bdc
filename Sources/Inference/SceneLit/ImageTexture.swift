import Color
import Foundation
import ImageCore
import Plates
import ShotSpec

/// An image texture in ACEScg albedo with a box-filtered mip pyramid, read once per process.
/// The pyramid lets a shaded point average the image over its pixel's footprint: a receding
/// floor reads coarser levels as its texels shrink below a pixel, so it fades to the image's
/// local mean instead of aliasing and shimmering under a moving camera (Williams, "Pyramidal
/// Parametrics", SIGGRAPH 1983, with trilinear interpolation between levels).
final class ImageTexture: @unchecked Sendable {
    struct Level {
        var width: Int
        var height: Int
        /// First float of the level's RGB texels in `texels`.
        var offset: Int
    }

    let levels: [Level]
    /// Every level's RGB texels, row-major, top row first; immutable after `init`.
    private let texels: UnsafeMutableBufferPointer<Float>
    /// Mean albedo: what the radiosity solve and one-bounce rays see.
    let mean: SIMD3<Float>

    /// What a texture's header may claim: 8192 on a side and 64 Mpixel in all (decoded with its
    /// pyramid that is about 1 GiB of Float32).
    static let limits = ExrLimits(maxSide: 8192, maxPixels: 8192 * 8192, maxChannels: ExrLimits.plate.maxChannels, maxChunkBytes: ExrLimits.plate.maxChunkBytes)
    /// Largest texture file hashed for the lighting id: the limit's pixels as uncompressed RGBA
    /// Float32 plus room for the header and offset table.
    static let maxFileBytes = Int64(limits.maxPixels) * 16 + (64 << 20)

    /// Builds the pyramid from `rgb` (width × height RGB, already ACEScg): each level halves the
    /// one above (rounding up), each texel the mean of the 2×2 texels above it, wrapping at the
    /// edges as the texture repeats.
    init(width: Int, height: Int, rgb: [Float]) {
        var levels = [Level(width: width, height: height, offset: 0)]
        var total = width * height * 3
        while levels.last!.width > 1 || levels.last!.height > 1 {
            let above = levels.last!
            let level = Level(width: (above.width + 1) / 2, height: (above.height + 1) / 2, offset: total)
            levels.append(level)
            total += level.width * level.height * 3
        }
        let texels = UnsafeMutableBufferPointer<Float>.allocate(capacity: total)
        _ = texels.initialize(from: rgb)
        for l in 1..<levels.count {
            let above = levels[l - 1], level = levels[l]
            for y in 0..<level.height {
                for x in 0..<level.width {
                    var sum = SIMD3<Float>.zero
                    for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                        let i = above.offset + (((2 * y + dy) % above.height) * above.width + (2 * x + dx) % above.width) * 3
                        sum += SIMD3(texels[i], texels[i + 1], texels[i + 2])
                    }
                    let o = level.offset + (y * level.width + x) * 3
                    texels[o] = sum.x / 4
                    texels[o + 1] = sum.y / 4
                    texels[o + 2] = sum.z / 4
                }
            }
        }
        var mean = SIMD3<Float>.zero
        for i in 0..<(width * height) { mean += SIMD3(texels[3 * i], texels[3 * i + 1], texels[3 * i + 2]) }
        self.mean = mean / Float(width * height)
        self.levels = levels
        self.texels = texels
    }

    deinit { texels.deallocate() }

    /// The texture at (u, v) in repeats (u across, v down the image), averaged over a footprint
    /// `width` repeats wide: bilinear in the level whose texel matches the footprint, linear
    /// between the two levels around it.
    func sample(u: Float, v: Float, width: Float) -> SIMD3<Float> {
        let base = levels[0]
        let texelsAcross = width * Float(max(base.width, base.height))
        let lod = min(max(log2f(max(texelsAcross, 1e-6)), 0), Float(levels.count - 1))
        let l0 = Int(lod), f = lod - Float(l0)
        let c0 = bilinear(levels[l0], u, v)
        guard f > 0, l0 + 1 < levels.count else { return c0 }
        return c0 + (bilinear(levels[l0 + 1], u, v) - c0) * f
    }

    private func bilinear(_ level: Level, _ u: Float, _ v: Float) -> SIMD3<Float> {
        let x = u * Float(level.width) - 0.5, y = v * Float(level.height) - 0.5
        let fx = x - x.rounded(.down), fy = y - y.rounded(.down)
        @inline(__always) func wrap(_ i: Float, _ n: Int) -> Int {
            let k = Int(i.rounded(.down)) % n
            return k < 0 ? k + n : k
        }
        let x0 = wrap(x, level.width), y0 = wrap(y, level.height)
        let x1 = (x0 + 1) % level.width, y1 = (y0 + 1) % level.height
        @inline(__always) func texel(_ tx: Int, _ ty: Int) -> SIMD3<Float> {
            let i = level.offset + (ty * level.width + tx) * 3
            return SIMD3(texels[i], texels[i + 1], texels[i + 2])
        }
        let top = texel(x0, y0) + (texel(x1, y0) - texel(x0, y0)) * fx
        let bottom = texel(x0, y1) + (texel(x1, y1) - texel(x0, y1)) * fx
        return top + (bottom - top) * fy
    }

    private static let cache = SceneLitCache<String, ImageTexture>()

    /// The texture of `spec` (a `.png` file by `PNGDecoder`, else OpenEXR, converted from its colour space to ACEScg by OCIO, clamped to
    /// albedo 0…0.999 like a base colour), loaded once per process; errors name `field`.
    static func load(_ spec: TextureSpec, config: ColorConfig, field: String) throws(GeneratorError) -> ImageTexture {
        let key = "\(spec.path)|\(spec.colorspace)|\(config.source)"
        if let cached = cache[key] { return cached }
        let png = spec.path.lowercased().hasSuffix(".png")
        let bytes = png ? try contents(spec, field: field) : []
        var image = try SceneLitImageInput.decode(spec.path, kind: "texture", field: "\(field).path") { () throws(PlateError) in
            png ? try PNGDecoder.decode(bytes, path: spec.path, maxSide: limits.maxSide, maxPixels: limits.maxPixels)
                : try PlateReader.read(spec.path, limits: limits).image
        }
        do {
            try config.processor(from: spec.colorspace, to: "ACEScg").apply(&image)
        } catch {
            throw .invalidInput(SpecError(path: "\(field).colorspace", reason: error.description))
        }
        var rgb = [Float](repeating: 0, count: image.pixelCount * 3)
        for i in 0..<image.pixelCount {
            for c in 0..<3 {
                let value = image.pixels[i * 4 + c]
                // NaN (from a damaged or hostile file) becomes 0; albedo above 1 would add light.
                rgb[i * 3 + c] = value.isNaN ? 0 : min(max(value, 0), 0.999)
            }
        }
        let texture = ImageTexture(width: image.width, height: image.height, rgb: rgb)
        cache[key] = texture
        return texture
    }

    /// The texture file's bytes, for the lighting id.
    static func contents(_ spec: TextureSpec, field: String) throws(GeneratorError) -> [UInt8] {
        try SceneLitImageInput.contents(spec.path, limit: maxFileBytes, kind: "texture", field: "\(field).path")
    }
}
