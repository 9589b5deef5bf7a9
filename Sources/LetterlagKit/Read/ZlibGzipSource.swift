import CZlib

/// Inflates gzip with zlib: the portable fallback, and the cross-check for ISA-L in tests.
final class ZlibGzipSource: ByteSource {
    let file: FileInput
    private let stream: UnsafeMutablePointer<z_stream>
    private var inMember = false
    private var members = 0
    private var finished = false
    private var memberStart = 0

    var bytesConsumed: Int { file.position }

    init(file: FileInput) throws {
        self.file = file
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let rc = inflateInit2_(stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deallocate()
            throw LetterlagError.unreadableFile(path: file.path, place: "start", reason: "zlib could not start (\(rc))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    func read(into out: UnsafeMutableRawBufferPointer) throws -> Int {
        if finished { return 0 }
        var written = 0
        while written < out.count {
            if file.consumed == file.filled {
                guard try file.refill() else {
                    if inMember {
                        throw LetterlagError.unreadableFile(path: file.path, place: "byte \(file.position)",
                            reason: "gzip stream is truncated (member \(members + 1) starting at byte \(memberStart) has no end)")
                    }
                    if members == 0 {
                        throw LetterlagError.unreadableFile(path: file.path, place: "byte 0", reason: "file is empty")
                    }
                    finished = true
                    return written
                }
            }
            if !inMember {
                inMember = true
                memberStart = file.position
                if members > 0 { inflateReset(stream) }
            }
            let input = file.pending
            stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
            stream.pointee.avail_in = UInt32(input.count)
            stream.pointee.next_out = (out.baseAddress! + written).assumingMemoryBound(to: UInt8.self)
            stream.pointee.avail_out = UInt32(min(out.count - written, Int(UInt32.max)))
            let before = stream.pointee.avail_out
            let rc = inflate(stream, Z_NO_FLUSH)
            file.consumed += input.count - Int(stream.pointee.avail_in)
            written += Int(before - stream.pointee.avail_out)
            switch rc {
            case Z_STREAM_END:
                inMember = false
                members += 1
            case Z_OK, Z_BUF_ERROR:
                break
            case Z_DATA_ERROR:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "invalid data"
                let reason = message.contains("header") && memberStart == 0 ? "not a gzip file (\(message))"
                    : message.contains("check") ? "gzip CRC check failed: the data is corrupt (\(message))"
                    : "gzip stream is corrupt (\(message))"
                throw LetterlagError.unreadableFile(path: file.path, place: "byte \(file.position)", reason: reason)
            default:
                throw LetterlagError.unreadableFile(path: file.path, place: "byte \(file.position)", reason: "zlib error \(rc)")
            }
        }
        return written
    }
}
