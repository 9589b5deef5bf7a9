import Foundation

/// Turns a finished pass (each worker's delay extremes and spilled records) into cell summaries,
/// one spill partition at a time, so only a partition's records are ever in memory per thread.
///
/// Cell `c` spills to partition `c mod n` (n a power of two), so a partition holds whole cells,
/// and its cells number densely as `c / n`: grouping needs a counting sort, not a hash table.
public final class CellAssembler: @unchecked Sendable {
    let registry: CellRegistry
    let keys: [UInt64]
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
    init(registry: CellRegistry, tallies: [WorkerTally], dropped: [SpillFile], asOf: Int64, limits: ContractLimits, workers: Int) {
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
    public var trustCount: Int { Set(keys.map { $0 >> 32 }).count }

    /// Calls `body` on the calling thread with each partition's cells, each turned into a `Row`
    /// by `prepare` on the assembling threads, and returns the whole-run figures per trust ×
    /// letter type, also merged on those threads; at most `workers + 1` batches are held at once.
    ///
    /// The calling thread is left only `body`, which is the one part that cannot run in parallel
    /// when it writes to SQLite. With `discardingSpills`, the spill files are closed as soon as the
    /// last partition is assembled, while `body` still works; this assembler cannot be read again.
    @discardableResult
    public func forEachBatch<Row: Sendable>(discardingSpills: Bool = false, prepare: @escaping @Sendable (CellID, CellSummary) -> Row,
                                            _ body: ([Row]) throws -> Void) throws -> [TrustType: CellSummary] {
        let results = WorkQueue<Result<[Row], Error>>()
        let slots = DispatchSemaphore(value: workers + 1)
        let next = PartitionCounter(0)
        let workers = self.workers
        let wholeRun = WholeRunTotals(keys: keys, registry: registry)
        DispatchQueue.global().async {
            DispatchQueue.concurrentPerform(iterations: workers) { _ in WorkerPriority.asWorker {
                var scratch = Scratch()
                while true {
                    slots.wait()
                    let p = next.take()
                    guard p < self.partitions else {
                        slots.signal()
                        return
                    }
                    results.push(Result {
                        let cells = try self.cells(inPartition: p, scratch: &scratch)
                        for (key, _, cell) in cells { wholeRun.add(key, cell) }
                        return cells.map { prepare($0.1, $0.2) }
                    })
                }
            } }
            if discardingSpills { (self.spills + self.dropped).forEach { $0.discard() } }
            results.close()
        }
        var failure: Error?
        while let result = results.pop() {
            slots.signal()
            guard failure == nil else { continue }
            do {
                try body(try result.get())
            } catch {
                failure = error
                next.stop()
            }
        }
        if let failure { throw failure }
        return wholeRun.result()
    }

    /// Every cell of the run; for tests and small runs, since it holds all weekly histograms at once.
    public func allCells() throws -> [CellID: CellSummary] {
        var all: [CellID: CellSummary] = [:]
        try forEachBatch(prepare: { ($0, $1) }) { batch in
            for (id, cell) in batch { all[id] = cell }
        }
        return all
    }

    /// One assembling thread's arrays, kept from partition to partition: allocated afresh they
    /// would be mapped, zeroed and unmapped each time, which measured about 0.1 s at 10M rows.
    struct Scratch {
        var records: [UInt64] = []
        var grouped: [UInt64] = []
        var drops: [UInt64] = []
        /// One bit per record of the partition: set for a repeat's record, which does not count.
        var skip: [UInt64] = []
    }

    /// The cells whose records are in partition `p`, with their keys.
    func cells(inPartition p: Int, scratch: inout Scratch) throws -> [(UInt64, CellID, CellSummary)] {
        let width = partitions
        let bits = partitions.trailingZeroBitCount
        let localCount = keys.count > p ? (keys.count - p + width - 1) / width : 0
        guard localCount > 0 else { return [] }
        scratch.records.removeAll(keepingCapacity: true)
        var firstRecord: [Int] = []
        for spill in spills {
            firstRecord.append(scratch.records.count)
            try spill.read(partition: p, into: &scratch.records)
        }
        let records = scratch.records
        scratch.drops.removeAll(keepingCapacity: true)
        for d in dropped { try d.read(partition: p, into: &scratch.drops) }
        let skipping = !scratch.drops.isEmpty
        @inline(__always) func position(_ record: UInt64) -> Int {
            firstRecord[LetterKey.worker(ofRecord: record)] + LetterKey.index(ofRecord: record)
        }
        if skipping {
            scratch.skip.removeAll(keepingCapacity: true)
            scratch.skip.append(contentsOf: repeatElement(0, count: (records.count + 63) / 64))
            for d in scratch.drops {
                let i = position(d)
                scratch.skip[i >> 6] |= 1 << UInt64(i & 63)
            }
        }
        let skip = scratch.skip
        @inline(__always) func counts(_ i: Int) -> Bool { !skipping || skip[i >> 6] & (1 << UInt64(i & 63)) == 0 }

        var starts = [Int](repeating: 0, count: localCount + 1)
        scratch.grouped.removeAll(keepingCapacity: true)
        scratch.grouped.append(contentsOf: repeatElement(0, count: records.count - scratch.drops.count))
        // A counting sort by cell, on raw pointers: through the arrays, every store re-checked uniqueness.
        records.withUnsafeBufferPointer { records in
            starts.withUnsafeMutableBufferPointer { starts in
                for (i, r) in records.enumerated() where counts(i) { starts[CellRecord.localCell(r) + 1] += 1 }
                for i in 0..<localCount { starts[i + 1] += starts[i] }
                var cursor = Array(starts)
                cursor.withUnsafeMutableBufferPointer { cursor in
                    scratch.grouped.withUnsafeMutableBufferPointer { grouped in
                        for (i, r) in records.enumerated() where counts(i) {
                            let local = CellRecord.localCell(r)
                            grouped[cursor[local]] = r
                            cursor[local] += 1
                        }
                    }
                }
            }
        }
        let grouped = scratch.grouped

        let delays = DenseBuckets()
        let working = DenseBuckets()
        var offsets: [Int] = []
        var out: [(UInt64, CellID, CellSummary)] = []
        out.reserveCapacity(localCount)
        for local in 0..<localCount {
            let cell = local << bits | p
            let key = keys[cell]
            let id = registry.cellID(ofKey: key)
            var e = WorkerTally.DelayExtremes()
            for long in longDelays[cell] ?? [] where counts(position(long.record)) { e.note(long.delay) }
            var s = CellSummary()
            var received = 0, due = 0, withinLimit = 0, within3d = 0, within4d = 0
            offsets.removeAll(keepingCapacity: true)
            for r in grouped[starts[local]..<starts[local + 1]] {
                if !CellRecord.isOutstanding(r) {
                    received += 1
                    let exact = CellRecord.exactDelay(r)
                    if exact >= 0 { e.note(exact) }
                    if r & CellRecord.due != 0 { due += 1 }
                    if r & CellRecord.withinLimit != 0 { withinLimit += 1 }
                    if r & CellRecord.within3d != 0 { within3d += 1 }
                    if r & CellRecord.within4d != 0 { within4d += 1 }
                    delays.add(CellRecord.delayBucket(r))
                    working.add(CellRecord.workingBucket(r))
                } else {
                    offsets.append(CellRecord.offset(r))
                }
            }
            s.letters = starts[local + 1] - starts[local]
            s.received = received
            s.due = due
            s.withinLimit = withinLimit
            s.due3d = received
            s.within3d = within3d
            s.due4d = received
            s.within4d = within4d
            if let (lowest, highest) = working.occupiedRange {
                s.workingDays = working.drain()
                s.workingDays.noteExtremes(minimum: LatencyHistogram.range(of: lowest).lower,
                                           maximum: LatencyHistogram.range(of: highest).lower)
                s.delay = delays.drain()
                s.delay.noteExtremes(minimum: e.shortest, maximum: e.longest)
            }
            // Latest events first, so ages arrive in ascending order.
            offsets.sort(by: >)
            for offset in offsets {
                let event = CellRecord.event(ofOffset: offset, week: id.week)
                let age = asOf - event
                s.outstanding += 1
                s.outstandingAge.record(age)
                let limit = limits.limitSeconds(type: id.type.rawValue, eventDay: LondonClock.shared.localDay(fromUTC: event))
                if limit >= 0 && age >= limit { s.due += 1 }
                if age >= WorkerTally.threeDays { s.due3d += 1 }
                if age >= WorkerTally.fourDays { s.due4d += 1 }
                if !(age > WorkerTally.fourDays && (limit < 0 || age > limit)) { s.pending += 1 }
            }
            out.append((key, id, s))
        }
        return out
    }
}
