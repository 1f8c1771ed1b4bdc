import Foundation
import ImageCore
import Plates
import ShotSpec

/// How an image a shot names (an HDRI, a texture) is read, and its failures worded: one place for
/// the environment and texture loaders, so both name the spec field, the file and the reason alike.
enum SceneLitImageInput {
    /// The file's bytes (a regular file of at most `limit` bytes, never a FIFO or device that would
    /// block the read), or an error at `field` naming the `kind` of image and its path.
    static func contents(_ path: String, limit: Int64, kind: String, field: String) throws(GeneratorError) -> [UInt8] {
        do {
            return [UInt8](try InputFile.read(path, limit: limit))
        } catch {
            throw .invalidInput(SpecError(path: field, reason: "\(kind) '\(path)' \(error.reason)"))
        }
    }

    /// Decodes the image with `decode`, turning a reader's refusal into an error at `field`: a
    /// header over the limits is "too large", anything else "cannot read".
    static func decode(_ path: String, kind: String, field: String, _ decode: () throws(PlateError) -> RGBAImage) throws(GeneratorError) -> RGBAImage {
        do {
            return try decode()
        } catch .overLimit(_, let reason) {
            throw .invalidInput(SpecError(path: field, reason: "\(kind) '\(path)' is too large: \(reason)"))
        } catch {
            throw .invalidInput(SpecError(path: field, reason: "cannot read \(kind) \(error)"))
        }
    }
}
