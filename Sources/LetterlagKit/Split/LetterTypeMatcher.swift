import Foundation

/// Finds which letter type a `letter_type` field spells, by its length and two 8-byte words,
/// because a call to `memcmp` per spelling tried was a tenth of the row parser's time.
struct LetterTypeMatcher: Sendable {
    private struct Spelling: Sendable {
        var count: Int
        /// The first 8 bytes (fewer, zero-padded, in a shorter spelling) and the last 8.
        var head: UInt64
        var tail: UInt64
        var bytes: [UInt8]
        var type: Int
    }

    private let spellings: [Spelling]

    /// `spellings` pairs each accepted spelling with its `LetterType` raw value; the first match wins.
    init(_ spellings: [([UInt8], Int)]) {
        self.spellings = spellings.map { bytes, type in
            bytes.withUnsafeBufferPointer { b in
                Spelling(count: b.count, head: Self.head(b), tail: Self.tail(b), bytes: bytes, type: type)
            }
        }
    }

    /// The type `field` spells exactly, or -1.
    @inline(__always)
    func type(of field: UnsafeBufferPointer<UInt8>) -> Int {
        let n = field.count
        guard n > 0 else { return -1 }
        let head = Self.head(field), tail = Self.tail(field)
        return spellings.withUnsafeBufferPointer { list in
            for s in list where s.count == n && s.head == head && s.tail == tail {
                if n <= 16 { return s.type }
                let same = s.bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + 8, field.baseAddress! + 8, n - 16) == 0 }
                if same { return s.type }
            }
            return -1
        }
    }

    @inline(__always)
    private static func head(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        if b.count >= 8 { return UnsafeRawPointer(b.baseAddress!).loadUnaligned(as: UInt64.self) }
        var word: UInt64 = 0
        for i in 0..<b.count { word |= UInt64(b[i]) << UInt64(8 * i) }
        return word
    }

    @inline(__always)
    private static func tail(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        b.count >= 8 ? UnsafeRawPointer(b.baseAddress! + b.count - 8).loadUnaligned(as: UInt64.self) : 0
    }
}
