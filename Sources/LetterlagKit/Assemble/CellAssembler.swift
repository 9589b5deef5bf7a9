import Foundation
import Synchronization

/// Turns a finished pass (each worker's delay extremes and spilled records) into cell summaries,
/// one spill partition at a time, and then the practice view, one range of practices at a time.
///
/// A partition holds every week of the trust × types it has (`CellRegistry.partition(of:)`),
/// and its cells number densely within it: grouping needs a counting sort, not a hash table,
/// and each trust × type's whole-run figures and breakdowns are folded with its weeks, so
/// nothing is kept from one partition to the next. At most `chunkRecords` records are held per
/// thread, about 45 bytes each with their breakdowns' copies: a larger trust × type is assembled
/// a few weeks at a time. Its counted letters go on to the practice view's spill
/// (`PracticeSpill`), which `PracticeAssembler` folds by practice once every partition is done.
/// Unchecked `Sendable`: it holds the workers' spill files, which the assembling threads only
/// read, each its own partitions.
public final class CellAssembler: @unchecked Sendable {
    let registry: CellRegistry
    /// Cells' delays too long for their records to hold exactly, with the records they belong to.
    let longDelays: [Int: [WorkerTally.LongDelay]]
    /// By worker number, each worker's cell records.
    let spills: [SpillFile]
    /// By worker number, each worker's count of records per cell.
    let counters: [WorkerTally.Counters]
    /// The records of rows set aside as repeats (`LetterKey.record`), by cell partition.
    let dropped: [SpillFile]
    let limits: ContractLimits
    let workers: Int
    /// Cell `c`'s records are in partition `c mod partitions` of every spill file.
    let partitions: Int
    /// The instant outstanding letters are judged at.
    public let asOf: Int64
    /// The practice view's partitions, cut from the workers' samples of practice codes.
    let practiceRanges: PracticeRanges
    /// Letters a practice partition places in memory at once (`PracticeAssembler.chunkLetters`).
    var practiceChunkLetters = PracticeAssembler.defaultChunkLetters
    /// Trust × letter types the last assembly left out of the practice view.
    private let lastOmissions = Mutex<[PracticeSpill.Omission]>([])
    /// Letters the last assembly left out of the practice view's months (`PracticeRecord.monthSlots`).
    private let lastMonthsLeftOut = Mutex(0)
    /// Seconds the last `forEachBatch` spent on the trust × letter type partitions, and then on the
    /// practice view's, each with its rows written by `body`.
    private let lastPhaseSeconds = Mutex((trustTypes: 0.0, practiceView: 0.0))
    /// Breakdown rows and weekly rows a batch holds at most, so that a partition of many
    /// practices or weeks is handed to the store in pieces. Each array stays under glibc's
    /// 128 KiB mmap threshold (`IngestPipeline.returnFreedMemoryPromptly`): at 512 breakdown
    /// rows (184 KiB) every batch was mapped, faulted in page by page and unmapped, 800 times
    /// and 35,000 page faults on a national run.
    static let breakdownRowsPerBatch = 256
    static let weeklyRowsPerBatch = 128

    /// `tallies` must be every worker's, in worker order, since locators name records by worker and index.
    init(registry: CellRegistry, tallies: [WorkerTally], dropped: [SpillFile], asOf: Int64, limits: ContractLimits, workers: Int) {
        precondition(tallies.map(\.worker) == Array(tallies.indices), "tallies must be in worker order")
        practiceRanges = PracticeRanges(samples: tallies.map { ($0.practices.values, $0.practices.every) })
        self.registry = registry
        var long: [Int: [WorkerTally.LongDelay]] = [:]
        for tally in tallies {
            for (cell, delays) in tally.longDelays { long[cell, default: []].append(contentsOf: delays) }
        }
        longDelays = long
        spills = tallies.map(\.spill)
        counters = tallies.map(\.counters)
        self.dropped = dropped
        partitions = registry.partitions
        self.asOf = asOf
        self.limits = limits
        self.workers = max(1, workers)
    }

    /// Records a thread holds at once: a partition, or a trust × type, of more is assembled a
    /// few weeks at a time (1.5 MiB of records, and 1.3 MiB more for its breakdowns), each part
    /// read from its spill in turn, so memory stays bounded however large a trust × type.
    var chunkRecords = CellAssembler.defaultChunkRecords
    static let defaultChunkRecords = 1 << 16

    /// The trust × letter types that the last `forEachBatch` left out of the practice view, with
    /// the practices each had named by then, in trust × type order.
    public var practiceOmissions: [PracticeOmission] {
        lastOmissions.withLock { $0 }.map {
            PracticeOmission(trust: registry.trustName($0.pair.trust), type: LetterType(rawValue: $0.pair.type)!, practices: $0.practices)
        }
    }

    /// Letters the last `forEachBatch` left out of the practice view's months, their event month
    /// being `PracticeRecord.monthSlots` months or more before the as-of month.
    public var practiceMonthsLeftOut: Int { lastMonthsLeftOut.withLock { $0 } }

    /// Seconds the last `forEachBatch` took over the trust × letter type partitions, and over the
    /// practice view's, each with its rows written: the parts of a run's store phase the phase log names.
    public var phaseSeconds: (trustTypes: Double, practiceView: Double) { lastPhaseSeconds.withLock { $0 } }

    /// How many cells the run has.
    public var cellCount: Int { registry.count }

    /// How many distinct trusts the run's cells name.
    public var trustCount: Int { registry.trustCount }

    /// A partition's share of the run, each part already made a row on an assembling thread:
    /// weekly cells, whole-run figures per trust × letter type, and breakdown cells.
    public struct Batch<CellRow: Sendable, TotalRow: Sendable, BreakdownRow: Sendable>: Sendable {
        public var cells: [CellRow] = []
        public var totals: [TotalRow] = []
        public var breakdowns: [BreakdownRow] = []
        /// The practice view's month rows, which stay plain values to the writer (`PracticeMonthRow`).
        public var practiceMonths: [PracticeMonthRow] = []
        var isEmpty: Bool { cells.isEmpty && totals.isEmpty && breakdowns.isEmpty && practiceMonths.isEmpty }

        /// Adds a weekly row, the batch's array made at its full size at the first, not grown by doubling.
        mutating func append(cell row: CellRow) {
            if cells.isEmpty { cells.reserveCapacity(CellAssembler.weeklyRowsPerBatch) }
            cells.append(row)
        }

        /// Adds a breakdown row, as `append(cell:)` adds a weekly one.
        mutating func append(breakdown row: BreakdownRow) {
            if breakdowns.isEmpty { breakdowns.reserveCapacity(CellAssembler.breakdownRowsPerBatch) }
            breakdowns.append(row)
        }

        /// Adds a month row of the practice view, as `append(cell:)` adds a weekly one.
        mutating func append(practiceMonth row: PracticeMonthRow) {
            if practiceMonths.isEmpty { practiceMonths.reserveCapacity(CellAssembler.breakdownRowsPerBatch) }
            practiceMonths.append(row)
        }

        /// Hands the batch to `emit` and starts an empty one once any kind of row fills its share.
        mutating func handOnIfFull(_ emit: (Batch) -> Void) {
            guard cells.count >= CellAssembler.weeklyRowsPerBatch || breakdowns.count >= CellAssembler.breakdownRowsPerBatch
                || practiceMonths.count >= CellAssembler.breakdownRowsPerBatch else { return }
            emit(self)
            self = Batch()
        }
    }

    /// Calls `body` on the calling thread with each partition's weekly cells, whole-run figures
    /// and breakdown cells, turned into rows by `cell`, `total` and `breakdown` on the
    /// assembling threads; at most `workers + 1` batches wait at once, each of at most
    /// `weeklyRowsPerBatch` weekly and `breakdownRowsPerBatch` breakdown rows. The trust ×
    /// letter type partitions come first, then the practice view's (`PracticeAssembler`), in
    /// its table's key order. With `discardingSpills`, each spill file is closed as soon as it
    /// has been read for the last time, while `body` still works; the cells cannot be read again.
    public func forEachBatch<CellRow: Sendable, TotalRow: Sendable, BreakdownRow: Sendable>(
        discardingSpills: Bool = false,
        cell: @escaping @Sendable (CellID, CellSummary) -> CellRow,
        total: @escaping @Sendable (TrustType, CellSummary) -> TotalRow,
        breakdown: @escaping @Sendable (BreakdownCell) -> BreakdownRow,
        _ body: (Batch<CellRow, TotalRow, BreakdownRow>) throws -> Void) throws {
        let started = DispatchTime.now().uptimeNanoseconds
        let asOfMonth = CivilDate.monthIndex(days: LondonClock.shared.localDay(fromUTC: asOf))
        let practices = PracticeSpill(ranges: practiceRanges, asOfMonth: asOfMonth)
        try PartitionPipeline.run(count: partitions, workers: workers,
            makeState: {
                Scratch(breakdowns: BreakdownAssembler(asOf: self.asOf, limits: self.limits), practices: try practices.writer())
            },
            produce: { p, scratch, emit in
                try self.assemble(partition: p, scratch: &scratch, cell: cell, total: total, breakdown: breakdown, emit: emit)
            },
            finished: { if discardingSpills { (self.spills + self.dropped).forEach { $0.discard() } } },
            consume: body)
        let files = practices.files, flowFiles = practices.flowFiles
        for file in files + flowFiles { try file.finish() }
        let trustTypesDone = DispatchTime.now().uptimeNanoseconds
        let omitted = practices.omitted
        lastOmissions.withLock { $0 = practices.omissions }
        lastMonthsLeftOut.withLock { $0 = practices.monthsLeftOut }
        try PartitionPipeline.run(count: practiceRanges.count, workers: workers,
            makeState: {
                PracticeAssembler(asOf: self.asOf, limits: self.limits, asOfMonth: asOfMonth, chunkLetters: self.practiceChunkLetters,
                                  monthLetters: self.practiceChunkLetters)
            },
            produce: { p, assembler, emit in
                var batch = Batch<CellRow, TotalRow, BreakdownRow>()
                try assembler.cells(partition: p, files: files, flowFiles: flowFiles, omitted: omitted,
                                    trustName: self.registry.trustName) { cell in
                    batch.append(breakdown: breakdown(cell))
                    batch.handOnIfFull(emit)
                } months: { row in
                    batch.append(practiceMonth: row)
                    batch.handOnIfFull(emit)
                }
                assembler.shrink(keeping: Scratch.keptWords)
                if !batch.isEmpty { emit(batch) }
            },
            finished: { if discardingSpills { (files + flowFiles).forEach { $0.discard() } } },
            consume: body)
        let done = DispatchTime.now().uptimeNanoseconds
        lastPhaseSeconds.withLock { $0 = (Double(trustTypesDone - started) / 1e9, Double(done - trustTypesDone) / 1e9) }
    }

    /// Every cell of the run; for tests and small runs, since it holds all weekly histograms at once.
    public func allCells() throws -> [CellID: CellSummary] {
        var all: [CellID: CellSummary] = [:]
        try forEachBatch(cell: { ($0, $1) }, total: { _, _ in 0 }, breakdown: { _ in 0 }) { batch in
            for (id, cell) in batch.cells { all[id] = cell }
        }
        return all
    }

    /// Every breakdown cell of the run; for tests and small runs.
    public func allBreakdownCells() throws -> [BreakdownCell] {
        var all: [BreakdownCell] = []
        try forEachBatch(cell: { _, _ in 0 }, total: { _, _ in 0 }, breakdown: { $0 }) { batch in
            all.append(contentsOf: batch.breakdowns)
            all.append(contentsOf: batch.practiceMonths.map(\.cell))
        }
        return all
    }

    /// One assembling thread's arrays, kept from partition to partition: allocated afresh they
    /// would be mapped, zeroed and unmapped each time, which measured about 0.1 s at 10M rows.
    /// Those a partition of a large trust × type grew past `keptWords` are let go after it
    /// (`shrink`), so that two threads do not each keep the largest partition's memory.
    struct Scratch {
        /// The partition's counted records in cell key order (trust × type, then week), so that
        /// each cell's and each trust × type's letters are one run of words, read in order.
        var sorted: [UInt64] = []
        /// One bit per record of the partition, repeats included: set for a repeat's record, which
        /// does not count; empty when the partition has none.
        var skip: [UInt64] = []
        let fold = LetterFold(longDelaysExact: true)
        /// The whole run of the trust × type being assembled, handed each week's letters as the
        /// week is drained (`LetterFold.summary(handingOnTo:)`).
        let wholeRun = LetterFold(longDelaysExact: true)
        var breakdowns: BreakdownAssembler
        /// This thread's share of the practice view's spill.
        var practices: PracticeSpill.Writer

        /// Words of an array kept for the next partition: 2 MiB, a national partition's records.
        static let keptWords = 1 << 18

        /// Whether record `i` of the partition (numbered as `skip` is) counts.
        @inline(__always)
        static func counts(_ i: Int, skip: [UInt64]) -> Bool { skip.isEmpty || skip[i >> 6] & (1 << UInt64(i & 63)) == 0 }

        mutating func shrink() {
            if sorted.capacity > Self.keptWords { sorted = [] }
            breakdowns.shrink(keeping: Self.keptWords)
        }
    }

    /// Calls `body` with each counted record of partition `p` (its `CellRecord.words` words from
    /// the pointer), in the order the workers' spills number them, through a 4 KiB buffer: the
    /// partition is read as it lies on disk, and never held whole beside its sorted copy.
    @inline(__always)
    private func forEachCountedRecord(partition p: Int, skip: [UInt64], _ body: (UnsafePointer<UInt64>) -> Void) throws {
        let words = CellRecord.words
        var i = 0
        for spill in spills {
            try spill.forEachBlock(partition: p) { block in
                var at = 0
                while at < block.count {
                    if Scratch.counts(i, skip: skip) { body(block.baseAddress! + at) }
                    i += 1
                    at += words
                }
            }
        }
    }

    /// Assembles partition `p`: each trust × type's weekly cells, then its whole-run figures and
    /// breakdown cells, handed to `emit` as rows in batches.
    ///
    /// Records are placed in cell key order by a counting sort, sized from the workers' counts of
    /// each cell's records (or, in a partition with repeats, from a first read of the spill):
    /// gathering them by index instead stalled on a cache miss per record, which measured most
    /// of the assembly's own time.
    func assemble<CellRow, TotalRow, BreakdownRow>(
        partition p: Int, scratch: inout Scratch,
        cell makeCell: (CellID, CellSummary) -> CellRow, total makeTotal: (TrustType, CellSummary) -> TotalRow,
        breakdown makeBreakdown: (BreakdownCell) -> BreakdownRow, emit: (Batch<CellRow, TotalRow, BreakdownRow>) -> Void) throws {
        let keys = registry.keys(inPartition: p)
        let localCount = keys.count
        guard localCount > 0 else { return }
        let bits = partitions.trailingZeroBitCount
        let words = CellRecord.words
        // Records are numbered across the workers' spills in worker order, repeats included, as
        // their locators name them.
        var firstRecord: [Int] = []
        var total = 0
        for spill in spills {
            firstRecord.append(total)
            total += spill.count(of: p) / words
        }
        let drops = dropped.reduce(0) { $0 + $1.count(of: p) }
        scratch.skip.removeAll(keepingCapacity: true)
        if drops > 0 {
            scratch.skip.append(contentsOf: repeatElement(0, count: (total + 63) / 64))
            for d in dropped {
                try d.forEachBlock(partition: p) { block in
                    for r in block {
                        let i = Self.position(of: r, firstRecord: firstRecord)
                        scratch.skip[i >> 6] |= 1 << UInt64(i & 63)
                    }
                }
            }
        }
        let skip = scratch.skip
        // Cells in key order: trust × type, then week; `rank` is a local cell's place in it.
        let byKey = (0..<localCount).sorted { keys[$0] < keys[$1] }
        var rank = [Int](repeating: 0, count: localCount)
        for (r, local) in byKey.enumerated() { rank[local] = r }
        var starts = [Int](repeating: 0, count: localCount + 1)
        if drops == 0 {
            // Every record counts: the workers counted each cell's as they spilled them.
            for local in 0..<localCount {
                starts[rank[local] + 1] = counters.reduce(0) { $0 + $1.records(partition: p, local: local) }
            }
        } else {
            try rank.withUnsafeBufferPointer { rank in
                try starts.withUnsafeMutableBufferPointer { starts in
                    try forEachCountedRecord(partition: p, skip: skip) { starts[rank[CellRecord.localCell($0[0])] + 1] += 1 }
                }
            }
        }
        for r in 0..<localCount { starts[r + 1] += starts[r] }
        var batch = Batch<CellRow, TotalRow, BreakdownRow>()
        // The partition's cells in chunks of at most `chunkRecords` records: whole trust × types
        // where they fit, and one larger than that a few weeks at a time, so that memory stays
        // bounded however many letters a trust × type has.
        var chunks: [Range<Int>] = []
        var open = 0, first = 0
        while first < localCount {
            let pair = keys[byKey[first]].pair
            var end = first + 1
            while end < localCount && keys[byKey[end]].pair == pair { end += 1 }
            if starts[end] - starts[open] > chunkRecords && open < first {
                chunks.append(open..<first)
                open = first
            }
            if starts[end] - starts[first] > chunkRecords {
                var week = first
                while week < end {
                    var last = week + 1
                    while last < end && starts[last + 1] - starts[week] <= chunkRecords { last += 1 }
                    chunks.append(week..<last)
                    week = last
                }
                open = end
            }
            first = end
        }
        if open < localCount { chunks.append(open..<localCount) }
        // A partition of several chunks is read once more, to route each record to its chunk's
        // part of a spill of its own, rather than once per chunk.
        var routed: SpillFile?
        defer { routed?.discard() }
        if chunks.count > 1 {
            var chunkOf = [Int](repeating: 0, count: localCount)
            for (c, chunk) in chunks.enumerated() { for r in chunk { chunkOf[r] = c } }
            let file = try SpillFile(partitions: chunks.count, stride: words)
            try rank.withUnsafeBufferPointer { rank in
                try forEachCountedRecord(partition: p, skip: skip) { record in
                    file.append(record: (record[0], record[1], record[2]), to: chunkOf[rank[CellRecord.localCell(record[0])]])
                }
            }
            try file.finish()
            routed = file
        }
        for (c, chunk) in chunks.enumerated() {
            let chunkStart = chunk.lowerBound, chunkEnd = chunk.upperBound
            if let routed {
                try load(ranks: chunk, rank: rank, starts: starts, into: &scratch.sorted) { visit in
                    try routed.forEachBlock(partition: c) { block in
                        var at = 0
                        while at < block.count {
                            visit(block.baseAddress! + at)
                            at += words
                        }
                    }
                }
            } else {
                try load(ranks: chunk, rank: rank, starts: starts, into: &scratch.sorted) { visit in
                    try forEachCountedRecord(partition: p, skip: skip, visit)
                }
            }
            var first = chunkStart
            while first < chunkEnd {
                let pair = keys[byKey[first]].pair
                var end = first + 1
                while end < chunkEnd && keys[byKey[end]].pair == pair { end += 1 }
                // The trust × type's first and last cells, and where the next part of it starts.
                let opens = first == 0 || keys[byKey[first - 1]].pair != pair
                let next = end < localCount && keys[byKey[end]].pair == pair ? keys[byKey[end]].week : nil
                assemble(pair: pair, ranks: first..<end, base: starts[chunkStart], opens: opens, nextWeek: next, byKey: byKey,
                             keys: keys, starts: starts, firstRecord: firstRecord, partitionBits: bits, partition: p, scratch: &scratch,
                             batch: &batch, cell: makeCell, total: makeTotal, breakdown: makeBreakdown, emit: emit)
                first = end
            }
        }
        scratch.shrink()
        if !batch.isEmpty { emit(batch) }
    }

    /// Fills `sorted` with the records of the cells key order places at `ranks`, in that order,
    /// from those `records` visits (a partition's counted records, or its chunk's routed part);
    /// sized exactly, since growing by doubling held two arrays at once, and only records that
    /// count are kept, so an extract of every row twice holds no more than the rows once.
    private func load(ranks: Range<Int>, rank: [Int], starts: [Int], into sorted: inout [UInt64],
                      _ records: ((UnsafePointer<UInt64>) -> Void) throws -> Void) throws {
        let words = CellRecord.words
        let base = starts[ranks.lowerBound], count = starts[ranks.upperBound] - base
        sorted.removeAll(keepingCapacity: true)
        sorted.reserveCapacity(count * words)
        sorted.append(contentsOf: repeatElement(0, count: count * words))
        var cursor = starts
        let whole = ranks.count == rank.count
        try rank.withUnsafeBufferPointer { rank in
            try cursor.withUnsafeMutableBufferPointer { cursor in
                try sorted.withUnsafeMutableBufferPointer { sorted in
                    try records { record in
                        let r = rank[CellRecord.localCell(record[0])]
                        guard whole || ranks.contains(r) else { return }
                        (sorted.baseAddress! + (cursor[r] - base) * words).update(from: record, count: words)
                        cursor[r] += 1
                    }
                }
            }
        }
    }

    /// A repeat's or long delay's record as numbered in its partition, from its locator.
    @inline(__always)
    static func position(of locator: UInt64, firstRecord: [Int]) -> Int {
        firstRecord[LetterKey.worker(ofRecord: locator)] + LetterKey.index(ofRecord: locator)
    }

    /// One trust × type of the partition, or the part of it whose cells key order places at
    /// `ranks` (`opens` when its first, `nextWeek` the week its next part starts with, nil when
    /// its last), whose records `sorted` holds from record `base` on: its weeks folded and handed
    /// on to its whole-run figures, and its counted letters broken down.
    private func assemble<CellRow, TotalRow, BreakdownRow>(
        pair: TrustTypePair, ranks: Range<Int>, base: Int, opens: Bool, nextWeek: Int?, byKey: [Int], keys: [CellKey],
        starts: [Int], firstRecord: [Int],
        partitionBits bits: Int, partition p: Int, scratch: inout Scratch,
        batch: inout Batch<CellRow, TotalRow, BreakdownRow>,
        cell makeCell: (CellID, CellSummary) -> CellRow, total makeTotal: (TrustType, CellSummary) -> TotalRow,
        breakdown makeBreakdown: (BreakdownCell) -> BreakdownRow, emit: (Batch<CellRow, TotalRow, BreakdownRow>) -> Void) {
        let words = CellRecord.words
        let fold = scratch.fold
        let skip = scratch.skip
        scratch.sorted.withUnsafeMutableBufferPointer { sorted in
            for r in ranks {
                let local = byKey[r]
                let key = keys[local]
                for long in longDelays[local << bits | p] ?? []
                where Scratch.counts(Self.position(of: long.record, firstRecord: firstRecord), skip: skip) {
                    fold.noteLongDelay(long.delay)
                }
                let months = WeekMonths(week: key.week)
                var at = (starts[r] - base) * words
                for _ in starts[r]..<starts[r + 1] {
                    let record = sorted[at], stage = sorted[at + 1], dimensions = sorted[at + 2]
                    if !CellRecord.isOutstanding(record) {
                        fold.addReceived(record, stage: stage)
                    } else {
                        fold.addOutstanding(event: CellRecord.event(ofOffset: CellRecord.offset(record), week: key.week), stage: stage)
                    }
                    // From here on the breakdowns read the event's month where its day was.
                    sorted[at + 2] = LetterDimensions.withMonth(dimensions, month: months.month(ofDay: LetterDimensions.eventDay(dimensions)))
                    at += words
                }
                let summary = fold.summary(type: key.type, asOf: asOf, limits: limits, handingOnTo: scratch.wholeRun)
                batch.append(cell: makeCell(registry.cellID(ofKey: key), summary))
                batch.handOnIfFull(emit)
            }
            let trust = registry.trustName(pair.trust), type = LetterType(rawValue: pair.type)!
            if nextWeek == nil {
                batch.totals.append(makeTotal(TrustType(trust: trust, type: type),
                                              scratch.wholeRun.summary(type: pair.type, asOf: asOf, limits: limits)))
            }
            let gathered = UnsafeBufferPointer(rebasing: sorted[(starts[ranks.lowerBound] - base) * words..<(starts[ranks.upperBound] - base) * words])
            let letters = BreakdownAssembler.Letters(pair: pair, letters: gathered, keys: keys)
            func add(_ b: Breakdown, _ group: UInt64, _ summary: CellSummary) {
                let (_, value, month) = Breakdown.parts(ofGroup: group)
                batch.append(breakdown: makeBreakdown(BreakdownCell(breakdown: b, trust: trust, type: type, value: value,
                                                                    month: month, summary: summary, middle: nil)))
                batch.handOnIfFull(emit)
            }
            if opens && nextWeek == nil {
                scratch.breakdowns.cells(letters, add)
            } else {
                let complete = nextWeek.map { CivilDate.monthIndex(days: CivilDate.monday(ofWeek: $0)) }
                scratch.breakdowns.cells(part: letters, monthsBefore: complete, add)
            }
            scratch.practices.write(letters, asOf: asOf)
            if nextWeek == nil { scratch.practices.endTrustType() }
        }
    }
}
