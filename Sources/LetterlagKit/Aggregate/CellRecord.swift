/// One row's contribution to a cell's histograms, packed into 8 bytes for the spill file.
///
/// Layout: cell number (32 bits) | kind (4 bits) | value (28 bits). A received letter gives a
/// delay record and a working-days record, each holding a histogram bucket; an outstanding
/// letter gives one record holding its event instant as seconds after its week's London
/// Monday midnight, plus one hour, which always fits in 20 bits and keeps ages exact.
enum CellRecord {
    static let delay: UInt64 = 0
    static let workingDays: UInt64 = 1
    static let outstanding: UInt64 = 2
    static let valueBits: UInt64 = 28

    @inline(__always)
    static func make(cell: UInt32, kind: UInt64, value: Int) -> UInt64 {
        UInt64(cell) << 32 | kind << valueBits | UInt64(value)
    }

    @inline(__always)
    static func cell(_ record: UInt64) -> Int { Int(record >> 32) }

    @inline(__always)
    static func kind(_ record: UInt64) -> UInt64 { (record >> valueBits) & 0xF }

    @inline(__always)
    static func value(_ record: UInt64) -> Int { Int(record & ((1 << valueBits) - 1)) }

    /// The London wall-clock second (as if UTC) at which `week` starts: its Monday, 00:00.
    @inline(__always)
    static func weekStart(_ week: Int) -> Int64 { Int64(CivilDate.monday(ofWeek: week)) * 86_400 }

    /// An event instant as an offset within its week; the event's London date must fall in `week`.
    @inline(__always)
    static func offset(ofEvent utc: Int64, week: Int) -> Int { Int(utc - weekStart(week) + 3_600) }

    @inline(__always)
    static func event(ofOffset offset: Int, week: Int) -> Int64 { weekStart(week) - 3_600 + Int64(offset) }
}
