import Foundation

/// One assembling thread's letters for the breakdowns, spilled once more as cells are
/// assembled (so repeats are already left out), to two files of three-word entries:
///
/// - `monthly`, partitioned by trust × type, for the breakdowns kept by month and over the run;
/// - `practice`, partitioned by practice, for the whole-run practice breakdown.
///
/// An entry is the letter's `LetterDimensions` with its month for its date
/// (`LetterDimensions.entry`), its `CellRecord` with the trust × type (`TrustTypePair.raw`) for
/// its cell bits and, for an outstanding letter, the event as seconds after its month's London
/// midnight plus one hour (under 2^22, exact); and its `StageRecord`.
final class BreakdownSpill: @unchecked Sendable {
    let monthly: SpillFile
    let practice: SpillFile
    private let shift: UInt64

    static let words = 3
    private static let pairShift: UInt64 = 44
    private static let lowBits: UInt64 = (1 << 44) - 1
    private static let offsetMask: UInt64 = (1 << 27) - 1

    init(partitions: Int, directory: String) throws {
        monthly = try SpillFile(partitions: partitions, stride: Self.words, directory: directory)
        practice = try SpillFile(partitions: partitions, stride: Self.words, directory: directory)
        shift = UInt64(64 - partitions.trailingZeroBitCount)
    }

    /// The months a cell's week touches: its letters' dates run from its Monday for 7 days, so
    /// each falls in the Monday's month or, from `boundary` on, the next.
    struct WeekMonths {
        let first: Int
        let boundary: Int

        init(week: Int) {
            let monday = CivilDate.monday(ofWeek: week)
            let c = CivilDate.civil(days: monday)
            first = c.year * 12 + c.month - 1
            boundary = monday - (c.day - 1) + CivilDate.daysInMonth(year: c.year, month: c.month)
        }

        @inline(__always)
        func month(ofDay day: Int) -> Int { day < boundary ? first : first + 1 }
    }

    /// The London wall-clock second (as if UTC) at which month index `month` starts.
    static func monthStart(_ month: Int) -> Int64 {
        Int64(CivilDate.days(year: month / 12, month: month % 12 + 1, day: 1)) * 86_400
    }

    /// An outstanding entry's event instant.
    @inline(__always)
    static func event(ofEntry record: UInt64, month: Int) -> Int64 {
        monthStart(month) - 3_600 + Int64(record & offsetMask)
    }

    @inline(__always)
    private static func mix(_ x: UInt64) -> UInt64 { x &* 0x9E37_79B9_7F4A_7C15 }

    /// A received letter of trust × type `pair`.
    @inline(__always)
    func add(pair: Int, record: UInt64, stage: UInt64, dimensions: UInt64, months: WeekMonths) {
        let month = months.month(ofDay: LetterDimensions.eventDay(dimensions))
        append(pair: pair, UInt64(pair) << Self.pairShift | record & Self.lowBits, stage, dimensions, month)
    }

    /// An outstanding letter of trust × type `pair`, by its event instant.
    @inline(__always)
    func add(pair: Int, outstandingEvent event: Int64, stage: UInt64, dimensions: UInt64, months: WeekMonths) {
        let month = months.month(ofDay: LetterDimensions.eventDay(dimensions))
        let offset = UInt64(event - Self.monthStart(month) + 3_600)
        append(pair: pair, UInt64(pair) << Self.pairShift | CellRecord.outstandingBit | offset, stage, dimensions, month)
    }

    @inline(__always)
    private func append(pair: Int, _ record: UInt64, _ stage: UInt64, _ dimensions: UInt64, _ month: Int) {
        let entry = LetterDimensions.entry(dimensions, month: month)
        monthly.append(record: (entry, record, stage), to: Int(Self.mix(UInt64(pair) + 1) >> shift))
        practice.append(record: (entry, record, stage), to: Int(Self.mix(UInt64(LetterDimensions.practice(dimensions)) + 1) >> shift))
    }

    /// An entry's trust × type.
    @inline(__always)
    static func pair(ofEntry record: UInt64) -> Int { Int(record >> pairShift) }

    /// The assembling threads' spills, gathered as each thread finishes.
    final class Collection: @unchecked Sendable {
        private let lock = NSLock()
        private var spills: [BreakdownSpill] = []

        func add(_ s: BreakdownSpill) { lock.withLock { spills.append(s) } }

        /// Every spill, with its last blocks written.
        func finished() throws -> [BreakdownSpill] {
            let all = lock.withLock { spills }
            for s in all {
                try s.monthly.finish()
                try s.practice.finish()
            }
            return all
        }
    }

    func discard() {
        monthly.discard()
        practice.discard()
    }
}
