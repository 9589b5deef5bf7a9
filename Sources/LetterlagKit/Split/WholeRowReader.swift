import Foundation

/// Cuts one file's decompressed bytes into chunks of whole rows: it reads the header line into
/// the file's `ExtractLayout`, then fills each buffer and cuts it after its last whole row
/// (`RowBoundary`), the rest going to the start of the next buffer.
///
/// The caller owns the buffers, so chunks can be handed to other threads without a copy; a
/// row longer than a buffer, or a header line longer than one, fails the file.
struct WholeRowReader {
    /// What one call to `fill` gives.
    enum Step: Equatable {
        /// The buffer's first `length` bytes are whole rows; bytes `length ..< length + tail` belong
        /// to the next chunk, and are to be moved to the start of the next buffer.
        case rows(length: Int, tail: Int)
        /// The file's last chunk, of `length` bytes (0 when the file ended on a chunk's cut).
        case last(length: Int)
    }

    private var source: any ByteSource
    let path: String
    let mapping: ColumnMapping
    /// The file's layout, once the header is read.
    private(set) var layout: ExtractLayout?
    /// Decompressed bytes read so far.
    private(set) var decompressed = 0

    init(source: any ByteSource, path: String, mapping: ColumnMapping) {
        self.source = source
        self.path = path
        self.mapping = mapping
    }

    /// Compressed bytes read so far, for progress.
    var bytesConsumed: Int { source.bytesConsumed }
    var contentKey: String? { source.contentKey }

    /// Fills `buffer` after the `pending` bytes the previous step left at its start, and says
    /// where its whole rows end. The first call also reads the header, which no chunk holds.
    mutating func fill(_ buffer: UnsafeMutableRawBufferPointer, holding pending: Int) throws -> Step {
        var filled = pending
        while true {
            let room = buffer.count - filled
            let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            filled += n
            decompressed += n
            let atEnd = n < room
            if layout == nil {
                try readHeader(buffer, filled: &filled, atEnd: atEnd)
                // Fill the room the header left before looking for a cut.
                if !atEnd { continue }
            }
            if atEnd { return .last(length: filled) }
            let cut = RowBoundary.wholeRows(UnsafeRawBufferPointer(rebasing: buffer[0..<filled]))
            if cut == 0 {
                throw LetterlagError.unreadableFile(path: path, place: "decompressed byte \(decompressed - filled)",
                    reason: "a row is longer than \(buffer.count) bytes (an unclosed quote?)")
            }
            return .rows(length: cut, tail: filled - cut)
        }
    }

    private mutating func readHeader(_ buffer: UnsafeMutableRawBufferPointer, filled: inout Int, atEnd: Bool) throws {
        let head = UnsafeRawBufferPointer(rebasing: buffer[0..<filled])
        let newline = head.firstIndex(of: 0x0A)
        if newline == nil && !atEnd {
            throw LetterlagError.unreadableFile(path: path, place: "line 1", reason: "header line is longer than \(buffer.count) bytes")
        }
        let headerEnd = newline.map { $0 + 1 } ?? filled
        let fields = RowBoundary.headerFields(UnsafeRawBufferPointer(rebasing: buffer[0..<headerEnd]))
        if filled == 0 || (fields.count == 1 && fields[0].trimmingCharacters(in: .whitespaces).isEmpty) {
            throw LetterlagError.unreadableFile(path: path, place: "line 1", reason: "file is empty: there is no header line")
        }
        layout = try ExtractLayout(header: fields, mapping: mapping, path: path)
        buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + headerEnd, byteCount: filled - headerEnd)
        filled -= headerEnd
    }
}
