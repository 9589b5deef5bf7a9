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
final class BreakdownAssembler: @unchecked Sendable {
    /// Trust × letter type × practice cells a run may hold. England's 6,300 practices each take
    /// letters from a handful of trusts, about 100,000 cells; past this the practice codes are
    /// not plausible (a broken export), and storing a row for each would swamp the database.
    static let practiceCellLimit = 2_000_000
    /// Entries grouped at once: 3 MiB of entries and as much of table per thread.
    static let slabEntries = 1 << 17

    let spills: [BreakdownSpill]
    let registry: CellRegistry
    let asOf: Int64
    let limits: ContractLimits
    let partitions: Int
    private let practiceCells = PracticeCount()

    init(spills: [BreakdownSpill], registry: CellRegistry, asOf: Int64, limits: ContractLimits) {
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
        let fold = LetterFold(longDelaysExact: false)
    }

    func run<Row: Sendable>(workers: Int, prepare: @escaping @Sendable (BreakdownCell) -> Row, _ body: ([Row]) throws -> Void) throws {
        let spills = self.spills
        try PartitionPipeline.run(count: 2 * partitions, workers: workers, makeState: { State() },
            produce: { job, state in try self.cells(job: job, state: &state).map(prepare) },
            finished: { spills.forEach { $0.discard() } },
            consume: body)
    }

    /// Job `j` is monthly partition `j`, or practice partition `j - partitions`.
    func cells(job: Int, state: inout State) throws -> [BreakdownCell] {
        let monthly = job < partitions
        let p = job % partitions
        let kinds = monthly ? Breakdown.monthly : [.practice]
        var groups = [[UInt64: CellSummary]](repeating: [:], count: kinds.count)
        state.slab.removeAll(keepingCapacity: true)
        let limit = Self.slabEntries * BreakdownSpill.words
        for spill in spills {
            try (monthly ? spill.monthly : spill.practice).forEachBlock(partition: p) { block in
                state.slab.append(contentsOf: block)
                if state.slab.count >= limit {
                    for (k, b) in kinds.enumerated() { fold(b, &state, into: &groups[k]) }
                    state.slab.removeAll(keepingCapacity: true)
                }
            }
        }
        if !state.slab.isEmpty {
            for (k, b) in kinds.enumerated() { fold(b, &state, into: &groups[k]) }
        }
        if !monthly {
            let total = practiceCells.add(groups[0].count)
            if total > Self.practiceCellLimit {
                throw LetterlagError.implausibleExtract("more than \(Self.practiceCellLimit) trust × letter type × practice cells; the extract's practice codes are not plausible (a broken export?)")
            }
        }
        var out: [BreakdownCell] = []
        for (k, b) in kinds.enumerated() {
            for g in groups[k].keys.sorted() {
                let (pair, value, month) = b.parts(ofGroup: g)
                out.append(BreakdownCell(breakdown: b, trust: registry.trustName(pair.trust), type: LetterType(rawValue: pair.type)!,
                                         value: value, month: month, summary: groups[k][g]!))
            }
        }
        return out
    }

    /// Groups the slab's entries by `b` and merges each group's figures into `groups`.
    private func fold(_ b: Breakdown, _ state: inout State, into groups: inout [UInt64: CellSummary]) {
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
        var cursor = state.starts
        for (i, g) in state.groupOf.enumerated() {
            state.order[cursor[Int(g)]] = UInt32(i)
            cursor[Int(g)] += 1
        }
        let fold = state.fold
        for g in 0..<groupCount {
            let key = state.table.keys[g]
            var type = 0
            for i in state.order[state.starts[g]..<state.starts[g + 1]] {
                let at = Int(i) * words
                let entry = state.slab[at], record = state.slab[at + 1], stage = state.slab[at + 2]
                type = BreakdownSpill.pair(ofEntry: record) & 3
                if CellRecord.isOutstanding(record) {
                    fold.addOutstanding(event: BreakdownSpill.event(ofEntry: record, month: LetterDimensions.month(ofEntry: entry)), stage: stage)
                } else {
                    fold.addReceived(record, stage: stage)
                }
            }
            let summary = fold.summary(type: type, asOf: asOf, limits: limits)
            if groups[key] == nil { groups[key] = summary } else { groups[key]!.merge(summary) }
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
        if slots.count != capacity {
            slots = [UInt64](repeating: Self.empty, count: capacity)
            numbers = [UInt32](repeating: 0, count: capacity)
        } else {
            for i in slots.indices { slots[i] = Self.empty }
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
