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
/// one trust × type to the next. Each breakdown numbers the letters' groups through a small
/// open-addressing table and orders them by a counting sort; `LetterFold` folds a group at a
/// time, and a whole run's cell folds its months' letters again rather than merging histograms.
///
/// Cost: about five folds of every letter, and 8 bytes a letter of the trust × type beside the
/// letters the caller gathers.
struct BreakdownAssembler {
    /// Trust × letter type × practice cells a run may hold. England's 6,300 practices each take
    /// letters from a handful of trusts, about 100,000 cells; past this the practice codes are
    /// not plausible (a broken export), and storing a row for each would swamp the database.
    public static let practiceCellLimit = 2_000_000
    /// Distinct practices one trust × letter type's letters may name: England has about 6,300
    /// practices, and more, held at once by a thread grouping them, would grow without bound on
    /// a broken export of nearly all-different codes.
    public static let practicesPerTrustTypeLimit = 20_000

    /// Words a gathered letter takes: its `CellRecord`, its `StageRecord`, and its
    /// `LetterDimensions` with the event's month (`LetterDimensions.withMonth`).
    static let words = 3

    /// A trust × type's letters, gathered by the caller, and the keys of its partition's cells,
    /// by a record's cell within the partition (`CellRecord.localCell`).
    struct Letters {
        let pair: TrustTypePair
        /// The trust × type as an error names it: `RXH clinic_letter`.
        let name: String
        let letters: UnsafeBufferPointer<UInt64>
        let keys: [CellKey]
        var count: Int { letters.count / BreakdownAssembler.words }
    }

    private var table = GroupTable()
    private var groupOf: [UInt32] = []
    /// Letter numbers, ordered by group: group `g`'s are `order[starts[g] ..< starts[g + 1]]`.
    private var order: [UInt32] = []
    private var starts: [Int] = []
    private let fold = LetterFold(longDelaysExact: false, workingDays: false)
    private let asOf: Int64
    private let limits: ContractLimits
    private let practiceLimit: Int

    init(asOf: Int64, limits: ContractLimits, practiceLimit: Int = BreakdownAssembler.practicesPerTrustTypeLimit) {
        self.asOf = asOf
        self.limits = limits
        self.practiceLimit = practiceLimit
    }

    /// Calls `body` with each breakdown cell of the letters: for each breakdown in
    /// `Breakdown.allCases` order, its cells in group-key order, then for one kept by month
    /// its whole-run cells in order of value. `countPractices` gets the number of practice
    /// cells before they are folded, and may refuse.
    mutating func cells(_ letters: Letters, countPractices: (Int) throws -> Void, _ body: (Breakdown, UInt64, CellSummary) -> Void) throws {
        for b in Breakdown.allCases {
            guard group(b, letters, limit: b == .practice ? practiceLimit : .max) else {
                throw LetterlagError.implausibleExtract("\(letters.name): more than \(practiceLimit) different practice codes in one trust's letters of one type (England has about 6,300 practices); the extract's practice codes are not plausible (a broken export?)")
            }
            if b == .practice { try countPractices(table.count) }
            let keys = table.keys
            let byKey = (0..<keys.count).sorted { keys[$0] < keys[$1] }
            for g in byKey { body(b, keys[g], summary(ofGroups: CollectionOfOne(g), letters)) }
            guard b.byMonth else { continue }
            let byValue = byKey.sorted { Breakdown.wholeRun(ofGroup: keys[$0]) < Breakdown.wholeRun(ofGroup: keys[$1]) }
            var first = 0
            while first < byValue.count {
                let whole = Breakdown.wholeRun(ofGroup: keys[byValue[first]])
                var end = first + 1
                while end < byValue.count && Breakdown.wholeRun(ofGroup: keys[byValue[end]]) == whole { end += 1 }
                body(b, whole, summary(ofGroups: byValue[first..<end], letters))
                first = end
            }
        }
    }

    /// Lets go of arrays grown past `entries`, after a large trust × type.
    mutating func shrink(keeping entries: Int) {
        if groupOf.capacity > entries { groupOf = [] }
        if order.capacity > entries { order = [] }
    }

    /// Numbers the letters' groups under `b` and orders the letters by group (`order`, `starts`);
    /// false, unfinished, as soon as there are more than `limit` groups.
    private mutating func group(_ b: Breakdown, _ letters: Letters, limit: Int) -> Bool {
        let words = Self.words
        let n = letters.count
        let pair = letters.pair.raw
        table.reset()
        groupOf.removeAll(keepingCapacity: true)
        groupOf.append(contentsOf: repeatElement(0, count: n))
        let complete = groupOf.withUnsafeMutableBufferPointer { groupOf in
            for k in 0..<n {
                let dimensions = letters.letters[k * words + 2]
                groupOf[k] = table.index(of: b.group(pair: pair, dimensions: dimensions, month: LetterDimensions.month(dimensions)))
                if table.count > limit { return false }
            }
            return true
        }
        guard complete else { return false }
        let groups = table.count
        starts.removeAll(keepingCapacity: true)
        starts.append(contentsOf: repeatElement(0, count: groups + 1))
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: repeatElement(0, count: n))
        groupOf.withUnsafeBufferPointer { groupOf in
            starts.withUnsafeMutableBufferPointer { starts in
                for g in groupOf { starts[Int(g) + 1] += 1 }
                for g in 0..<groups { starts[g + 1] += starts[g] }
                var cursor = Array(starts)
                cursor.withUnsafeMutableBufferPointer { cursor in
                    order.withUnsafeMutableBufferPointer { order in
                        for (k, g) in groupOf.enumerated() {
                            order[cursor[Int(g)]] = UInt32(truncatingIfNeeded: k)
                            cursor[Int(g)] += 1
                        }
                    }
                }
            }
        }
        return true
    }

    /// The figures of the letters of `groups` together.
    private func summary(ofGroups groups: some Sequence<Int>, _ letters: Letters) -> CellSummary {
        let words = Self.words
        let fold = self.fold
        order.withUnsafeBufferPointer { order in
            for g in groups {
                for k in order[starts[g]..<starts[g + 1]] {
                    let at = Int(k) * words
                    let record = letters.letters[at], stage = letters.letters[at + 1]
                    if CellRecord.isOutstanding(record) {
                        let week = letters.keys[CellRecord.localCell(record)].week
                        fold.addOutstanding(event: CellRecord.event(ofOffset: CellRecord.offset(record), week: week), stage: stage)
                    } else {
                        fold.addReceived(record, stage: stage)
                    }
                }
            }
        }
        return fold.summary(type: letters.pair.type, asOf: asOf, limits: limits)
    }
}
