/// A grid of thumbnails on a dark background, in frame order, left to right, top to bottom.
public enum ContactSheet {
    /// Lays `thumbnails` out in `columns` columns (default: a near-square grid) with `gap` pixels
    /// between and around them; cells take the largest thumbnail's size.
    public static func compose(_ thumbnails: [DisplayImage], columns: Int? = nil, gap: Int = 4,
                               background: SIMD3<UInt8> = SIMD3(24, 24, 24)) -> DisplayImage {
        guard !thumbnails.isEmpty else { return DisplayImage(width: 1, height: 1, fill: background) }
        let columnCount = max(1, min(columns ?? Int(Double(thumbnails.count).squareRoot().rounded(.up)), thumbnails.count))
        let rows = (thumbnails.count + columnCount - 1) / columnCount
        let cellWidth = thumbnails.map(\.width).max() ?? 1, cellHeight = thumbnails.map(\.height).max() ?? 1
        let width = columnCount * (cellWidth + gap) + gap, height = rows * (cellHeight + gap) + gap
        var sheet = DisplayImage(width: width, height: height, fill: background)
        sheet.rgb.withUnsafeMutableBufferPointer { dst in
            for (index, thumb) in thumbnails.enumerated() {
                let left = gap + (index % columnCount) * (cellWidth + gap)
                let top = gap + (index / columnCount) * (cellHeight + gap)
                thumb.rgb.withUnsafeBufferPointer { src in
                    for y in 0..<thumb.height {
                        let from = y * thumb.width * 3, to = ((top + y) * width + left) * 3
                        for i in 0..<(thumb.width * 3) { dst[to + i] = src[from + i] }
                    }
                }
            }
        }
        return sheet
    }
}
