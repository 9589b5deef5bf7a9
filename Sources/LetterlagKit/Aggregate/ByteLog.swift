import Foundation

/// An append-only temporary file of letters named by their bytes: the trusts and ids that no
/// compact `LetterKey` holds, kept so that two with the same fingerprint can be compared exactly.
///
/// Only those ids are written, so an extract of short ids never touches it. Like `SpillFile`,
/// the file is unlinked as soon as it is made.
final class ByteLog: @unchecked Sendable {
    private static let bufferBytes = 64 << 10
    let directory: String
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    private var written = 0
    private var failure: LetterlagError?

    init(directory: String = SpillFile.defaultDirectory) {
        self.directory = directory
    }

    deinit { discard() }

    /// Closes the file; reading afterwards fails. Call only once no thread is reading.
    func discard() {
        if fd >= 0 { close(fd) }
        fd = -1
    }

    /// Appends a trust number and id and returns where they start, for `bytes(at:)`.
    func append(trust: Int, id: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let at = written + buffer.count
        var length = UInt32(4 + id.count)
        var number = UInt32(truncatingIfNeeded: trust)
        withUnsafeBytes(of: &length) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: &number) { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: id)
        if buffer.count >= Self.bufferBytes { flush() }
        return UInt64(at)
    }

    private func flush() {
        guard !buffer.isEmpty, failure == nil else { return }
        if fd < 0 {
            var template = Array((directory + "/letterlag-ids-XXXXXX").utf8CString)
            fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else {
                failure = .spill("cannot create a temporary file in \(directory): \(String(cString: strerror(errno))) (set TMPDIR to a writable directory)")
                return
            }
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        }
        let ok = buffer.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(written + done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                done += n
            }
            return true
        }
        if !ok {
            failure = .spill("cannot write a temporary file in \(directory): \(String(cString: strerror(errno))) (set TMPDIR to a directory with room)")
        }
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered; call once, after the last append and before any read.
    func finish() throws {
        flush()
        buffer = []
        if let failure { throw failure }
    }

    /// The trust number and id appended at `offset`, as bytes; safe from several threads at once after `finish`.
    func bytes(at offset: UInt64) throws -> [UInt8] {
        guard fd >= 0 else { throw LetterlagError.spill("a temporary file was read after it was discarded") }
        var length: UInt32 = 0
        try withUnsafeMutableBytes(of: &length) { try readFully($0, at: Int(offset)) }
        var out = [UInt8](repeating: 0, count: Int(length))
        try out.withUnsafeMutableBytes { try readFully($0, at: Int(offset) + 4) }
        return out
    }

    private func readFully(_ into: UnsafeMutableRawBufferPointer, at offset: Int) throws {
        var done = 0
        while done < into.count {
            let n = pread(fd, into.baseAddress! + done, into.count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                throw LetterlagError.spill("cannot read back a temporary file in \(directory): \(n < 0 ? String(cString: strerror(errno)) : "it is shorter than written")")
            }
            done += n
        }
    }
}
