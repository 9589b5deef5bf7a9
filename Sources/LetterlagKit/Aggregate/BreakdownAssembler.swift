import Foundation

/// One cell of a breakdown: a trust × letter type × value, in one event month or over the run.
public struct BreakdownCell: Sendable {
    public var breakdown: Breakdown
    public var trust: String
    public var type: LetterType
    /// The breakdown's value (`Breakdown.text(ofValue:)` spells it).
    public var value: Int
    /// The month index (`year × 12 + month − 1`), for a breakdown kept by month.
    public var month: Int?
    public var summary: CellSummary
}

/// Folds one trust × letter type's counted letters into its breakdown cells, on an assembling
/// thread of `CellAssembler`, whose partitions hold whole trust × types: nothing is kept from
/// one trust × type to the next. Each breakdown groups the letters through a small
/// open-addressing table and a counting sort, and `LetterFold` folds a group at a time.
///
/// Cost: about three folds of every letter, and memory of 24 bytes a letter of the trust × type
/// beside the records the caller holds.
struct BreakdownAssembler {
    /// Trust × letter type × practice cells a run may hold. England's 6,300 practices each take
    /// letters from a handful of trusts, about 100,000 cells; past this the practice codes are
    /// not plausible (a broken export), and storing a row for each would swamp the database.
    public static let practiceCellLimit = 2_000_000

    /// A trust × type's letters as the caller holds them: record numbers into `records`
    /// (`CellRecord.words` words each), and by the record's cell within the partition its week
    /// and the months that week touches.
    struct Letters {
        let pair: TrustTypePair
        let records: UnsafeBufferPointer<UInt64>
        let members: UnsafeBufferPointer<UInt32>
        let weeks: UnsafeBufferPointer<Int>
        let months: UnsafeBufferPointer<WeekMonths>
    }

    private var table = GroupTable()
    private var groupOf: [UInt32] = []
    /// The letters' `CellRecord` and `StageRecord`, ordered by group, so that folding reads them in turn.
    private var sorted: [UInt64] = []
    private var starts: [Int] = []
    private let fold = LetterFold(longDelaysExact: false, workingDays: false)
    private let asOf: Int64
    private let limits: ContractLimits

    init(asOf: Int64, limits: ContractLimits) {
        self.asOf = asOf
        self.limits = limits
    }

    /// Calls `body` with each breakdown cell of the letters: for each breakdown in
    /// `Breakdown.allCases` order, its cells in group-key order, a whole run's after its months.
    /// `countPractices` gets the number of practice cells before they are folded, and may refuse.
    mutating func cells(_ letters: Letters, countPractices: (Int) throws -> Void, _ body: (Breakdown, UInt64, CellSummary) -> Void) throws {
        for b in Breakdown.allCases {
            group(b, letters)
            if b == .practice { try countPractices(table.count) }
            var wholeRun: [UInt64: CellSummary] = [:]
            foldGroups(letters) { key, summary in
                body(b, key, summary)
                if b.byMonth { wholeRun[Breakdown.wholeRun(ofGroup: key), default: CellSummary()].merge(summary) }
            }
            for key in wholeRun.keys.sorted() { body(b, key, wholeRun[key]!) }
        }
    }

    /// Numbers the letters' groups under `b` and copies their records in order of group (`sorted`, `starts`).
    private mutating func group(_ b: Breakdown, _ letters: Letters) {
        let words = CellRecord.words
        let n = letters.members.count
        let pair = letters.pair.raw
        table.reset()
        groupOf.removeAll(keepingCapacity: true)
        groupOf.append(contentsOf: repeatElement(0, count: n))
        groupOf.withUnsafeMutableBufferPointer { groupOf in
            for (k, i) in letters.members.enumerated() {
                let at = Int(i) * words
                let record = letters.records[at], dimensions = letters.records[at + 2]
                let month = b.byMonth ? letters.months[CellRecord.localCell(record)].month(ofDay: LetterDimensions.eventDay(dimensions)) : 0
                groupOf[k] = table.index(of: b.group(pair: pair, dimensions: dimensions, month: month))
            }
        }
        let groups = table.count
        starts.removeAll(keepingCapacity: true)
        starts.append(contentsOf: repeatElement(0, count: groups + 1))
        sorted.removeAll(keepingCapacity: true)
        sorted.append(contentsOf: repeatElement(0, count: 2 * n))
        groupOf.withUnsafeBufferPointer { groupOf in
            starts.withUnsafeMutableBufferPointer { starts in
                for g in groupOf { starts[Int(g) + 1] += 1 }
                for g in 0..<groups { starts[g + 1] += starts[g] }
                var cursor = Array(starts)
                cursor.withUnsafeMutableBufferPointer { cursor in
                    sorted.withUnsafeMutableBufferPointer { sorted in
                        for (k, g) in groupOf.enumerated() {
                            let at = Int(letters.members[k]) * words, to = 2 * cursor[Int(g)]
                            sorted[to] = letters.records[at]
                            sorted[to + 1] = letters.records[at + 1]
                            cursor[Int(g)] += 1
                        }
                    }
                }
            }
        }
    }

    /// Calls `body` with each group's key and figures, in order of key.
    private func foldGroups(_ letters: Letters, _ body: (UInt64, CellSummary) -> Void) {
        let keys = table.keys
        let type = letters.pair.type
        let fold = self.fold
        sorted.withUnsafeBufferPointer { sorted in
            for g in (0..<keys.count).sorted(by: { keys[$0] < keys[$1] }) {
                for k in starts[g]..<starts[g + 1] {
                    let record = sorted[2 * k], stage = sorted[2 * k + 1]
                    if CellRecord.isOutstanding(record) {
                        let week = letters.weeks[CellRecord.localCell(record)]
                        fold.addOutstanding(event: CellRecord.event(ofOffset: CellRecord.offset(record), week: week), stage: stage)
                    } else {
                        fold.addReceived(record, stage: stage)
                    }
                }
                body(keys[g], fold.summary(type: type, asOf: asOf, limits: limits))
            }
        }
    }
}
