import CByteScan
#if canImport(Glibc)
import Glibc
#endif

/// Finds where a buffer of CSV bytes can be cut between whole rows.
///
/// The buffer must start at a row boundary. Without a quote byte the cut is simply after the
/// last newline; with quotes, a newline only ends a row outside a
/// quoted field, so the quote parity is tracked over the buffer.
public enum RowBoundary {
    /// The length of the longest prefix of `buffer` made of whole rows; 0 when there is none.
    public static func wholeRows(_ buffer: UnsafeRawBufferPointer) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let p = base.assumingMemoryBound(to: UInt8.self)
        // The last newline is usually within one row of the end, so a backward loop is cheap.
        var lastIndex = buffer.count - 1
        while lastIndex >= 0 && p[lastIndex] != 0x0A { lastIndex -= 1 }
        if lastIndex < 0 { return 0 }
        if memchr(base, 0x22, lastIndex) == nil { return lastIndex + 1 }
        return quotedCut(p, through: lastIndex)
    }

    /// The cut after the last line feed outside quotes in `p[0...last]`, or 0.
    ///
    /// Sixty-four bytes at a time, as simdjson finds strings: the prefix XOR of the quote bits
    /// marks the bytes inside quotes, and a line feed ends a row where that mark is clear. A
    /// file that quotes every field is common, and this runs on the inflating thread, where a
    /// byte-by-byte walk cost as much as a fifth of inflating.
    static func quotedCut(_ p: UnsafePointer<UInt8>, through last: Int) -> Int {
        var inside: UInt64 = 0
        var cut = 0
        var start = 0
        let end = last + 1
        while start < end {
            var quotes: UInt64 = 0, newlines: UInt64 = 0
            PaddedBlock.with(p, from: start, to: end) { letterlag_quotes_newlines64($0, &quotes, &newlines) }
            var parity = quotes
            parity ^= parity << 1
            parity ^= parity << 2
            parity ^= parity << 4
            parity ^= parity << 8
            parity ^= parity << 16
            parity ^= parity << 32
            parity ^= inside
            let rowEnds = newlines & ~parity
            if rowEnds != 0 { cut = start + 63 - rowEnds.leadingZeroBitCount + 1 }
            inside = (parity >> 63) != 0 ? ~0 : 0
            start += 64
        }
        return cut
    }

    /// The fields of a header line `[0, count)`, with a UTF-8 BOM, quotes and a trailing CR removed.
    public static func headerFields(_ line: UnsafeRawBufferPointer) -> [String] {
        var bytes = Array(line)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        var fields: [String] = []
        var current: [UInt8] = []
        var inQuote = false
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if inQuote {
                if b == 0x22 {
                    if i + 1 < bytes.count && bytes[i + 1] == 0x22 { current.append(0x22); i += 1 } else { inQuote = false }
                } else { current.append(b) }
            } else if b == 0x22 { inQuote = true }
            else if b == 0x2C { fields.append(String(decoding: current, as: UTF8.self)); current = [] }
            else { current.append(b) }
            i += 1
        }
        fields.append(String(decoding: current, as: UTF8.self))
        return fields
    }
}
