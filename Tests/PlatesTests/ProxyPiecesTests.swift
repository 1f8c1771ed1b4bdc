import Color
import Foundation
import ImageCore
import Plates
import Testing
import TestSupport

/// The pieces a frame-writing task leaves for publish (issue 14): publish takes a thumbnail only
/// if it is exactly the size `render` gives, so that size must be right for any frame size, and
/// the PPM it travels in must give back the same bytes and refuse anything else.
@Suite("proxy pieces for publish")
struct ProxyPiecesTests {
    @Test("thumbnailSize is the size render gives the thumbnail", arguments: [(64, 36), (320, 180), (961, 541), (2881, 7), (959, 700)])
    func thumbnailSizeMatchesRender(width: Int, height: Int) throws {
        let writer = ProxyWriter(renderer: try ProxyRenderer(config: try ColorConfig.resolve(), colorspace: "ACES2065-1"), format: .png)
        let (proxy, thumbnail) = try writer.render(RGBAImage(width: width, height: height, fill: SIMD4(0.18, 0.18, 0.18, 1)))
        let size = writer.thumbnailSize(width: width, height: height)
        #expect(size.width == thumbnail.width && size.height == thumbnail.height)
        #expect(proxy.width <= writer.renderer.maxWidth && thumbnail.width <= writer.thumbnailWidth)
    }

    @Test("a PPM thumbnail reads back byte for byte; a wrong size or a foreign file is refused")
    func ppmRoundTrip() throws {
        let dir = TemporaryDirectory("ppm")
        let image = DisplayImage(width: 3, height: 2, rgb: (0..<18).map { UInt8($0 * 14) })
        let url = dir.appending("t.ppm")
        try PPMFile.write(image, to: url)
        // Netpbm's own header rule (P6, width, height, maxval, one whitespace byte, then the samples).
        #expect(try Data(contentsOf: url).prefix(11) == Data("P6\n3 2\n255\n".utf8))
        #expect(try PPMFile.read(url, width: 3, height: 2) == image)
        #expect(throws: PlateError.self) { try PPMFile.read(url, width: 2, height: 3) }
        try Data("P6\n3 2\n255\n".utf8 + [1, 2, 3]).write(to: url)
        #expect(throws: PlateError.self) { try PPMFile.read(url, width: 3, height: 2) }
    }
}
