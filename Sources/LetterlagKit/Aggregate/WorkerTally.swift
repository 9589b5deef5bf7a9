/// One worker's running totals; workers share only the cell numbering, and merge once at the end.
///
/// Per row it finds the cell (trust × type × week) by direct indexing and spills the rest (a
/// record of the exact delay, working-day bucket and limit flags, or an outstanding letter's event
/// instant; and the letter id's fingerprint), so memory is about 6 bytes a cell, however many rows.
/// Outstanding letters are judged later, because their age depends on the as-of time, which by
/// default is the latest timestamp in the extract.
public struct WorkerTally: RowSink {
    static let threeDays: Int64 = 3 * 86_400
    static let fourDays: Int64 = 4 * 86_400
    /// Spill partitions for cell records unless the extract is large; as many again follow for fingerprints.
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

    let limits: ContractLimits
    let registry: CellRegistry
    /// Its first half of partitions holds cell records (cell `c` in partition `c mod n`), the
    /// second fingerprints (by their top bits).
    let spill: SpillFile
    let recordPartitions: Int
    private let partitionBits: Int
    private let fingerprintShift: UInt64
    /// Trust × type × week → the registry's number for it.
    var cells = CellIndex()
    /// By cell number, the extremes of delays too long for a record to hold exactly (`CellRecord.longDelay`).
    var longDelays: [Int: DelayExtremes] = [:]
    let calendar = WorkingCalendar.shared
    public internal(set) var rejects = RejectTally()
    /// The latest instant in any accepted row, for the default as-of time.
    public internal(set) var latest: Int64 = .min
    public internal(set) var accepted = 0
    /// The chunk being parsed, so rejects can be placed.
    public var chunk = 0
    /// The first failure of the shared cell numbering, reported after the pass.
    var failure: Error?
    /// On a second pass: the fingerprints seen more than once, whose rows are held back.
    let heldBack: Set<UInt64>?
    var held: [HeldRow] = []

    /// A row whose letter id may be a duplicate, kept until rows can be ordered by place.
    struct HeldRow: Sendable {
        var place: RejectTally.Place
        var id: [UInt8]
        var trust: [UInt8]
        var type: Int
        var event: ParsedTimestamp
        var sent: ParsedTimestamp
        var arrival: ParsedTimestamp
    }

    init(limits: ContractLimits, registry: CellRegistry, spill: SpillFile, heldBack: Set<UInt64>? = nil) {
        self.limits = limits
        self.registry = registry
        self.spill = spill
        self.heldBack = heldBack
        recordPartitions = spill.partitions / 2
        precondition(recordPartitions > 0 && recordPartitions & (recordPartitions - 1) == 0, "partitions must be a power of two")
        partitionBits = recordPartitions.trailingZeroBitCount
        fingerprintShift = UInt64(64 - partitionBits)
    }

    /// A tally with its own registry and spill file, for benchmarks and tests that drive `RowParser` directly.
    public init(limits: ContractLimits) throws {
        self.init(limits: limits, registry: CellRegistry(), spill: try SpillFile(partitions: 2 * Self.defaultPartitions))
    }

    @inline(__always)
    static func base36(_ b: UInt8) -> Int {
        if b &- 0x30 < 10 { return Int(b &- 0x30) }
        if b &- 0x41 < 26 { return Int(b &- 0x41) + 10 }
        return -1
    }

    @inline(__always)
    func trustIndex(_ code: UnsafeBufferPointer<UInt8>) -> Int {
        if code.count == 3 {
            let a = Self.base36(code[0]), b = Self.base36(code[1]), c = Self.base36(code[2])
            if a | b | c >= 0 { return a * 1296 + b * 36 + c }
        }
        return registry.otherTrustNumber(code)
    }

    @inline(__always)
    public mutating func accept(_ row: ParsedRow, line: Int) {
        accepted += 1
        let fingerprint = DuplicateFinder.fingerprint(row.letterID)
        if let heldBack {
            if heldBack.contains(fingerprint) {
                held.append(HeldRow(place: .init(chunk: chunk, line: line), id: Array(row.letterID), trust: Array(row.trustCode),
                                    type: row.letterType, event: row.event, sent: row.sent, arrival: row.arrival))
                return
            }
        } else {
            spill.append(fingerprint, to: recordPartitions + Int(fingerprint >> fingerprintShift))
        }
        aggregate(row)
    }

    /// Adds a held row back in, once it is known to be the first with its letter id.
    mutating func aggregate(_ row: HeldRow) {
        row.trust.withUnsafeBufferPointer { trust in
            row.id.withUnsafeBufferPointer { id in
                aggregate(ParsedRow(letterID: id, trustCode: trust, letterType: row.type, event: row.event, sent: row.sent, arrival: row.arrival))
            }
        }
    }

    @inline(__always)
    mutating func cellNumber(trust: Int, type: Int, week: Int) -> Int {
        let pair = CellIndex.pair(trust: trust, type: type)
        let cell = cells.cell(pair: pair, week: week)
        if cell >= 0 { return cell }
        return newCell(trust: trust, type: type, week: week)
    }

    @inline(never)
    mutating func newCell(trust: Int, type: Int, week: Int) -> Int {
        var number: UInt32 = 0
        do {
            number = try registry.number(of: CellRegistry.key(trust: trust, type: type, week: week))
        } catch {
            if failure == nil { failure = error }
        }
        if Int(number) >> partitionBits >= CellRecord.localCells && failure == nil {
            failure = LetterlagError.badArgument("more than \(CellRecord.localCells * recordPartitions) trust × letter type × week cells; the extract's dates or trust codes are not plausible")
        }
        cells.insert(pair: CellIndex.pair(trust: trust, type: type), week: week, cell: Int(number))
        return Int(number)
    }

    @inline(__always)
    mutating func aggregate(_ row: ParsedRow) {
        let eventDay = row.event.localDay
        let week = CivilDate.weekIndex(days: eventDay)
        let cell = cellNumber(trust: trustIndex(row.trustCode), type: row.letterType, week: week)
        let partition = cell & (recordPartitions - 1)
        let localCell = (cell >> partitionBits) & (CellRecord.localCells - 1)
        var latestHere = row.event.utc
        if row.sent.status == .ok { latestHere = max(latestHere, row.sent.utc) }
        if row.arrival.status == .ok {
            latestHere = max(latestHere, row.arrival.utc)
            let delay = row.arrival.utc - row.event.utc
            let limit = limits.limitSeconds(type: row.letterType, eventDay: eventDay)
            var flags: UInt64 = 0
            if limit >= 0 {
                flags |= CellRecord.due
                if delay <= limit { flags |= CellRecord.withinLimit }
            }
            if delay <= Self.threeDays { flags |= CellRecord.within3d }
            if delay <= Self.fourDays { flags |= CellRecord.within4d }
            if delay >= CellRecord.longDelay { noteLong(delay, cell: cell) }
            let working = calendar.workingDays(from: eventDay, to: row.arrival.localDay)
            spill.append(CellRecord.received(localCell: localCell, delay: delay,
                                             workingBucket: LatencyHistogram.bucket(of: Int64(working)), flags: flags),
                         to: partition)
        } else {
            spill.append(CellRecord.outstanding(localCell: localCell, offset: CellRecord.offset(ofEvent: row.event.utc, week: week)),
                         to: partition)
        }
        if latestHere > latest { latest = latestHere }
    }

    @inline(never)
    mutating func noteLong(_ delay: Int64, cell: Int) {
        longDelays[cell, default: DelayExtremes()].note(delay)
    }

    @inline(__always)
    public mutating func reject(_ reason: RejectReason, line: Int) {
        rejects.add(reason, at: .init(chunk: chunk, line: line))
    }
}
