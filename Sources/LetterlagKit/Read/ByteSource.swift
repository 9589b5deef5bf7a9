/// A stream of an extract's decompressed bytes.
public protocol ByteSource {
    /// Fills up to `buffer.count` bytes and returns how many; 0 means the end of the stream.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Compressed bytes consumed so far, for progress and error places.
    var bytesConsumed: Int { get }
    /// The file's `ContentKey`, once the stream has been read to its end.
    var contentKey: String? { get }
}

/// Which inflater reads `.gz` files: ISA-L by default, zlib as a cross-check and fallback.
public enum InflaterKind: String, CaseIterable, Sendable {
    case isal, zlib
}

/// Opens the right `ByteSource` for a path: gzip when it ends in `.gz`, else plain bytes.
public enum ExtractReader {
    public static func open(path: String, inflater: InflaterKind, inputSize: Int = 1 << 20) throws -> any ByteSource {
        let file = try FileInput(path: path, bufferSize: inputSize)
        guard path.hasSuffix(".gz") else { return PlainSource(file: file) }
        switch inflater {
        case .isal: return GzipStream(file: file, engine: IsalInflateEngine())
        case .zlib: return GzipStream(file: file, engine: try ZlibInflateEngine(path: path))
        }
    }
}
