/// A stream of an extract's decompressed bytes.
public protocol ByteSource {
    /// Fills up to `buffer.count` bytes and returns how many; 0 means the end of the stream.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Compressed bytes consumed so far, for progress and error places.
    var bytesConsumed: Int { get }
    /// The file's `ContentKey`, once the stream has been read to its end.
    var contentKey: String? { get }
}
