/// One worker's running totals; workers share only the cell numbering, and merge once at the end.
///
/// Per row it finds the cell (trust × type × week) by direct indexing and spills the rest: a
/// `CellRecord` (the exact delay, working-day bucket and limit flags, or an outstanding letter's
/// event instant) with its `StageRecord` and `LetterDimensions` to the cell's partition, and the
/// letter's `LetterKey` with the record's locator to the key's partition, so memory is about 6
/// bytes a cell, however many rows.
/// Outstanding letters are judged later, because their age depends on the as-of time, which by
/// default is the latest timestamp in the extract; repeated letters are resolved later too
/// (`DuplicateResolver`), since the row that counts may come in a later chunk or file.
public struct WorkerTally: RowSink, Sendable {
    /// Spill partitions for cell records, and for keys, unless the extract is large.
    static let defaultPartitions = 256

    /// A cell's shortest and longest delay in seconds.
    struct DelayExtremes: Sendable {
        var shortest: Int64 = .max
        var longest: Int64 = .min

        mutating func note(_ delay: Int64) {
            shortest = min(shortest, delay)
            longest = max(longest, delay)
        }

        mutating func merge(_ other: DelayExtremes) {
            shortest = min(shortest, other.shortest)
            longest = max(longest, other.longest)
        }
    }

    /// A delay too long for its record to hold exactly, with the record it belongs to, so that
    /// it is dropped with the record if the row turns out to be a repeat.
    struct LongDelay: Sendable {
        /// `LetterKey.record` of the row's locator.
        var record: UInt64
        var delay: Int64
    }

    let limits: ContractLimits
    let registry: CellRegistry
    /// Cell `c`'s records, in partition `c mod recordPartitions`.
    let spill: SpillFile
    /// Compact keys with locators (two words, in columns), partitioned by the key's hash.
    let keys: SpillFile
    /// Wide keys (fingerprint, locator, place in `longIDs`), made on the first row that needs one.
    private(set) var wideKeys: SpillFile?
    /// The trusts and ids of wide keys, for the exact comparison.
    let longIDs: ByteLog
    /// This worker's number, which locators carry.
    let worker: Int
    private let workerTag: UInt64
    let recordPartitions: Int
    private let partitionBits: Int
    private let keyShift: UInt64
    /// Per key partition, the chunk whose marker it last received, in `keys` and `wideKeys`; and
    /// per cell partition, how many records this worker has spilled to it.
    let counters: Counters
    /// Trust × type × week → the registry's number for it.
    var cells = CellIndex()
    /// Four- and five-character trust codes' numbers → the registry's index for them.
    private var otherTrusts: [Int: Int] = [:]
    /// By cell number, delays too long for a record to hold exactly (`CellRecord.longDelay`).
    var longDelays: [Int: [LongDelay]] = [:]
    /// Practice numbers of some of the rows, to cut the practice view's spill by (`PracticeRanges`).
    var practices = PracticeSample()
    let calendar = WorkingCalendar.shared
    public internal(set) var rejects = RejectTally()
    /// The latest instant in any accepted row, for the default as-of time.
    public internal(set) var latest: Int64 = .min
    /// The earliest event in any accepted row, for the default window start.
    public internal(set) var earliestEvent: Int64 = .max
    public internal(set) var accepted = 0
    /// The chunk being parsed, so rows can be placed.
    public var chunk = 0
    /// The first failure, reported after the pass.
    var failure: Error?

    init(limits: ContractLimits, registry: CellRegistry, spill: SpillFile, keys: SpillFile, longIDs: ByteLog, worker: Int) {
        self.limits = limits
        self.registry = registry
        self.spill = spill
        self.keys = keys
        self.longIDs = longIDs
        self.worker = worker
        workerTag = LetterKey.workerTag(worker)
        recordPartitions = spill.partitions
        precondition(recordPartitions > 0 && recordPartitions & (recordPartitions - 1) == 0
                     && recordPartitions <= LetterKey.partitionLimit, "partitions must be a power of two")
        precondition(spill.stride == CellRecord.words)
        precondition(registry.partitions == spill.partitions, "cells are numbered for the spill's partitions")
        precondition(keys.partitions > 1 && keys.partitions & (keys.partitions - 1) == 0 && keys.stride == 2 && keys.columns)
        precondition(worker < LetterKey.workerLimit)
        partitionBits = recordPartitions.trailingZeroBitCount
        keyShift = UInt64(64 - keys.partitions.trailingZeroBitCount)
        counters = Counters(keyPartitions: keys.partitions, recordPartitions: recordPartitions)
    }

    /// Raw counters, since through arrays every store on the row path re-checked uniqueness.
    /// Unchecked `Sendable`: its worker writes them; they are read after the pass has joined it.
    final class Counters: @unchecked Sendable {
        let markedChunk: UnsafeMutablePointer<Int>
        let wideMarked: UnsafeMutablePointer<Int>
        let recordCount: UnsafeMutablePointer<Int>
        /// Per cell partition, this worker's records of each of its cells, by the cell's number
        /// within it, so the assembly need not read a partition once only to count them: counted
        /// in the cell index as rows come, and written here by `finish`.
        let cellRecords: UnsafeMutablePointer<UnsafeMutablePointer<UInt32>?>
        let cellCapacity: UnsafeMutablePointer<Int>
        let keyPartitions: Int
        let recordPartitions: Int

        init(keyPartitions: Int, recordPartitions: Int) {
            self.keyPartitions = keyPartitions
            self.recordPartitions = recordPartitions
            markedChunk = .allocate(capacity: keyPartitions)
            markedChunk.initialize(repeating: -1, count: keyPartitions)
            wideMarked = .allocate(capacity: keyPartitions)
            wideMarked.initialize(repeating: -1, count: keyPartitions)
            recordCount = .allocate(capacity: recordPartitions)
            recordCount.initialize(repeating: 0, count: recordPartitions)
            cellRecords = .allocate(capacity: recordPartitions)
            cellRecords.initialize(repeating: nil, count: recordPartitions)
            cellCapacity = .allocate(capacity: recordPartitions)
            cellCapacity.initialize(repeating: 0, count: recordPartitions)
        }

        /// Makes room to count the cell numbered `local` in `partition`: doubling, so a worker's
        /// counts take about 4 bytes a cell it has seen.
        func makeRoom(partition: Int, local: Int) {
            let capacity = cellCapacity[partition]
            guard local >= capacity else { return }
            let grown = max(16, 2 * capacity, local + 1)
            let counts = UnsafeMutablePointer<UInt32>.allocate(capacity: grown)
            counts.initialize(repeating: 0, count: grown)
            if let old = cellRecords[partition] {
                counts.update(from: old, count: capacity)
                old.deallocate()
            }
            cellRecords[partition] = counts
            cellCapacity[partition] = grown
        }

        /// This worker's records of the cell numbered `local` within `partition`.
        func records(partition: Int, local: Int) -> Int {
            local < cellCapacity[partition] ? Int(cellRecords[partition]![local]) : 0
        }

        deinit {
            markedChunk.deallocate()
            wideMarked.deallocate()
            recordCount.deallocate()
            for p in 0..<recordPartitions { cellRecords[p]?.deallocate() }
            cellRecords.deallocate()
            cellCapacity.deallocate()
        }
    }

    /// A tally with its own registry and spill files, for benchmarks and tests that drive `RowParser` directly.
    public init(limits: ContractLimits) throws {
        self.init(limits: limits, registry: CellRegistry(), spill: try SpillFile(partitions: Self.defaultPartitions, stride: CellRecord.words),
                  keys: try SpillFile(partitions: Self.defaultPartitions, stride: 2, columns: true), longIDs: ByteLog(), worker: 0)
    }

    /// The dense index a cell names the trust by: its number for a three-character code, else
    /// the registry's index, cached here so the lock is taken once per trust per worker.
    @inline(__always)
    mutating func trustIndex(_ number: Int) -> Int {
        if number < CellRegistry.fastTrustCodes { return number }
        return otherTrustIndex(number)
    }

    @inline(never)
    mutating func otherTrustIndex(_ number: Int) -> Int {
        if let i = otherTrusts[number] { return i }
        do {
            let i = try registry.otherTrustIndex(number)
            otherTrusts[number] = i
            return i
        } catch {
            if failure == nil { failure = error }
            return 0
        }
    }

    @inline(__always)
    public mutating func accept(_ row: ParsedRow, line: Int) {
        accepted += 1
        let trust = trustIndex(row.trust)
        let locator = aggregate(row, trust: trust, line: line)
        if let key = LetterKey.compact(trust: trust, id: row.letterID) {
            let p = LetterKey.partition(ofCompact: key, shift: keyShift)
            if counters.markedChunk[p] != chunk { mark(partition: p) }
            keys.append(key, locator, to: p)
        } else {
            addWide(row, trust: trust, locator: locator)
        }
    }

    /// Starts a key partition's run of rows from the current chunk.
    @inline(never)
    private mutating func mark(partition p: Int) {
        counters.markedChunk[p] = chunk
        keys.append(LetterKey.marker, UInt64(chunk), to: p)
    }

    @inline(never)
    private mutating func addWide(_ row: ParsedRow, trust: Int, locator: UInt64) {
        if wideKeys == nil {
            do {
                wideKeys = try SpillFile(partitions: keys.partitions, stride: 3, directory: keys.directory)
            } catch {
                if failure == nil { failure = error }
                return
            }
        }
        let fingerprint = LetterKey.fingerprint(trust: trust, id: row.letterID)
        let p = Int(fingerprint >> keyShift)
        if counters.wideMarked[p] != chunk {
            counters.wideMarked[p] = chunk
            wideKeys!.append(record: (LetterKey.marker, UInt64(chunk), LetterKey.marker), to: p)
        }
        let logged = longIDs.append(trust: trust, id: row.letterID)
        wideKeys!.append(record: (fingerprint, locator, logged), to: p)
    }

    /// The cell of a letter, which is counted in it (`CellIndex.count`).
    @inline(__always)
    mutating func cellNumber(trust: Int, type: Int, week: Int) -> Int {
        let cell = cells.count(pair: TrustTypePair(trust: trust, type: type).raw, week: week)
        if cell >= 0 { return cell }
        newCell(trust: trust, type: type, week: week)
        return cells.count(pair: TrustTypePair(trust: trust, type: type).raw, week: week)
    }

    @inline(never)
    mutating func newCell(trust: Int, type: Int, week: Int) {
        var number: UInt32 = 0
        do {
            number = try registry.number(of: CellKey(trust: trust, type: type, week: week))
        } catch {
            if failure == nil { failure = error }
        }
        cells.insert(pair: TrustTypePair(trust: trust, type: type).raw, week: week, cell: Int(number))
        counters.makeRoom(partition: Int(number) & (recordPartitions - 1),
                          local: (Int(number) >> partitionBits) & (CellRecord.localCells - 1))
    }

    /// Spills the row's cell record and returns its locator.
    @inline(__always)
    mutating func aggregate(_ row: ParsedRow, trust: Int, line: Int) -> UInt64 {
        let eventDay = row.event.localDay
        let week = CivilDate.weekIndex(days: eventDay)
        let cell = cellNumber(trust: trust, type: row.letterType, week: week)
        let partition = cell & (recordPartitions - 1)
        let localCell = (cell >> partitionBits) & (CellRecord.localCells - 1)
        let index = counters.recordCount[partition]
        counters.recordCount[partition] = index + 1
        if index >= LetterKey.indexLimit { tooMany() }
        let locator = LetterKey.locator(index: index, workerTag: workerTag, partition: partition, line: line)
        var latestHere = row.event.utc
        if row.event.utc < earliestEvent { earliestEvent = row.event.utc }
        let limit = limits.limitSeconds(type: row.letterType, eventDay: eventDay)
        var stage: UInt64 = 0
        if row.sent.status == .ok {
            latestHere = max(latestHere, row.sent.utc)
            let delivered = row.arrivalIsReceipt && row.arrival.status == .ok
            stage = StageRecord.make(writing: row.sent.utc - row.event.utc,
                                     delivery: delivered ? row.arrival.utc - row.sent.utc : nil, limit: limit)
        }
        let dimensions = LetterDimensions.make(specialty: row.specialty, channel: row.channel, practice: row.practice, eventDay: eventDay)
        practices.note(row.practice)
        if row.arrival.status == .ok {
            latestHere = max(latestHere, row.arrival.utc)
            let delay = row.arrival.utc - row.event.utc
            var flags: UInt64 = 0
            if limit >= 0 {
                flags |= CellRecord.due
                if delay <= limit { flags |= CellRecord.withinLimit }
            }
            if delay <= Baseline.threeDays { flags |= CellRecord.within3d }
            if delay <= Baseline.fourDays { flags |= CellRecord.within4d }
            if delay >= CellRecord.longDelay { noteLong(delay, cell: cell, locator: locator) }
            let working = calendar.workingDays(from: eventDay, to: row.arrival.localDay)
            spill.append(record: (CellRecord.received(localCell: localCell, delay: delay,
                                                      workingBucket: LatencyHistogram.bucket(of: Int64(working)), flags: flags),
                                  stage, dimensions), to: partition)
        } else {
            spill.append(record: (CellRecord.outstanding(localCell: localCell, offset: CellRecord.offset(ofEvent: row.event.utc, week: week)),
                                  stage, dimensions), to: partition)
        }
        if latestHere > latest { latest = latestHere }
        return locator
    }

    @inline(never)
    mutating func noteLong(_ delay: Int64, cell: Int, locator: UInt64) {
        longDelays[cell, default: []].append(LongDelay(record: LetterKey.record(locator), delay: delay))
    }

    @inline(never)
    mutating func tooMany() {
        if failure == nil {
            failure = LetterlagError.implausibleExtract("more than \(LetterKey.indexLimit) letters in one spill partition; use more workers")
        }
    }

    @inline(__always)
    public mutating func reject(_ reason: RejectReason, line: Int) {
        rejects.add(reason, at: .init(chunk: chunk, line: line))
    }

    /// Closes the key spills and the id log once repeats are resolved; their pages go at once.
    func discardKeys() {
        keys.discard()
        wideKeys?.discard()
        longIDs.discard()
    }

    /// Writes every spill's last blocks and hands each cell's count to `counters`; call once, after the last row.
    func finish() throws {
        cells.forEachCount { cell, letters in
            counters.cellRecords[cell & (recordPartitions - 1)]![(cell >> partitionBits) & (CellRecord.localCells - 1)] = UInt32(letters)
        }
        try spill.finish()
        try keys.finish()
        try wideKeys?.finish()
        try longIDs.finish()
    }
}
