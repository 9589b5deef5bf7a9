/// One accepted row's contribution to its cell's histograms, packed into 8 bytes for the spill file.
///
/// Layout: cell number (32 bits) | kind (2 bits) | 2 unused bits | 4 flags | value (24 bits). A
/// received letter's flags say whether its deadline applied and was met, and whether it came
/// within 3 and 4 days (judged on the exact delay, which the buckets no longer hold); its value
/// holds its delay bucket (high 12 bits) and working-days bucket (low 12 bits). An outstanding
/// letter's value holds its event instant as seconds after its week's London Monday midnight,
/// plus one hour, which always fits in 20 bits and keeps its age exact.
enum CellRecord {
    static let received: UInt64 = 0
    static let outstanding: UInt64 = 1

    /// A contract limit applied to the letter's event date.
    static let due: UInt64 = 1 << 24
    /// Received within the contract limit.
    static let withinLimit: UInt64 = 1 << 25
    static let within3d: UInt64 = 1 << 26
    static let within4d: UInt64 = 1 << 27

    @inline(__always)
    static func received(cell: UInt32, delayBucket: Int, workingBucket: Int, flags: UInt64 = 0) -> UInt64 {
        UInt64(cell) << 32 | flags | UInt64(delayBucket) << 12 | UInt64(workingBucket)
    }

    @inline(__always)
    static func outstanding(cell: UInt32, offset: Int) -> UInt64 {
        UInt64(cell) << 32 | outstanding << 30 | UInt64(offset)
    }

    @inline(__always)
    static func cell(_ record: UInt64) -> Int { Int(record >> 32) }

    @inline(__always)
    static func kind(_ record: UInt64) -> UInt64 { (record >> 30) & 0x3 }

    @inline(__always)
    static func delayBucket(_ record: UInt64) -> Int { Int((record >> 12) & 0xFFF) }

    @inline(__always)
    static func workingBucket(_ record: UInt64) -> Int { Int(record & 0xFFF) }

    @inline(__always)
    static func offset(_ record: UInt64) -> Int { Int(record & 0xFF_FFFF) }

    /// The London wall-clock second (as if UTC) at which `week` starts: its Monday, 00:00.
    @inline(__always)
    static func weekStart(_ week: Int) -> Int64 { Int64(CivilDate.monday(ofWeek: week)) * 86_400 }

    /// An event instant as an offset within its week; the event's London date must fall in `week`.
    @inline(__always)
    static func offset(ofEvent utc: Int64, week: Int) -> Int { Int(utc - weekStart(week) + 3_600) }

    @inline(__always)
    static func event(ofOffset offset: Int, week: Int) -> Int64 { weekStart(week) - 3_600 + Int64(offset) }
}
