/// One accepted row's contribution to its cell, packed into 8 bytes for the spill file.
///
/// A partition holds the cells whose number is congruent to it, so a record names its cell by
/// the cell's number within the partition (`cell >> partition bits`), in the top 20 bits. A
/// received letter then has room for its exact delay, so the cell's shortest and longest delay
/// come from the records rather than from a per-cell table that cost a cache miss per row:
///
/// | bits | received letter | outstanding letter |
/// | --- | --- | --- |
/// | 63–44 | cell within partition | cell within partition |
/// | 43 | 0 | 1 |
/// | 42–39 | flags: within 4 days, within 3 days, within limit, due | 0 |
/// | 38–27 | working-days bucket | 0 |
/// | 26–0 | delay in seconds, or `longDelay` + its bucket | event offset within its week |
///
/// A delay of `longDelay` seconds (about 4.2 years) or more keeps only its bucket here; the
/// worker keeps such a cell's extremes aside. An outstanding letter's offset is its event
/// instant as seconds after its week's London Monday midnight, plus one hour: under 2^20, exact.
///
/// A row spills `words` words: this record, its `StageRecord` and its `LetterDimensions`.
enum CellRecord {
    static let words = 3
    static let localCellShift: UInt64 = 44
    /// Cells per partition that a record can name.
    static let localCells = 1 << 20
    static let outstandingBit: UInt64 = 1 << 43

    /// A contract limit applied to the letter's event date.
    static let due: UInt64 = 1 << 39
    /// Received within the contract limit.
    static let withinLimit: UInt64 = 1 << 40
    static let within3d: UInt64 = 1 << 41
    static let within4d: UInt64 = 1 << 42

    /// Delays from here up are stored as `longDelay` + their bucket, which the 27-bit field holds.
    static let longDelay: Int64 = (1 << 27) - 4_096

    @inline(__always)
    static func received(localCell: Int, delay: Int64, workingBucket: Int, flags: UInt64) -> UInt64 {
        let field = delay < longDelay ? UInt64(delay) : UInt64(longDelay) + UInt64(LatencyHistogram.bucket(of: delay))
        return UInt64(localCell) << localCellShift | flags | UInt64(workingBucket) << 27 | field
    }

    @inline(__always)
    static func outstanding(localCell: Int, offset: Int) -> UInt64 {
        UInt64(localCell) << localCellShift | outstandingBit | UInt64(offset)
    }

    @inline(__always)
    static func localCell(_ record: UInt64) -> Int { Int(record >> localCellShift) }

    @inline(__always)
    static func isOutstanding(_ record: UInt64) -> Bool { record & outstandingBit != 0 }

    /// A received letter's delay in seconds, or -1 when it was `longDelay` or more.
    @inline(__always)
    static func exactDelay(_ record: UInt64) -> Int64 {
        let field = Int64(record & 0x7FF_FFFF)
        return field < longDelay ? field : -1
    }

    @inline(__always)
    static func delayBucket(_ record: UInt64) -> Int {
        let field = Int64(record & 0x7FF_FFFF)
        return field < longDelay ? LatencyHistogram.bucket(of: field) : Int(field - longDelay)
    }

    @inline(__always)
    static func workingBucket(_ record: UInt64) -> Int { Int((record >> 27) & 0xFFF) }

    @inline(__always)
    static func offset(_ record: UInt64) -> Int { Int(record & 0xF_FFFF) }

    /// The London wall-clock second (as if UTC) at which `week` starts: its Monday, 00:00.
    @inline(__always)
    static func weekStart(_ week: Int) -> Int64 { Int64(CivilDate.monday(ofWeek: week)) * 86_400 }

    /// An event instant as an offset within its week; the event's London date must fall in `week`.
    @inline(__always)
    static func offset(ofEvent utc: Int64, week: Int) -> Int { Int(utc - weekStart(week) + 3_600) }

    @inline(__always)
    static func event(ofOffset offset: Int, week: Int) -> Int64 { weekStart(week) - 3_600 + Int64(offset) }
}
