import Foundation

/// Binary PPM (Netpbm `P6`, maxval 255): the thumbnail a frame-writing task leaves for publish's
/// contact sheet. Lossless and trivially parsed, so publish gets back the exact bytes the task
/// rendered without decoding a PNG.
public enum PPMFile {
    /// Writes `image` as `P6\n<width> <height>\n255\n` followed by its RGB bytes.
    public static func write(_ image: DisplayImage, to url: URL) throws(PlateError) {
        var data = Data("P6\n\(image.width) \(image.height)\n255\n".utf8)
        data.append(contentsOf: image.rgb)
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw .io(path: url.path, message: "cannot write thumbnail: \(error.localizedDescription)")
        }
    }

    /// Reads a `P6` file whose size must be exactly `width`×`height` (the caller knows what it
    /// expects, so a damaged or foreign file is refused before its pixels are used).
    public static func read(_ url: URL, width: Int, height: Int) throws(PlateError) -> DisplayImage {
        let header = "P6\n\(width) \(height)\n255\n"
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .io(path: url.path, message: "cannot read thumbnail: \(error.localizedDescription)")
        }
        let headerBytes = Array(header.utf8)
        guard data.count == headerBytes.count + width * height * 3, data.prefix(headerBytes.count).elementsEqual(headerBytes) else {
            throw .unsupported(path: url.path, reason: "not a \(width)x\(height) binary PPM (P6, maxval 255) thumbnail")
        }
        return DisplayImage(width: width, height: height, rgb: [UInt8](data.dropFirst(headerBytes.count)))
    }
}
