/// A code of at most 7 ASCII bytes held in one word: the first byte highest, the length in the
/// lowest, so words order as their codes do byte by byte (a shorter code before a longer one it
/// begins). A row can then carry a trust, practice or month code without a string, which the
/// practice view's months need: half a million rows a national night, where a row's strings
/// were most of the cost of making and writing it.
public struct PackedCode: Sendable, Hashable, Comparable {
    /// The most bytes a code holds.
    public static let capacity = 7
    let word: UInt64

    /// The code of `text`; nil when it is longer than `capacity` bytes or not ASCII.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count <= Self.capacity, bytes.allSatisfy({ $0 > 0 && $0 < 0x80 }) else { return nil }
        var word = UInt64(bytes.count)
        for (i, b) in bytes.enumerated() { word |= UInt64(b) << UInt64(56 - 8 * i) }
        self.word = word
    }

    private init(word: UInt64) { self.word = word }

    /// A practice number's code (`CodeShape.practiceCode`): its letter, then five digits.
    public init(practice number: Int) {
        var word = UInt64(0x41 + number / 100_000) << 56 | 6
        var rest = number % 100_000
        for i in stride(from: 5, through: 1, by: -1) {
            word |= UInt64(0x30 + rest % 10) << UInt64(56 - 8 * i)
            rest /= 10
        }
        self.init(word: word)
    }

    /// A month index's label (`CivilDate.monthLabel`), `YYYY-MM`, for years 1000 to 9999.
    public init(month index: Int) {
        let year = index / 12, month = index % 12 + 1
        precondition(year >= 1000 && year <= 9999, "a month label has a four-digit year")
        var word: UInt64 = 7, shift: UInt64 = 56
        func put(_ byte: Int) {
            word |= UInt64(byte) << shift
            shift -= 8
        }
        put(0x30 + year / 1000); put(0x30 + year / 100 % 10); put(0x30 + year / 10 % 10); put(0x30 + year % 10)
        put(0x2D); put(0x30 + month / 10); put(0x30 + month % 10)
        self.init(word: word)
    }

    /// How many bytes the code has.
    public var count: Int { Int(word & 0xFF) }

    /// Byte `i` of the code, `i` below `count`.
    @inline(__always)
    public subscript(i: Int) -> UInt8 { UInt8(truncatingIfNeeded: word >> UInt64(56 - 8 * i)) }

    /// The code as text.
    public var text: String { String(decoding: (0..<count).map { self[$0] }, as: UTF8.self) }

    public static func < (a: PackedCode, b: PackedCode) -> Bool { a.word < b.word }
}
