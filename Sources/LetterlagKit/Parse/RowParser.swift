import CByteScan
import Foundation

/// Splits a chunk of whole CSV rows into fields and validates them, per RFC 4180.
///
/// This is the hot path: it walks bytes in place, records only the fields that map to
/// canonical columns, and never builds a `String`. Quoted fields may hold commas, doubled
/// quotes and newlines; a trailing CR is dropped; blank lines are skipped. Positions and counts
/// stay within a chunk, so their arithmetic wraps (`&+`) rather than checks for an overflow
/// that cannot happen.
public struct RowParser: Sendable {
    public let layout: ExtractLayout
    public let timestamps: TimestampParser
    /// The as-of instant given on the command line, or nil when it is taken from the extract.
    public let asOf: Int64?
    /// How many seconds a receipt may be stamped before its sending and still count, as delivered
    /// at the moment it was sent (docs/product.md, "Clocks that disagree").
    public let clockSkew: Int64
    /// The tolerance when none is given: 5 minutes.
    public static let defaultClockSkew: Int64 = 5 * 60
    private let letterTypes: LetterTypeMatcher

    public init(layout: ExtractLayout, timestamps: TimestampParser = TimestampParser(), asOf: Int64?,
                clockSkew: Int64 = RowParser.defaultClockSkew) {
        self.layout = layout
        letterTypes = layout.letterTypes
        self.timestamps = timestamps
        self.asOf = asOf
        self.clockSkew = clockSkew
    }

    /// Parses every row in `chunk` and returns the number of physical lines it spans.
    ///
    /// The chunk must hold whole rows (`RowBoundary` cuts them so), so a quote still open at its
    /// end can only be a damaged last row of the file: it is set aside as `unterminated_quote`.
    @discardableResult
    public func parse<Sink: RowSink>(_ chunk: UnsafeBufferPointer<UInt8>, into sink: inout Sink) -> Int {
        parse(chunk, into: &sink, quoteFreeFirst: true)
    }

    /// `parse`, where `quoteFreeFirst: false` sends every row through the general loop: the
    /// reference that tests hold the quote-free path to.
    @inline(__always)
    func parse<Sink: RowSink>(_ chunk: UnsafeBufferPointer<UInt8>, into sink: inout Sink, quoteFreeFirst: Bool) -> Int {
        guard let p = chunk.baseAddress, chunk.count > 0 else { return 0 }
        let n = chunk.count
        let slots = layout.slotOfPosition
        let expected = layout.fieldCount
        let columnCount = CanonicalColumn.allCases.count
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: columnCount * 2) { bounds -> Int in
            return slots.withUnsafeBufferPointer { slotOf -> Int in
                var pos = 0
                var line = 0
                // Columns the file lacks stay empty; every other slot is written by each row that
                // reaches validation, since a row with another field count is set aside first.
                for i in 0..<(columnCount * 2) { bounds[i] = 0 }
                if quoteFreeFirst { quoteFreeRows(p, n, slotOf: slotOf, bounds: bounds, pos: &pos, line: &line, into: &sink) }
                var scanner = SpecialByteScanner(p, count: n)
                while pos < n {
                    let rowLine = line
                    let rowStart = pos
                    var field = 0
                    var open = false
                    var ended = false
                    while !ended {
                        // Every quote toggles quoting, as RowBoundary counts them, so the two always agree
                        // on where a row ends, even in damaged input with a quote inside a field.
                        var start = pos
                        var inQuote = false
                        var quoted = false
                        while pos < n {
                            // Inside quotes too the scan jumps from special byte to special byte; a
                            // comma there costs one extra step, where walking every byte cost the
                            // whole field for a file that quotes every field.
                            pos = scanner.next(from: pos)
                            if pos >= n { break }
                            let b = p[pos]
                            if b == 0x22 { inQuote.toggle(); quoted = true }
                            else if !inQuote { if b == 0x2C || b == 0x0A { break } }
                            else if b == 0x0A { line &+= 1 }
                            pos &+= 1
                        }
                        var end = pos
                        if inQuote { open = true }
                        // The field ends at a comma, a line feed or the chunk's end; only the last two can follow a CR.
                        let comma = pos < n && p[pos] == 0x2C
                        if !comma && end > start && p[end &- 1] == 0x0D { end &-= 1 }
                        if quoted && end &- start >= 2 && p[start] == 0x22 && p[end &- 1] == 0x22 {
                            start &+= 1
                            end &-= 1
                        }
                        Self.place(field: field, start, end, slotOf: slotOf, bounds: bounds, expected: expected)
                        field &+= 1
                        if comma { pos &+= 1 }
                        else if pos >= n { ended = true }
                        else { pos &+= 1; line &+= 1; ended = true }
                    }
                    if open {
                        sink.reject(.unterminatedQuote, line: rowLine)
                        break
                    }
                    endRow(p, bounds, fields: field, from: rowStart, to: pos, line: rowLine, into: &sink)
                }
                return line
            }
        }
    }

    /// Parses rows from `pos` for as long as no quote is met, and leaves `pos` and `line` at the
    /// row where one is (or at the chunk's end), for the general loop to go on from there.
    ///
    /// Most extracts quote nothing, and there a field ends at the next comma or line feed: the
    /// delimiters are taken from a 64-byte mask bit by bit, without the quote bookkeeping that the
    /// general loop does at every field. Splitting fields took 20–30% less CPU for it (perf, on
    /// national extracts of 100M and 10M rows).
    @inline(__always)
    private func quoteFreeRows<Sink: RowSink>(_ p: UnsafePointer<UInt8>, _ n: Int, slotOf: UnsafeBufferPointer<Int8>,
                                              bounds: UnsafeMutableBufferPointer<Int>, pos: inout Int, line: inout Int,
                                              into sink: inout Sink) {
        let expected = layout.fieldCount
        var blockStart = pos & ~63
        var (delimiters, quotes) = Self.masks(p, n, blockStart)
        let before = ~0 &<< UInt64(truncatingIfNeeded: pos & 63)
        delimiters &= before
        quotes &= before
        if quotes != 0 { return }
        while pos < n {
            let rowStart = pos, rowLine = line
            var start = pos
            var field = 0
            while true {
                while delimiters == 0 {
                    blockStart &+= 64
                    if blockStart >= n { break }
                    (delimiters, quotes) = Self.masks(p, n, blockStart)
                    if quotes != 0 {
                        pos = rowStart
                        line = rowLine
                        return
                    }
                }
                let at: Int
                if delimiters != 0 {
                    at = blockStart &+ delimiters.trailingZeroBitCount
                    delimiters &= delimiters &- 1
                } else {
                    at = n
                }
                // The field ends at a comma, a line feed or the chunk's end; only the last two can follow a CR.
                let comma = at < n && p[at] == 0x2C
                var end = at
                if !comma && end > start && p[end &- 1] == 0x0D { end &-= 1 }
                Self.place(field: field, start, end, slotOf: slotOf, bounds: bounds, expected: expected)
                field &+= 1
                if comma {
                    start = at &+ 1
                    continue
                }
                if at < n {
                    pos = at &+ 1
                    line &+= 1
                } else {
                    pos = n
                }
                break
            }
            endRow(p, bounds, fields: field, from: rowStart, to: pos, line: rowLine, into: &sink)
        }
    }

    /// Records where field number `field` of a row lies, if its column is one the parser reads.
    @inline(__always)
    private static func place(field: Int, _ start: Int, _ end: Int, slotOf: UnsafeBufferPointer<Int8>,
                              bounds: UnsafeMutableBufferPointer<Int>, expected: Int) {
        guard field < expected, case let slot = Int(slotOf[field]), slot >= 0 else { return }
        bounds[slot &* 2] = start
        bounds[slot &* 2 &+ 1] = end
    }

    /// What both row loops do with a row whose fields are placed: a blank line is skipped, a row
    /// with another field count set aside, and any other validated.
    @inline(__always)
    private func endRow<Sink: RowSink>(_ p: UnsafePointer<UInt8>, _ bounds: UnsafeMutableBufferPointer<Int>, fields: Int,
                                       from rowStart: Int, to rowEnd: Int, line: Int, into sink: inout Sink) {
        if fields == 1 && (rowEnd &- rowStart <= 2) && isBlank(p, rowStart, rowEnd) { return }
        if fields != layout.fieldCount {
            sink.reject(.wrongFieldCount, line: line)
            return
        }
        validate(p, bounds, line: line, into: &sink)
    }

    /// The delimiter and quote masks of the 64 bytes from `start` (`PaddedBlock`).
    @inline(__always)
    private static func masks(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> (delimiters: UInt64, quotes: UInt64) {
        var delimiters: UInt64 = 0, quotes: UInt64 = 0
        PaddedBlock.with(p, from: start, to: n) { letterlag_delimiters_quotes64($0, &delimiters, &quotes) }
        return (delimiters, quotes)
    }

    @inline(__always)
    private func isBlank(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
        var i = from
        while i < to {
            if p[i] != 0x0A && p[i] != 0x0D { return false }
            i += 1
        }
        return true
    }

    /// Checks one row's fields and hands it on. Out of line: both row loops call it, and inlined
    /// into each it would be the parser's largest code twice over.
    @inline(never)
    private func validate<Sink: RowSink>(_ p: UnsafePointer<UInt8>, _ b: UnsafeMutableBufferPointer<Int>, line: Int, into sink: inout Sink) {
        @inline(__always) func field(_ c: CanonicalColumn) -> UnsafeBufferPointer<UInt8> {
            let s = b[c.rawValue * 2], e = b[c.rawValue * 2 + 1]
            return UnsafeBufferPointer(start: p + s, count: e &- s)
        }
        // Columns absent from the file read as empty, so one test covers both.
        if field(.letterID).count == 0 || field(.trustCode).count == 0 || field(.practiceCode).count == 0
            || field(.specialtyCode).count == 0 || field(.letterType).count == 0 || field(.eventAt).count == 0 {
            sink.reject(.requiredFieldEmpty, line: line)
            return
        }
        let trust = CodeShape.trustNumber(field(.trustCode))
        if trust < 0 || !CodeShape.isPractice(field(.practiceCode)) || !CodeShape.isSpecialty(field(.specialtyCode))
            || !CodeShape.isSite(field(.siteCode)) {
            sink.reject(.invalidCode, line: line)
            return
        }
        let type = letterTypes.type(of: field(.letterType))
        if type < 0 { sink.reject(.unknownLetterType, line: line); return }
        let event = timestamps.parse(p, b[CanonicalColumn.eventAt.rawValue * 2], b[CanonicalColumn.eventAt.rawValue * 2 + 1])
        let sent = timestamps.parse(p, b[CanonicalColumn.sentAt.rawValue * 2], b[CanonicalColumn.sentAt.rawValue * 2 + 1])
        let received = layout.hasReceived
            ? timestamps.parse(p, b[CanonicalColumn.receivedAt.rawValue * 2], b[CanonicalColumn.receivedAt.rawValue * 2 + 1])
            : sent
        let worst = max(event.status.rawValue, max(sent.status.rawValue, received.status.rawValue))
        if worst == TimestampStatus.unreadable.rawValue { sink.reject(.unreadableTimestamp, line: line); return }
        if worst == TimestampStatus.impossible.rawValue { sink.reject(.impossibleTimestamp, line: line); return }
        if event.status != .ok { sink.reject(.requiredFieldEmpty, line: line); return }
        if sent.status == .ok && sent.utc < event.utc { sink.reject(.sentBeforeEvent, line: line); return }
        if received.status == .ok && received.utc < event.utc { sink.reject(.receivedBeforeEvent, line: line); return }
        if layout.hasReceived && received.status == .ok && sent.status == .ok && received.utc < sent.utc &- clockSkew {
            sink.reject(.receivedBeforeSent, line: line)
            return
        }
        if let asOf {
            if event.utc > asOf || (sent.status == .ok && sent.utc > asOf) || (received.status == .ok && received.utc > asOf) {
                sink.reject(.afterAsOf, line: line)
                return
            }
        }
        sink.accept(ParsedRow(letterID: field(.letterID), trust: trust, letterType: type,
                              practice: CodeShape.practiceNumber(field(.practiceCode)),
                              specialty: CodeShape.specialtyNumber(field(.specialtyCode)),
                              channel: LetterChannel.of(field(.channel)),
                              event: event, sent: sent, arrival: received, arrivalIsReceipt: layout.hasReceived), line: line)
    }
}
