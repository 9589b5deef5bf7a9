import Foundation

/// Turns a finished pass (each worker's delay extremes and spilled records) into cell summaries,
/// one spill partition at a time, so only a partition's records are ever in memory per thread.
///
/// Cell `c` spills to partition `c mod n` (n a power of two), so a partition holds whole cells,
/// and its cells number densely as `c / n`: grouping needs a counting sort, not a hash table.
public final class CellAssembler: @unchecked Sendable {
    let registry: CellRegistry
    let keys: [CellKey]
    /// Cells' delays too long for their records to hold exactly, with the records they belong to.
    let longDelays: [Int: [WorkerTally.LongDelay]]
    /// By worker number, each worker's cell records.
    let spills: [SpillFile]
    /// The records of rows set aside as repeats (`LetterKey.record`), by cell partition.
    let dropped: [SpillFile]
    let limits: ContractLimits
    let workers: Int
    /// Cell `c`'s records are in partition `c mod partitions` of every spill file.
    let partitions: Int
    /// The instant outstanding letters are judged at.
    public let asOf: Int64

    /// `tallies` must be every worker's, in worker order, since locators name records by worker and index.
    /// Practice cells past which the breakdowns refuse the run.
    let practiceCellLimit: Int

    init(registry: CellRegistry, tallies: [WorkerTally], dropped: [SpillFile], asOf: Int64, limits: ContractLimits, workers: Int,
         practiceCellLimit: Int = BreakdownAssembler.practiceCellLimit) {
        self.practiceCellLimit = practiceCellLimit
        precondition(tallies.map(\.worker) == Array(tallies.indices), "tallies must be in worker order")
        self.registry = registry
        keys = registry.keys
        var long: [Int: [WorkerTally.LongDelay]] = [:]
        for tally in tallies {
            for (cell, delays) in tally.longDelays { long[cell, default: []].append(contentsOf: delays) }
        }
        longDelays = long
        spills = tallies.map(\.spill)
        self.dropped = dropped
        partitions = tallies.first?.recordPartitions ?? WorkerTally.defaultPartitions
        self.asOf = asOf
        self.limits = limits
        self.workers = max(1, workers)
    }

    /// How many cells the run has.
    public var cellCount: Int { keys.count }

    /// How many distinct trusts the run's cells name.
    public var trustCount: Int { Set(keys.map(\.trust)).count }

    /// Calls `body` on the calling thread with each partition's cells, each turned into a `Row`
    /// by `prepare` on the assembling threads, and returns the whole-run figures per trust ×
    /// letter type, also merged on those threads; at most `workers + 1` batches are held at once.
    ///
    /// The assembling threads also spill each counted letter once more for the breakdowns,
    /// which `forEachBreakdownBatch` then assembles. With `discardingSpills`, the cell spill
    /// files are closed as soon as the last partition is assembled, while `body` still works;
    /// the cells cannot be read again, though the breakdowns can.
    @discardableResult
    public func forEachBatch<Row: Sendable>(discardingSpills: Bool = false, prepare: @escaping @Sendable (CellID, CellSummary) -> Row,
                                            _ body: ([Row]) throws -> Void) throws -> [TrustType: CellSummary] {
        let wholeRun = WholeRunTotals(keys: keys, registry: registry)
        let breakdowns = BreakdownSpill.Collection()
        let partitions = self.partitions, directory = spills.first?.directory ?? SpillFile.defaultDirectory
        try PartitionPipeline.run(count: partitions, workers: workers,
            makeState: { Scratch(breakdowns: try BreakdownSpill(partitions: partitions, directory: directory)) },
            produce: { p, scratch -> [Row] in
                let cells = try self.cells(inPartition: p, scratch: &scratch)
                for (key, _, cell) in cells { wholeRun.add(key, cell) }
                return cells.map { prepare($0.1, $0.2) }
            },
            done: { scratch in breakdowns.add(scratch.breakdowns) },
            finished: { if discardingSpills { (self.spills + self.dropped).forEach { $0.discard() } } },
            consume: body)
        breakdownSpills = try breakdowns.finished()
        return wholeRun.result()
    }

    /// The breakdown spills the last `forEachBatch` made, one per assembling thread.
    private var breakdownSpills: [BreakdownSpill] {
        get { lock.withLock { _breakdownSpills } }
        set { lock.withLock { _breakdownSpills = newValue } }
    }
    private let lock = NSLock()
    private var _breakdownSpills: [BreakdownSpill] = []

    /// Calls `body` on the calling thread with the breakdown cells (`Breakdown`) of each
    /// breakdown partition, turned into rows by `prepare` on the assembling threads; call after
    /// `forEachBatch`, whose letters they are. Refuses a run with more practice cells than
    /// `practiceCellLimit`.
    public func forEachBreakdownBatch<Row: Sendable>(prepare: @escaping @Sendable (BreakdownCell) -> Row,
                                                     _ body: ([Row]) throws -> Void) throws {
        let assembler = BreakdownAssembler(spills: breakdownSpills, registry: registry, asOf: asOf, limits: limits,
                                           practiceCellLimit: practiceCellLimit)
        try assembler.run(workers: workers, prepare: prepare, body)
        breakdownSpills = []
    }

    /// Every cell of the run; for tests and small runs, since it holds all weekly histograms at once.
    public func allCells() throws -> [CellID: CellSummary] {
        var all: [CellID: CellSummary] = [:]
        try forEachBatch(prepare: { ($0, $1) }) { batch in
            for (id, cell) in batch { all[id] = cell }
        }
        return all
    }

    /// Every breakdown cell of the run, the cells assembled again first to spill their letters;
    /// for tests and small runs.
    public func allBreakdownCells() throws -> [BreakdownCell] {
        try forEachBatch(prepare: { _, _ in 0 }) { _ in }
        var all: [BreakdownCell] = []
        try forEachBreakdownBatch(prepare: { $0 }) { all.append(contentsOf: $0) }
        return all
    }

    /// One assembling thread's arrays, kept from partition to partition: allocated afresh they
    /// would be mapped, zeroed and unmapped each time, which measured about 0.1 s at 10M rows.
    struct Scratch {
        var records: [UInt64] = []
        /// Record numbers, grouped by cell.
        var grouped: [UInt32] = []
        var drops: [UInt64] = []
        /// One bit per record of the partition: set for a repeat's record, which does not count.
        var skip: [UInt64] = []
        let fold = LetterFold(longDelaysExact: true)
        let breakdowns: BreakdownSpill
    }

    /// The cells whose records are in partition `p`, with their keys; their counted letters
    /// also go to `scratch.breakdowns`.
    func cells(inPartition p: Int, scratch: inout Scratch) throws -> [(CellKey, CellID, CellSummary)] {
        let width = partitions
        let bits = partitions.trailingZeroBitCount
        let words = CellRecord.words
        let localCount = keys.count > p ? (keys.count - p + width - 1) / width : 0
        guard localCount > 0 else { return [] }
        scratch.records.removeAll(keepingCapacity: true)
        var firstRecord: [Int] = []
        for spill in spills {
            firstRecord.append(scratch.records.count / words)
            try spill.read(partition: p, into: &scratch.records)
        }
        let records = scratch.records
        let recordCount = records.count / words
        scratch.drops.removeAll(keepingCapacity: true)
        for d in dropped { try d.read(partition: p, into: &scratch.drops) }
        let skipping = !scratch.drops.isEmpty
        @inline(__always) func position(_ record: UInt64) -> Int {
            firstRecord[LetterKey.worker(ofRecord: record)] + LetterKey.index(ofRecord: record)
        }
        if skipping {
            scratch.skip.removeAll(keepingCapacity: true)
            scratch.skip.append(contentsOf: repeatElement(0, count: (recordCount + 63) / 64))
            for d in scratch.drops {
                let i = position(d)
                scratch.skip[i >> 6] |= 1 << UInt64(i & 63)
            }
        }
        let skip = scratch.skip
        @inline(__always) func counts(_ i: Int) -> Bool { !skipping || skip[i >> 6] & (1 << UInt64(i & 63)) == 0 }

        var starts = [Int](repeating: 0, count: localCount + 1)
        scratch.grouped.removeAll(keepingCapacity: true)
        scratch.grouped.append(contentsOf: repeatElement(0, count: recordCount - scratch.drops.count))
        // A counting sort of record numbers by cell, on raw pointers: through the arrays, every
        // store re-checked uniqueness.
        records.withUnsafeBufferPointer { records in
            starts.withUnsafeMutableBufferPointer { starts in
                for i in 0..<recordCount where counts(i) { starts[CellRecord.localCell(records[i * words]) + 1] += 1 }
                for i in 0..<localCount { starts[i + 1] += starts[i] }
                var cursor = Array(starts)
                cursor.withUnsafeMutableBufferPointer { cursor in
                    scratch.grouped.withUnsafeMutableBufferPointer { grouped in
                        for i in 0..<recordCount where counts(i) {
                            let local = CellRecord.localCell(records[i * words])
                            grouped[cursor[local]] = UInt32(truncatingIfNeeded: i)
                            cursor[local] += 1
                        }
                    }
                }
            }
        }
        let grouped = scratch.grouped
        let fold = scratch.fold
        let breakdowns = scratch.breakdowns
        var out: [(CellKey, CellID, CellSummary)] = []
        out.reserveCapacity(localCount)
        for local in 0..<localCount {
            let cell = local << bits | p
            let key = keys[cell]
            let id = registry.cellID(ofKey: key)
            for long in longDelays[cell] ?? [] where counts(position(long.record)) { fold.noteLongDelay(long.delay) }
            let months = BreakdownSpill.WeekMonths(week: key.week)
            let pair = key.pair.raw
            for i in grouped[starts[local]..<starts[local + 1]] {
                let at = Int(i) * words
                let r = records[at], stage = records[at + 1], dimensions = records[at + 2]
                if !CellRecord.isOutstanding(r) {
                    fold.addReceived(r, stage: stage)
                    breakdowns.add(pair: pair, record: r, stage: stage, dimensions: dimensions, months: months)
                } else {
                    let event = CellRecord.event(ofOffset: CellRecord.offset(r), week: key.week)
                    fold.addOutstanding(event: event, stage: stage)
                    breakdowns.add(pair: pair, outstandingEvent: event, stage: stage, dimensions: dimensions, months: months)
                }
            }
            out.append((key, id, fold.summary(type: key.type, asOf: asOf, limits: limits)))
        }
        return out
    }
}
