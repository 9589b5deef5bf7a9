/// What a row is broken down by (docs/product.md, "Breakdowns"), the third word of its spilled
/// record, so that breakdowns come from the records that count, after repeats are left out:
///
/// | bits | field |
/// | --- | --- |
/// | 63–57 | 0 |
/// | 56–34 | the event's London date, as days since 1970-01-01 + 2^22 |
/// | 33–12 | practice number (`CodeShape.practiceNumber`) |
/// | 11–10 | channel (`LetterChannel`) |
/// | 9–0 | specialty value, 0–999 |
enum LetterDimensions {
    private static let dayBias = 1 << 22

    @inline(__always)
    static func make(specialty: Int, channel: Int, practice: Int, eventDay: Int) -> UInt64 {
        UInt64(specialty) | UInt64(channel) << 10 | UInt64(practice) << 12 | UInt64(eventDay + dayBias) << 34
    }

    /// The word with its date field holding the event's month index instead (`year × 12 +
    /// month − 1`, below 2^17), as breakdowns group by it.
    @inline(__always)
    static func withMonth(_ w: UInt64, month: Int) -> UInt64 { w & 0x3_FFFF_FFFF | UInt64(month) << 34 }
    /// The month index of a word made by `withMonth`.
    @inline(__always) static func month(_ w: UInt64) -> Int { Int(w >> 34) }

    @inline(__always) static func specialty(_ w: UInt64) -> Int { Int(w & 0x3FF) }
    @inline(__always) static func channel(_ w: UInt64) -> Int { Int((w >> 10) & 3) }
    @inline(__always) static func practice(_ w: UInt64) -> Int { Int((w >> 12) & 0x3F_FFFF) }
    /// Every day of years 1 to 9999, all the parser accepts, fits: 2^22 days either side of 1970.
    @inline(__always) static func eventDay(_ w: UInt64) -> Int { Int((w >> 34) & 0x7F_FFFF) - dayBias }
}
