/// What an EXR header may claim before the reader allocates anything for it.
///
/// A header is a few hundred bytes that can claim a 100000×100000 image; every value that sizes
/// an allocation is checked against these bounds, and against the file's own size, right after
/// the header is parsed and before the offset table or any pixel buffer exists.
/// Docs/compositing.md ("Limits on EXR input") lists them with their reasons.
public struct ExrLimits: Sendable, Equatable {
    /// Width or height of the data window.
    public var maxSide: Int
    /// Pixels in the data window; each costs 16 bytes once decoded (RGBA Float32).
    public var maxPixels: Int
    /// Channels in the file: every one is decompressed, even those the reader does not keep.
    public var maxChannels: Int
    /// Bytes of one chunk once decompressed: the decoder holds one such buffer per core.
    public var maxChunkBytes: Int

    public init(maxSide: Int, maxPixels: Int, maxChannels: Int, maxChunkBytes: Int) {
        self.maxSide = maxSide
        self.maxPixels = maxPixels
        self.maxChannels = maxChannels
        self.maxChunkBytes = maxChunkBytes
    }

    /// Plates, intermediate frames and whatever `inspect` is given. 16384×8192 pixels (the
    /// largest lat-long HDRIs in use, four times DCI 8K) decode to 2 GiB; sides up to 65536 allow
    /// panoramic strips within the same area; 1024 channels cover multi-layer renders; a 256 MiB
    /// chunk is a DWAB chunk (256 rows) of 65536 pixels with 4 float channels.
    public static let plate = ExrLimits(maxSide: 65536, maxPixels: 16384 * 8192, maxChannels: 1024, maxChunkBytes: 256 << 20)

    /// Bytes a chunk costs in the file at the least: its 8-byte offset-table entry and its 8-byte
    /// leader (row and size). A header claiming more chunks than fit in the file is refused.
    static let minimumBytesPerChunk = 16
}
