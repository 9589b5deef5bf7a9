import CZlib

/// Inflates gzip with zlib: the portable fallback, and the cross-check for ISA-L in tests.
final class ZlibInflateEngine: InflateEngine {
    private let stream: UnsafeMutablePointer<z_stream>

    init(path: String) throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let rc = inflateInit2_(stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deallocate()
            throw LetterlagError.unreadableFile(path: path, place: "start", reason: "zlib could not start (\(rc))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    func startMember(first: Bool) {
        if !first { inflateReset(stream) }
    }

    func inflate(_ input: UnsafeMutableRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                 memberStart: Int) throws(InflateFailure) -> (consumed: Int, produced: Int, memberEnded: Bool) {
        stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
        stream.pointee.avail_in = UInt32(input.count)
        stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
        stream.pointee.avail_out = UInt32(min(output.count, Int(UInt32.max)))
        let before = stream.pointee.avail_out
        let rc = CZlib.inflate(stream, Z_NO_FLUSH)
        let step = (input.count - Int(stream.pointee.avail_in), Int(before - stream.pointee.avail_out), rc == Z_STREAM_END)
        switch rc {
        case Z_STREAM_END, Z_OK, Z_BUF_ERROR:
            return step
        case Z_DATA_ERROR:
            let message = stream.pointee.msg.map { String(cString: $0) } ?? "invalid data"
            throw InflateFailure(reason: message.contains("header") && memberStart == 0 ? "not a gzip file (\(message))"
                : message.contains("check") ? "gzip CRC check failed: the data is corrupt (\(message))"
                : "gzip stream is corrupt (\(message))")
        default:
            throw InflateFailure(reason: "zlib error \(rc)")
        }
    }
}
