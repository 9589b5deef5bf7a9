/// One worker's running totals; workers never share state, and merge once at the end.
///
/// Per row it finds the cell (trust × type × week) in a flat hash table, bumps integer
/// counters and one histogram bucket. Outstanding letters keep only their cell and event
/// instant, because their age and whether their deadline has passed depend on the as-of
/// time, which by default is the latest timestamp in the whole extract.
public struct WorkerTally: RowSink, Sendable {
    static let bucketBits: UInt64 = 12
    static let fastTrustCodes = 36 * 36 * 36
    static let threeDays: Int64 = 3 * 86_400
    static let fourDays: Int64 = 4 * 86_400

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
    var cells = CountingTable(capacity: 4096)
    var cellKeys: [UInt64] = []
    var counters: [Counters] = []
    var buckets = CountingTable(capacity: 1 << 16)
    /// (cell, bucket of the delay in working days) → count.
    var workingBuckets = CountingTable(capacity: 1 << 14)
    let calendar = WorkingCalendar.shared
    var outstandingCell: [UInt32] = []
    var outstandingEvent: [Int64] = []
    var otherTrusts: [[UInt8]: Int] = [:]
    var otherTrustNames: [String] = []
    public internal(set) var rejects = RejectTally()
    /// The latest instant in any accepted row, for the default as-of time.
    public internal(set) var latest: Int64 = .min
    public internal(set) var accepted = 0
    /// The chunk being parsed, so rejects can be placed.
    public var chunk = 0
    /// Fingerprints of every accepted letter id, for finding duplicates after the pass.
    var fingerprints: [UInt64] = []
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

    public init(limits: ContractLimits, heldBack: Set<UInt64>? = nil) {
        self.limits = limits
        self.heldBack = heldBack
    }

    @inline(__always)
    static func base36(_ b: UInt8) -> Int {
        if b &- 0x30 < 10 { return Int(b &- 0x30) }
        if b &- 0x41 < 26 { return Int(b &- 0x41) + 10 }
        return -1
    }

    @inline(__always)
    mutating func trustIndex(_ code: UnsafeBufferPointer<UInt8>) -> Int {
        if code.count == 3 {
            let a = Self.base36(code[0]), b = Self.base36(code[1]), c = Self.base36(code[2])
            if a | b | c >= 0 { return a * 1296 + b * 36 + c }
        }
        return otherTrustIndex(code)
    }

    @inline(never)
    mutating func otherTrustIndex(_ code: UnsafeBufferPointer<UInt8>) -> Int {
        let bytes = Array(code)
        if let i = otherTrusts[bytes] { return i }
        let i = Self.fastTrustCodes + otherTrustNames.count
        otherTrusts[bytes] = i
        otherTrustNames.append(String(decoding: bytes, as: UTF8.self))
        return i
    }

    func trustName(_ index: Int) -> String {
        if index >= Self.fastTrustCodes { return otherTrustNames[index - Self.fastTrustCodes] }
        let digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        return String([digits[index / 1296], digits[(index / 36) % 36], digits[index % 36]])
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
            fingerprints.append(fingerprint)
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
    mutating func aggregate(_ row: ParsedRow) {
        let eventDay = row.event.localDay
        let week = CivilDate.weekIndex(days: eventDay)
        let key = UInt64(trustIndex(row.trustCode)) << 32 | UInt64(row.letterType) << 28 | UInt64(week + (1 << 27))
        var inserted = false
        let slot = cells.slot(for: key, inserted: &inserted)
        let cell: Int
        if inserted {
            cell = counters.count
            cells.setValue(UInt32(cell), at: slot)
            cellKeys.append(key)
            counters.append(Counters())
        } else {
            cell = Int(cells.value(at: slot))
        }
        var latestHere = row.event.utc
        if row.sent.status == .ok { latestHere = max(latestHere, row.sent.utc) }
        counters[cell].letters &+= 1
        if row.arrival.status == .ok {
            latestHere = max(latestHere, row.arrival.utc)
            let delay = row.arrival.utc - row.event.utc
            let limit = limits.limitSeconds(type: row.letterType, eventDay: eventDay)
            counters[cell].received &+= 1
            if limit >= 0 {
                counters[cell].dueReceived &+= 1
                if delay <= limit { counters[cell].withinLimit &+= 1 }
            }
            if delay <= Self.threeDays { counters[cell].within3d &+= 1 }
            if delay <= Self.fourDays { counters[cell].within4d &+= 1 }
            if delay < counters[cell].minDelay { counters[cell].minDelay = delay }
            if delay > counters[cell].maxDelay { counters[cell].maxDelay = delay }
            buckets.add(UInt64(cell) << Self.bucketBits | UInt64(LatencyHistogram.bucket(of: delay)))
            let working = calendar.workingDays(from: eventDay, to: row.arrival.localDay)
            workingBuckets.add(UInt64(cell) << Self.bucketBits | UInt64(LatencyHistogram.bucket(of: Int64(working))))
        } else {
            outstandingCell.append(UInt32(cell))
            outstandingEvent.append(row.event.utc)
        }
        if latestHere > latest { latest = latestHere }
    }

    @inline(__always)
    public mutating func reject(_ reason: RejectReason, line: Int) {
        rejects.add(reason, at: .init(chunk: chunk, line: line))
    }

    /// Walks a (cell, bucket) → count table grouped by cell and in bucket order, via a counting sort.
    static func histograms(from table: CountingTable, cells: Int, _ body: (Int, Int, UInt64) -> Void) {
        var perCell = [Int](repeating: 0, count: cells + 1)
        table.forEach { key, _ in perCell[Int(key >> bucketBits) + 1] += 1 }
        for i in 0..<cells { perCell[i + 1] += perCell[i] }
        var cursor = perCell
        var sorted = [UInt64](repeating: 0, count: table.count)
        table.forEach { key, count in
            let cell = Int(key >> bucketBits)
            sorted[cursor[cell]] = (key & ((1 << bucketBits) - 1)) << 32 | UInt64(count)
            cursor[cell] += 1
        }
        sorted.withUnsafeMutableBufferPointer { all in
            for cell in 0..<cells {
                var slice = UnsafeMutableBufferPointer(rebasing: all[perCell[cell]..<perCell[cell + 1]])
                slice.sort()
                for entry in slice { body(cell, Int(entry >> 32), entry & 0xFFFF_FFFF) }
            }
        }
    }

    /// This worker's cells as summaries, with outstanding letters judged at `asOf`.
    func summaries(asOf: Int64) -> [CellID: CellSummary] {
        var ids: [CellID] = []
        ids.reserveCapacity(cellKeys.count)
        var result = [CellSummary](repeating: CellSummary(), count: cellKeys.count)
        for (i, key) in cellKeys.enumerated() {
            let trust = trustName(Int(key >> 32))
            let type = LetterType(rawValue: Int((key >> 28) & 0xF))!
            let week = Int(key & 0x0FFF_FFFF) - (1 << 27)
            ids.append(CellID(trust: trust, type: type, week: week))
            let c = counters[i]
            result[i].letters = Int(c.letters)
            result[i].received = Int(c.received)
            result[i].due = Int(c.dueReceived)
            result[i].withinLimit = Int(c.withinLimit)
            result[i].due3d = Int(c.received)
            result[i].within3d = Int(c.within3d)
            result[i].due4d = Int(c.received)
            result[i].within4d = Int(c.within4d)
        }
        Self.histograms(from: buckets, cells: cellKeys.count) { cell, bucket, count in
            result[cell].delay.add(bucket: bucket, count: count)
        }
        Self.histograms(from: workingBuckets, cells: cellKeys.count) { cell, bucket, count in
            result[cell].workingDays.add(bucket: bucket, count: count)
        }
        for cell in 0..<cellKeys.count where counters[cell].received > 0 {
            result[cell].delay.noteExtremes(minimum: counters[cell].minDelay, maximum: counters[cell].maxDelay)
            let buckets = result[cell].workingDays.buckets
            result[cell].workingDays.noteExtremes(minimum: LatencyHistogram.range(of: Int(buckets.first!)).lower,
                                                  maximum: LatencyHistogram.range(of: Int(buckets.last!)).lower)
        }
        for (cell32, event) in zip(outstandingCell, outstandingEvent) {
            let cell = Int(cell32)
            let age = asOf - event
            result[cell].outstanding += 1
            result[cell].outstandingAge.record(age)
            let limit = limits.limitSeconds(type: ids[cell].type.rawValue, eventDay: LondonClock.shared.localDay(fromUTC: event))
            if limit >= 0 && age >= limit { result[cell].due += 1 }
            if age >= Self.threeDays { result[cell].due3d += 1 }
            if age >= Self.fourDays { result[cell].due4d += 1 }
        }
        var map: [CellID: CellSummary] = [:]
        map.reserveCapacity(ids.count)
        for (id, s) in zip(ids, result) { map[id, default: CellSummary()].merge(s) }
        return map
    }
}
