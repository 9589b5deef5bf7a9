import Foundation

/// An append-only temporary file of letters named by their bytes: the trusts and ids that no
/// compact `LetterKey` holds, kept so that two with the same fingerprint can be compared exactly.
///
/// Only those ids are written, so an extract of short ids never touches it: its `TemporaryFile`
/// is made at the first write. Unchecked `Sendable`: one worker writes it; others read it only
/// after the pass has joined every worker.
final class ByteLog: @unchecked Sendable {
    private static let bufferBytes = 64 << 10
    let directory: String
    private var file: TemporaryFile?
    private var buffer: [UInt8] = []
    private var written = 0
    private var failure: LetterlagError?

    init(directory: String = TemporaryFile.defaultDirectory) {
        self.directory = directory
    }

    deinit { discard() }

    /// Closes the file; reading afterwards fails. Call only once no thread is reading.
    func discard() {
        file?.close()
        file = nil
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
        do {
            if file == nil { file = try TemporaryFile(in: directory, name: "ids") }
            let file = file!
            let at = written
            try buffer.withUnsafeBytes { raw in
                try file.write(raw.baseAddress!, count: raw.count, at: at, room: "")
            }
        } catch let error as LetterlagError {
            failure = error
            return
        } catch {
            failure = .spill("cannot write a temporary file in \(directory): \(error)")
            return
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
        guard let file else { throw LetterlagError.spill("a temporary file was read after it was discarded") }
        var length: UInt32 = 0
        try withUnsafeMutableBytes(of: &length) { raw in
            try file.read(into: raw.baseAddress!, count: 4, at: Int(offset))
        }
        var out = [UInt8](repeating: 0, count: Int(length))
        try out.withUnsafeMutableBytes { raw in
            if raw.count > 0 { try file.read(into: raw.baseAddress!, count: raw.count, at: Int(offset) + 4) }
        }
        return out
    }
}
