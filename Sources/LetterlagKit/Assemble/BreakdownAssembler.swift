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
    /// Its figures; for a cell that keeps only its median and 90th percentile (`middle`), the
    /// counts alone, without histograms.
    public var summary: CellSummary
    /// For a cell of the practice view's months: its delays' median and 90th percentile in
    /// seconds (`LetterFold.middle`), which are all it keeps besides its counts.
    public var middle: (p50: Double?, p90: Double?)?
}

/// Folds one trust × letter type's counted letters into its breakdown cells, on an assembling
/// thread of `CellAssembler`, whose partitions hold whole trust × types: nothing is kept from
/// one trust × type to the next. Each breakdown numbers the letters' groups through a small
/// open-addressing table and copies their records into group order by a counting sort, so that
/// `LetterFold` reads each group's letters in order; a whole run's cell is handed its months'
/// letters as their cells are drained.
///
/// Cost: two folds of every letter, and 20 bytes a letter of the trust × type beside the
/// letters the caller gathers.
struct BreakdownAssembler {
    /// Words a gathered letter takes: its `CellRecord`, its `StageRecord`, and its
    /// `LetterDimensions` with the event's month (`LetterDimensions.withMonth`): a counted record
    /// as the partition's sorted copy holds it.
    static let words = CellRecord.words
    /// Words a letter takes in group order: its `CellRecord` and `StageRecord`, all a fold reads.
    private static let foldWords = 2

    /// A trust × type's letters, gathered by the caller, and the keys of its partition's cells,
    /// by a record's cell within the partition (`CellRecord.localCell`).
    struct Letters {
        let pair: TrustTypePair
        let letters: UnsafeBufferPointer<UInt64>
        let keys: [CellKey]
        var count: Int { letters.count / BreakdownAssembler.words }
    }

    private var table = GroupTable()
    private var groupOf: [UInt32] = []
    /// The letters' fold words in group order: group `g`'s are letters `starts[g] ..< starts[g + 1]`.
    private var byGroup: [UInt64] = []
    private var starts: [Int] = []
    private let fold = LetterFold(longDelaysExact: false, workingDays: false)
    /// The whole-run cell of the value whose months are being folded.
    private let wholeRun = LetterFold(longDelaysExact: false, workingDays: false)
    private let asOf: Int64
    private let limits: ContractLimits

    init(asOf: Int64, limits: ContractLimits) {
        self.asOf = asOf
        self.limits = limits
    }

    /// Calls `body` with each breakdown cell of the letters kept by month (`Breakdown.monthly`,
    /// in order): each value's months in order, then that value's whole-run cell. The practice
    /// view is folded by practice instead (`PracticeSpill`, `PracticeAssembler`).
    ///
    /// A whole-run cell's fold is handed each month's letters as that month's cell is drained
    /// (`LetterFold.summary(handingOnTo:)`), so it is exactly the fold of all its letters
    /// without visiting them again.
    mutating func cells(_ letters: Letters, _ body: (Breakdown, UInt64, CellSummary) -> Void) {
        for b in Breakdown.monthly {
            group(b, letters)
            let keys = table.keys
            let byValue = (0..<keys.count).sorted {
                (Breakdown.wholeRun(ofGroup: keys[$0]), keys[$0]) < (Breakdown.wholeRun(ofGroup: keys[$1]), keys[$1])
            }
            for (i, g) in byValue.enumerated() {
                let whole = Breakdown.wholeRun(ofGroup: keys[g])
                body(b, keys[g], summary(ofGroup: g, letters, handingOnTo: wholeRun))
                if i + 1 == byValue.count || Breakdown.wholeRun(ofGroup: keys[byValue[i + 1]]) != whole {
                    body(b, whole, wholeRun.summary(type: letters.pair.type, asOf: asOf, limits: limits))
                }
            }
        }
    }

    /// Months of the trust × type assembled in parts whose cells may still get letters from a
    /// later part, by breakdown (`Breakdown.monthly` order) and group key; and the whole-run
    /// cells of its values so far, merged from their finished months.
    private var openMonths: [[UInt64: CellSummary]] = Breakdown.monthly.map { _ in [:] }
    private var wholeRuns: [[UInt64: CellSummary]] = Breakdown.monthly.map { _ in [:] }

    /// As `cells(_:_:)`, for one part of a trust × type assembled a few weeks at a time, in week
    /// order: calls `body` with each month cell whose month is before `monthsBefore` (every
    /// month, with the whole-run cells after, when nil: the trust × type's last part). A month
    /// split between parts is folded in each and its parts merged, and a whole-run cell merged
    /// from its months: merging adds counts and bucket counts, so the figures are the same as
    /// one fold's. Cost: a merge per month cell, beside the folds.
    mutating func cells(part letters: Letters, monthsBefore: Int?, _ body: (Breakdown, UInt64, CellSummary) -> Void) {
        for (i, b) in Breakdown.monthly.enumerated() {
            group(b, letters)
            for (g, key) in table.keys.enumerated() {
                openMonths[i][key, default: CellSummary()].merge(summary(ofGroup: g, letters))
            }
            let finished = openMonths[i].keys.filter { key in monthsBefore.map { Breakdown.parts(ofGroup: key).month! < $0 } ?? true }
            for key in finished.sorted() {
                let summary = openMonths[i].removeValue(forKey: key)!
                body(b, key, summary)
                wholeRuns[i][Breakdown.wholeRun(ofGroup: key), default: CellSummary()].merge(summary)
            }
            guard monthsBefore == nil else { continue }
            for key in wholeRuns[i].keys.sorted() { body(b, key, wholeRuns[i][key]!) }
            wholeRuns[i].removeAll()
        }
    }

    /// Lets go of arrays grown past `words`, after a large trust × type.
    mutating func shrink(keeping words: Int) {
        if groupOf.capacity > words { groupOf = [] }
        if byGroup.capacity > words { byGroup = [] }
    }

    /// Numbers the letters' groups under `b` and copies their fold words into group order (`byGroup`, `starts`).
    private mutating func group(_ b: Breakdown, _ letters: Letters) {
        let words = Self.words, foldWords = Self.foldWords
        let n = letters.count
        let pair = letters.pair.raw
        table.reset()
        groupOf.removeAll(keepingCapacity: true)
        groupOf.append(contentsOf: repeatElement(0, count: n))
        groupOf.withUnsafeMutableBufferPointer { groupOf in
            for k in 0..<n {
                let dimensions = letters.letters[k * words + 2]
                groupOf[k] = table.index(of: b.group(pair: pair, dimensions: dimensions, month: LetterDimensions.month(dimensions)))
            }
        }
        let groups = table.count
        starts.removeAll(keepingCapacity: true)
        starts.append(contentsOf: repeatElement(0, count: groups + 1))
        byGroup.removeAll(keepingCapacity: true)
        byGroup.append(contentsOf: repeatElement(0, count: n * foldWords))
        groupOf.withUnsafeBufferPointer { groupOf in
            starts.withUnsafeMutableBufferPointer { starts in
                for g in groupOf { starts[Int(g) + 1] += 1 }
                for g in 0..<groups { starts[g + 1] += starts[g] }
                var cursor = Array(starts)
                cursor.withUnsafeMutableBufferPointer { cursor in
                    byGroup.withUnsafeMutableBufferPointer { byGroup in
                        for (k, g) in groupOf.enumerated() {
                            let to = cursor[Int(g)] * foldWords
                            byGroup[to] = letters.letters[k * words]
                            byGroup[to + 1] = letters.letters[k * words + 1]
                            cursor[Int(g)] += 1
                        }
                    }
                }
            }
        }
    }

    /// The figures of group `g`'s letters, which are also handed on to `parent` when given.
    private func summary(ofGroup g: Int, _ letters: Letters, handingOnTo parent: LetterFold? = nil) -> CellSummary {
        let foldWords = Self.foldWords
        let fold = self.fold
        byGroup.withUnsafeBufferPointer { byGroup in
            for at in stride(from: starts[g] * foldWords, to: starts[g + 1] * foldWords, by: foldWords) {
                let record = byGroup[at], stage = byGroup[at + 1]
                if CellRecord.isOutstanding(record) {
                    let week = letters.keys[CellRecord.localCell(record)].week
                    fold.addOutstanding(event: CellRecord.event(ofOffset: CellRecord.offset(record), week: week), stage: stage)
                } else {
                    fold.addReceived(record, stage: stage)
                }
            }
        }
        return fold.summary(type: letters.pair.type, asOf: asOf, limits: limits, handingOnTo: parent)
    }
}
