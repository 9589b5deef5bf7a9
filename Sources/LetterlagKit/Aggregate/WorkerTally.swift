/// One worker's running totals; workers share only the cell numbering, and merge once at the end.
///
/// Per row it finds the cell (trust × type × week) in a small flat hash table and bumps that
/// cell's integer counters; everything that grows with the rows (histogram buckets, outstanding
/// letters' event instants, letter-id fingerprints) goes to the worker's spill file, so memory
/// is bounded by the number of cells, not rows. Outstanding letters are judged later, because
/// their age depends on the as-of time, which by default is the latest timestamp in the extract.
public struct WorkerTally: RowSink {
    static let threeDays: Int64 = 3 * 86_400
    static let fourDays: Int64 = 4 * 86_400
    /// Spill partitions for cell records unless the extract is large; as many again follow for fingerprints.
    static let defaultPartitions = 256

    struct Counters: Sendable {
        var letters: UInt32 = 0
        var received: UInt32 = 0
        var dueReceived: UInt32 = 0
        var withinLimit: UInt32 = 0
        var within3d: UInt32 = 0
        var within4d: UInt32 = 0
        var minDelay: Int64 = .max
        var maxDelay: Int64 = .min
    }

    let limits: ContractLimits
    let registry: CellRegistry
    /// Its first half of partitions holds cell records (cell `c` in partition `c mod n`), the
    /// second fingerprints (by their top bits).
    let spill: SpillFile
    let recordPartitions: Int
    private let fingerprintShift: UInt64
    /// Cell key → the registry's number for it.
    var cells = CountingTable(capacity: 4096)
    /// By cell number; shorter than the registry when this worker has not seen the later cells.
    var counters: [Counters] = []
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
        fingerprintShift = UInt64(64 - recordPartitions.trailingZeroBitCount)
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
    mutating func cellNumber(_ key: UInt64) -> Int {
        var inserted = false
        let slot = cells.slot(for: key, inserted: &inserted)
        if !inserted { return Int(cells.value(at: slot)) }
        return newCell(key, slot: slot)
    }

    @inline(never)
    mutating func newCell(_ key: UInt64, slot: Int) -> Int {
        var number: UInt32 = 0
        do { number = try registry.number(of: key) } catch { if failure == nil { failure = error } }
        cells.setValue(number, at: slot)
        if Int(number) >= counters.count {
            counters.append(contentsOf: repeatElement(Counters(), count: max(Int(number) + 1, registry.count) - counters.count))
        }
        return Int(number)
    }

    @inline(__always)
    mutating func aggregate(_ row: ParsedRow) {
        let eventDay = row.event.localDay
        let week = CivilDate.weekIndex(days: eventDay)
        let cell = cellNumber(CellRegistry.key(trust: trustIndex(row.trustCode), type: row.letterType, week: week))
        let partition = cell & (recordPartitions - 1)
        var latestHere = row.event.utc
        if row.sent.status == .ok { latestHere = max(latestHere, row.sent.utc) }
        // One read and one write of the cell's counters, rather than a checked access per field.
        var c = counters[cell]
        c.letters &+= 1
        if row.arrival.status == .ok {
            latestHere = max(latestHere, row.arrival.utc)
            let delay = row.arrival.utc - row.event.utc
            let limit = limits.limitSeconds(type: row.letterType, eventDay: eventDay)
            c.received &+= 1
            if limit >= 0 {
                c.dueReceived &+= 1
                if delay <= limit { c.withinLimit &+= 1 }
            }
            if delay <= Self.threeDays { c.within3d &+= 1 }
            if delay <= Self.fourDays { c.within4d &+= 1 }
            c.minDelay = min(c.minDelay, delay)
            c.maxDelay = max(c.maxDelay, delay)
            let working = calendar.workingDays(from: eventDay, to: row.arrival.localDay)
            spill.append(CellRecord.received(cell: UInt32(cell), delayBucket: LatencyHistogram.bucket(of: delay),
                                             workingBucket: LatencyHistogram.bucket(of: Int64(working))), to: partition)
        } else {
            spill.append(CellRecord.outstanding(cell: UInt32(cell), offset: CellRecord.offset(ofEvent: row.event.utc, week: week)),
                         to: partition)
        }
        counters[cell] = c
        if latestHere > latest { latest = latestHere }
    }

    @inline(__always)
    public mutating func reject(_ reason: RejectReason, line: Int) {
        rejects.add(reason, at: .init(chunk: chunk, line: line))
    }
}
