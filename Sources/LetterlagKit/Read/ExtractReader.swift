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
