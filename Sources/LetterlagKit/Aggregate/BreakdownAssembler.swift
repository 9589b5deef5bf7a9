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

/// Turns the assembling threads' `BreakdownSpill`s into breakdown cells, one partition at a
/// time on each thread, reading a partition in slabs of at most `slabEntries` entries so that
/// memory stays bounded however the letters fall: a slab's entries are grouped through a small
/// open-addressing table and a counting sort, and folded by `LetterFold` a group at a time.
public final class BreakdownAssembler: @unchecked Sendable {
    /// Trust × letter type × practice cells a run may hold. England's 6,300 practices each take
    /// letters from a handful of trusts, about 100,000 cells; past this the practice codes are
    /// not plausible (a broken export), and storing a row for each would swamp the database.
    public static let practiceCellLimit = 2_000_000
    /// Entries grouped at once: 1.5 MiB of entries and as much of table per thread.
    static let slabEntries = 1 << 16

    let spills: [BreakdownSpill]
    let registry: CellRegistry
    let asOf: Int64
    let limits: ContractLimits
    let partitions: Int
    let practiceCellLimit: Int
    private let practiceCells = PracticeCount()

    init(spills: [BreakdownSpill], registry: CellRegistry, asOf: Int64, limits: ContractLimits, practiceCellLimit: Int) {
        self.practiceCellLimit = practiceCellLimit
        self.spills = spills
        self.registry = registry
        self.asOf = asOf
        self.limits = limits
        partitions = spills.first?.monthly.partitions ?? 0
    }

    private final class PracticeCount: @unchecked Sendable {
        let lock = NSLock()
        var cells = 0
        func add(_ n: Int) -> Int { lock.withLock { cells += n; return cells } }
    }

    /// One thread's arrays, kept from slab to slab.
    struct State {
        var slab: [UInt64] = []
        var table = GroupTable()
        var groupOf: [UInt32] = []
        var order: [UInt32] = []
        var starts: [Int] = []
        var cursor: [Int] = []
        let fold = LetterFold(longDelaysExact: false)
    }

    func run<Row: Sendable>(workers: Int, prepare: @escaping @Sendable (BreakdownCell) -> Row, _ body: ([Row]) throws -> Void) throws {
        let spills = self.spills
        try PartitionPipeline.run(count: 2 * partitions, workers: workers, makeState: { State() },
            produce: { job, state in try self.cells(job: job, state: &state, prepare: prepare) },
            finished: { spills.forEach { $0.discard() } },
            consume: body)
    }

    /// Job `j` is monthly partition `j`, or practice partition `j - partitions`; each cell is
    /// made a `Row` as soon as it is complete, so its histograms go at once, and a whole run's
    /// cell is the running merge of its months'.
    func cells<Row>(job: Int, state: inout State, prepare: (BreakdownCell) -> Row) throws -> [Row] {
        let monthly = job < partitions
        let p = job % partitions
        let kinds = monthly ? Breakdown.monthly : [.practice]
        // Only a partition larger than one slab merges its slabs' groups by key.
        var merged: [[UInt64: CellSummary]]?
        state.slab.removeAll(keepingCapacity: true)
        let limit = Self.slabEntries * BreakdownSpill.words
        for spill in spills {
            try (monthly ? spill.monthly : spill.practice).forEachBlock(partition: p) { block in
                state.slab.append(contentsOf: block)
                if state.slab.count >= limit {
                    if merged == nil { merged = Array(repeating: [:], count: kinds.count) }
                    for (k, b) in kinds.enumerated() {
                        fold(b, &state) { key, summary in merged![k][key, default: CellSummary()].merge(summary) }
                    }
                    state.slab.removeAll(keepingCapacity: true)
                }
            }
        }
        var out: [Row] = []
        var practiceCount = 0
        for (k, b) in kinds.enumerated() {
            var wholeRun: [UInt64: CellSummary] = [:]
            func emit(_ g: UInt64, _ summary: CellSummary) {
                let (pair, value, month) = b.parts(ofGroup: g)
                out.append(prepare(BreakdownCell(breakdown: b, trust: registry.trustName(pair.trust), type: LetterType(rawValue: pair.type)!,
                                                 value: value, month: month, summary: summary)))
                if b.byMonth { wholeRun[Breakdown.wholeRun(ofGroup: g), default: CellSummary()].merge(summary) }
                if b == .practice { practiceCount += 1 }
            }
            if var all = merged?[k] {
                if !state.slab.isEmpty {
                    fold(b, &state) { key, summary in all[key, default: CellSummary()].merge(summary) }
                }
                for key in all.keys.sorted() { emit(key, all.removeValue(forKey: key)!) }
            } else if !state.slab.isEmpty {
                fold(b, &state, emit)
            }
            for key in wholeRun.keys.sorted() { emit(key, wholeRun[key]!) }
        }
        if !monthly && practiceCells.add(practiceCount) > practiceCellLimit {
            throw LetterlagError.implausibleExtract("more than \(practiceCellLimit) trust × letter type × practice cells; the extract's practice codes are not plausible (a broken export?)")
        }
        return out
    }

    /// Calls `body` with the slab's entries grouped by `b`, each group's figures, in order of group key.
    private func fold(_ b: Breakdown, _ state: inout State, _ body: (UInt64, CellSummary) -> Void) {
        let words = BreakdownSpill.words
        let n = state.slab.count / words
        state.table.reset(forEntries: n)
        state.groupOf.removeAll(keepingCapacity: true)
        state.groupOf.reserveCapacity(n)
        state.slab.withUnsafeBufferPointer { slab in
            for i in 0..<n {
                let entry = slab[i * words], record = slab[i * words + 1]
                let key = b.group(pair: BreakdownSpill.pair(ofEntry: record), dimensions: entry, month: LetterDimensions.month(ofEntry: entry))
                state.groupOf.append(state.table.index(of: key))
            }
        }
        let groupCount = state.table.count
        state.starts.removeAll(keepingCapacity: true)
        state.starts.append(contentsOf: repeatElement(0, count: groupCount + 1))
        for g in state.groupOf { state.starts[Int(g) + 1] += 1 }
        for g in 0..<groupCount { state.starts[g + 1] += state.starts[g] }
        state.order.removeAll(keepingCapacity: true)
        state.order.append(contentsOf: repeatElement(0, count: n))
        state.cursor.removeAll(keepingCapacity: true)
        state.cursor.append(contentsOf: state.starts)
        for (i, g) in state.groupOf.enumerated() {
            state.order[state.cursor[Int(g)]] = UInt32(i)
            state.cursor[Int(g)] += 1
        }
        let keys = state.table.keys
        let byKey = (0..<groupCount).sorted { keys[$0] < keys[$1] }
        let fold = state.fold
        state.slab.withUnsafeBufferPointer { slab in
            for g in byKey {
                var type = 0
                for i in state.order[state.starts[g]..<state.starts[g + 1]] {
                    let at = Int(i) * words
                    let entry = slab[at], record = slab[at + 1], stage = slab[at + 2]
                    type = BreakdownSpill.pair(ofEntry: record) & 3
                    if CellRecord.isOutstanding(record) {
                        fold.addOutstanding(event: BreakdownSpill.event(ofEntry: record, month: LetterDimensions.month(ofEntry: entry)), stage: stage)
                    } else {
                        fold.addReceived(record, stage: stage)
                    }
                }
                body(keys[g], fold.summary(type: type, asOf: asOf, limits: limits))
            }
        }
    }
}

/// Group keys to dense group numbers for one slab, by linear probing in a power-of-two table
/// sized to the slab, which stays in cache where a `Dictionary` cost a hash and a miss per entry.
struct GroupTable {
    private var slots: [UInt64] = []
    private var numbers: [UInt32] = []
    /// The keys, by group number.
    private(set) var keys: [UInt64] = []
    private var mask = 0
    private static let empty = UInt64.max

    var count: Int { keys.count }

    /// Empties the table, with room for `n` distinct keys at most half full.
    mutating func reset(forEntries n: Int) {
        var capacity = 1024
        while capacity < 2 * n { capacity <<= 1 }
        // The arrays only grow, and only the part in use is cleared, so slab after slab reuses
        // their pages rather than mapping and zeroing fresh ones.
        if slots.count < capacity {
            slots = [UInt64](repeating: Self.empty, count: capacity)
            numbers = [UInt32](repeating: 0, count: capacity)
        } else {
            slots.withUnsafeMutableBufferPointer { s in
                for i in 0..<capacity { s[i] = Self.empty }
            }
        }
        mask = capacity - 1
        keys.removeAll(keepingCapacity: true)
    }

    /// The group number of `key` (never `UInt64.max`), numbering it when new.
    @inline(__always)
    mutating func index(of key: UInt64) -> UInt32 {
        var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
        while true {
            let k = slots[i]
            if k == key { return numbers[i] }
            if k == Self.empty {
                slots[i] = key
                let n = UInt32(keys.count)
                numbers[i] = n
                keys.append(key)
                return n
            }
            i = (i + 1) & mask
        }
    }
}
