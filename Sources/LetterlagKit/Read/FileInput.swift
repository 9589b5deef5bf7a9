#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file read with `read(2)` into one reusable buffer, for the inflaters to consume.
///
/// A class because the inflaters hold raw pointers into its buffer across calls.
public final class FileInput {
    public let path: String
    let fd: Int32
    let buffer: UnsafeMutableRawBufferPointer
    /// Bytes of `buffer` that are filled, and how many of them were consumed.
    var filled = 0
    var consumed = 0
    /// File offset of `buffer[0]`.
    var offset = 0
    public private(set) var atEnd = false
    public let size: Int
    /// Every byte read so far, counted and checksummed, so the content key comes free with the run's own read.
    private(set) var bytesRead = 0
    private(set) var crc: UInt64 = 0

    /// The file's content key, once it has been read to the end.
    var contentKey: String? { atEnd ? ContentKey.key(size: bytesRead, crc: crc) : nil }

    init(path: String, bufferSize: Int) throws {
        self.path = path
        fd = Glibc.open(path, O_RDONLY)
        guard fd >= 0 else {
            throw LetterlagError.unreadableFile(path: path, place: "open", reason: String(cString: strerror(errno)))
        }
        var st = stat()
        if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw LetterlagError.unreadableFile(path: path, place: "open", reason: "is a directory")
        }
        size = Int(st.st_size)
        buffer = .allocate(byteCount: bufferSize, alignment: 64)
        posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
    }

    deinit {
        close(fd)
        buffer.deallocate()
    }

    /// Bytes read but not consumed.
    var pending: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(rebasing: buffer[consumed..<filled]) }

    /// The file offset of the next unconsumed byte.
    var position: Int { offset + consumed }

    /// Reads more bytes when everything read has been consumed; returns false at the end of the file.
    func refill() throws -> Bool {
        if consumed < filled { return true }
        offset += filled
        filled = 0
        consumed = 0
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw LetterlagError.unreadableFile(path: path, place: "byte \(offset)", reason: String(cString: strerror(errno)))
            }
            if n == 0 { atEnd = true; return false }
            filled = n
            bytesRead += n
            crc = ContentKey.update(crc, buffer.baseAddress!, n)
            return true
        }
    }
}
