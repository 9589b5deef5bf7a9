import Foundation

/// A temporary file unlinked as soon as it is made, so nothing is left behind if the process
/// dies, with whole positioned writes and reads: the one place spills meet the file system.
/// Errors are `LetterlagError.spill`, naming the folder and what to do.
struct TemporaryFile: Sendable {
    let descriptor: Int32
    let directory: String

    /// `TMPDIR`, else `/tmp`.
    static var defaultDirectory: String {
        let dir = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        return dir.isEmpty ? "/tmp" : (dir.hasSuffix("/") && dir.count > 1 ? String(dir.dropLast()) : dir)
    }

    /// Makes the file in `directory`, named `letterlag-NAME-XXXXXX` while it has a name at all.
    init(in directory: String, name: String) throws {
        var template = Array((directory + "/letterlag-\(name)-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw LetterlagError.spill("cannot create a temporary file in \(directory): \(String(cString: strerror(errno))) (set TMPDIR to a writable directory)")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        descriptor = fd
        self.directory = directory
    }

    /// Writes all `count` bytes at `offset`; `room` says what the caller's spill needs, for the message.
    func write(_ bytes: UnsafeRawPointer, count: Int, at offset: Int, room: String) throws {
        var done = 0
        while done < count {
            let n = pwrite(descriptor, bytes + done, count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                throw LetterlagError.spill("cannot write a temporary file in \(directory): \(String(cString: strerror(errno))) (\(room)set TMPDIR to a directory with room)")
            }
            done += n
        }
    }

    /// Reads all `count` bytes at `offset`.
    func read(into bytes: UnsafeMutableRawPointer, count: Int, at offset: Int) throws {
        var done = 0
        while done < count {
            let n = pread(descriptor, bytes + done, count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                throw LetterlagError.spill("cannot read back a temporary file in \(directory): \(n < 0 ? String(cString: strerror(errno)) : "it is shorter than written")")
            }
            done += n
        }
    }

    /// Closes it; the kernel drops its pages.
    func close() { _ = Foundation.close(descriptor) }
}
