import Foundation

/// Where a command's output goes, a buffer at a time: standard output, a file that appears
/// whole or not at all (written beside its path, then renamed over it by `close`), or memory.
///
/// Writing costs a copy into a 64 KiB buffer; the system is called once per buffer.
public final class OutputSink {
    static let bufferBytes = 64 << 10
    private let fd: Int32
    /// For a file: the path it becomes, and the temporary path it is written at.
    private let path: String?
    private let partial: String?
    /// The buffer, raw so that appending to it costs no exclusivity check at run time.
    private let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: bufferBytes)
    @exclusivity(unchecked) private var used = 0
    private var closed = false
    /// For memory: everything flushed so far.
    private var kept: [UInt8]? = nil
    public let name: String

    /// Standard output.
    public static func standardOutput() -> OutputSink { OutputSink(fd: 1, path: nil, partial: nil, name: "standard output") }

    /// Memory, for `text`.
    public static func memory() -> OutputSink {
        let sink = OutputSink(fd: -1, path: nil, partial: nil, name: "memory")
        sink.kept = []
        return sink
    }

    /// What a memory sink holds.
    public var text: String {
        get throws {
            try flush()
            return String(decoding: kept ?? [], as: UTF8.self)
        }
    }

    private init(fd: Int32, path: String?, partial: String?, name: String) {
        self.fd = fd
        self.path = path
        self.partial = partial
        self.name = name
    }

    /// A new file at `path`, which only `close` puts in place.
    public convenience init(path: String) throws {
        let partial = path + ".partial-\(getpid())"
        let fd = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LetterlagError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        self.init(fd: fd, path: path, partial: partial, name: path)
        Interruption.shared.begin(writing: partial)
    }

    deinit {
        buffer.deallocate()
        guard !closed, let partial else { return }
        // Never closed: the output was not finished, so it does not appear.
        Foundation.close(fd)
        unlink(partial)
        Interruption.shared.end(writing: partial)
    }

    @inline(__always)
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if used + bytes.count > Self.bufferBytes { try flush() }
        if bytes.count > Self.bufferBytes { return try writeThrough(bytes) }
        if let base = bytes.baseAddress { (buffer + used).update(from: base.assumingMemoryBound(to: UInt8.self), count: bytes.count) }
        used += bytes.count
    }

    @inline(__always)
    public func write(_ byte: UInt8) throws {
        if used == Self.bufferBytes { try flush() }
        buffer[used] = byte
        used += 1
    }

    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Gives the buffered bytes to the system.
    public func flush() throws {
        try writeThrough(UnsafeRawBufferPointer(start: buffer, count: used))
        used = 0
    }

    private func writeThrough(_ bytes: UnsafeRawBufferPointer) throws {
        if bytes.isEmpty { return }
        if kept != nil { return kept!.append(contentsOf: bytes) }
        var done = 0
        while done < bytes.count {
            let n = Foundation.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw LetterlagError.cannotWrite(path: name, reason: String(cString: strerror(errno))) }
            done += n
        }
    }

    /// Flushes, and for a file syncs it and renames it into place.
    public func close() throws {
        try flush()
        guard let path, let partial, !closed else { return }
        closed = true
        defer { Interruption.shared.end(writing: partial) }
        let synced = fsync(fd) == 0
        let reason = String(cString: strerror(errno))
        Foundation.close(fd)
        guard synced, rename(partial, path) == 0 else {
            let why = synced ? String(cString: strerror(errno)) : reason
            unlink(partial)
            throw LetterlagError.cannotWrite(path: path, reason: why)
        }
    }
}
