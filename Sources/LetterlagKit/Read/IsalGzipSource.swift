import CIsal

/// Inflates gzip with Intel ISA-L, which measured about 5× faster than zlib on this hardware.
///
/// Handles several concatenated members; a stream that ends inside a member, or bytes that
/// are not a gzip member, fail with the compressed byte offset.
final class IsalGzipSource: ByteSource {
    let file: FileInput
    private let state: UnsafeMutablePointer<inflate_state>
    private var inMember = false
    private var members = 0
    private var finished = false
    /// File offset where the current member started.
    private var memberStart = 0

    var bytesConsumed: Int { file.position }

    init(file: FileInput) {
        self.file = file
        state = .allocate(capacity: 1)
        isal_inflate_init(state)
        state.pointee.crc_flag = UInt32(ISAL_GZIP)
    }

    deinit { state.deallocate() }

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
                isal_inflate_reset(state)
                state.pointee.crc_flag = UInt32(ISAL_GZIP)
            }
            let input = file.pending
            state.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
            state.pointee.avail_in = UInt32(input.count)
            state.pointee.next_out = (out.baseAddress! + written).assumingMemoryBound(to: UInt8.self)
            state.pointee.avail_out = UInt32(min(out.count - written, Int(UInt32.max)))
            let before = state.pointee.avail_out
            let rc = isal_inflate(state)
            let used = input.count - Int(state.pointee.avail_in)
            file.consumed += used
            written += Int(before - state.pointee.avail_out)
            if rc < 0 {
                throw LetterlagError.unreadableFile(path: file.path, place: "byte \(file.position)", reason: Self.describe(rc, memberStart: memberStart))
            }
            if state.pointee.block_state == ISAL_BLOCK_FINISH {
                inMember = false
                members += 1
            }
        }
        return written
    }

    static func describe(_ rc: Int32, memberStart: Int) -> String {
        switch rc {
        case ISAL_INVALID_WRAPPER:
            memberStart == 0 ? "not a gzip file (bad gzip header)" : "bytes after gzip member end are not a gzip member"
        case ISAL_INCORRECT_CHECKSUM: "gzip CRC check failed: the data is corrupt"
        case ISAL_INVALID_BLOCK, ISAL_INVALID_SYMBOL, ISAL_INVALID_LOOKBACK: "gzip stream is corrupt (invalid deflate data)"
        default: "gzip stream cannot be inflated (ISA-L error \(rc))"
        }
    }
}
