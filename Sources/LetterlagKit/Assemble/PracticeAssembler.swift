/// Folds one practice partition of `PracticeSpill` into the practice view (docs/product.md,
/// "Breakdowns"): per practice × letter type, its whole over every trust (`allTrusts`), a row
/// for each trust that sent it at least `DisclosureThreshold.smallestShown` letters, and every
/// other letter together (`otherTrusts`). The trust rows and `(other)` add up to `(all)` in
/// every count, and each row's percentiles are its own letters'.
///
/// A partition's flows (trust × practice × type) are numbered and sized from the counts its
/// writers left (`PracticeSpill`), then its letters are read and placed in flow order. Flows
/// are placed at most `chunkLetters` at a time, so memory is bounded by that, not by the busiest
/// practice: 16 bytes a letter placed, and a few bytes a flow. A partition of more letters is
/// routed once through a spill of its own, chunk by chunk, and a flow larger than a chunk is
/// folded as it is read. Each letter is handed to `PracticeMonths` as it is folded, so the
/// view's months (`BreakdownCell.month` set) come from the same pass.
struct PracticeAssembler {
    /// The `trust_code` of a practice × type's row over every trust.
    static let allTrusts = "(all)"
    /// The `trust_code` of a practice × type's letters from trusts that sent it fewer than
    /// `DisclosureThreshold.smallestShown` of them.
    static let otherTrusts = "(other)"
    /// `allTrusts` as a month row holds it.
    static let allTrustsCode = PackedCode(allTrusts)!
    /// Letters placed in memory at once: 4 MiB.
    static let defaultChunkLetters = 1 << 18

    /// A letter type's place in its name's sort order, the order the table's key keeps, two bits
    /// per type: a literal, since a static array cost a `swift_once` check per letter (3% of the
    /// practice view's CPU); `theTypeRanksFollowTheNames` pins it to `LetterType.name`.
    @inline(__always)
    static func typeRank(_ type: Int) -> Int { Int((0b11_01_00_10 as UInt64) >> UInt64(LetterType.bits * type)) & LetterType.mask }
    private static let typeOfRank: [Int] = LetterType.allCases.sorted { $0.name < $1.name }.map(\.rawValue)
    private static let trustBits = UInt64(TrustTypePair.trustBits)

    private let asOf: Int64
    private let limits: ContractLimits
    private let chunkLetters: Int
    private var flows = GroupTable()
    private var counts: [Int] = []
    private var placement = PracticePlacement()
    private let named = LetterFold(longDelaysExact: false, workingDays: false)
    private let other = LetterFold(longDelaysExact: false, workingDays: false)
    private let whole = LetterFold(longDelaysExact: false, workingDays: false)
    private var months: PracticeMonths
    private let trustCodes = TrustCodes()

    /// Trust indexes' codes as month rows hold them, each made once from its name.
    private final class TrustCodes {
        private var codes: [Int: PackedCode] = [:]

        func code(of trust: Int, named trustName: (Int) -> String) -> PackedCode {
            if let code = codes[trust] { return code }
            let code = PackedCode(trustName(trust))!
            codes[trust] = code
            return code
        }
    }

    init(asOf: Int64, limits: ContractLimits, asOfMonth: Int, chunkLetters: Int = PracticeAssembler.defaultChunkLetters,
         monthLetters: Int = PracticeMonths.defaultHoldLetters) {
        precondition(CellRegistry.fastTrustCodes + CellRegistry.otherTrustLimit <= 1 << Self.trustBits,
                     "a trust index fits the flow key")
        self.asOf = asOf
        self.limits = limits
        self.chunkLetters = max(1, chunkLetters)
        months = PracticeMonths(asOf: asOf, limits: limits, asOfMonth: asOfMonth, holdLetters: monthLetters)
    }

    /// A flow's key, sorting as the table's key does: practice, letter type by name, then trust index.
    @inline(__always)
    private static func flowKey(practice: Int, pair: TrustTypePair) -> UInt64 {
        (UInt64(practice) << UInt64(LetterType.bits) | UInt64(typeRank(pair.type))) << trustBits | UInt64(pair.trust)
    }

    /// Calls `body` with each row of partition `p` in key order (practice, letter type by name,
    /// then `(all)`, `(other)` and the named trusts by code), and `months` with each of its
    /// month rows, in the key order of theirs; skipping the trust × types in `omitted`.
    mutating func cells(partition p: Int, files: [SpillFile], flowFiles: [SpillFile], omitted: Set<Int>,
                        trustName: (Int) -> String, _ body: (BreakdownCell) -> Void, months monthRows: (PracticeMonthRow) -> Void) throws {
        // The hot loops work on locals: through `self` every letter copied the whole struct.
        var table = GroupTable(), tally: [Int] = []
        swap(&table, &flows)
        swap(&tally, &counts)
        table.reset()
        tally.removeAll(keepingCapacity: true)
        for file in flowFiles {
            try file.forEachBlock(partition: p) { block in
                for at in stride(from: 0, to: block.count, by: PracticeRecord.words) {
                    let pair = PracticeRecord.pair(ofFlow: block[at])
                    guard !omitted.contains(pair.raw) else { continue }
                    let f = Int(table.index(of: Self.flowKey(practice: PracticeRecord.practice(block[at]), pair: pair)))
                    if f == tally.count { tally.append(0) }
                    tally[f] += Int(block[at + 1])
                }
            }
        }
        swap(&table, &flows)
        swap(&tally, &counts)
        let keys = flows.keys
        guard !keys.isEmpty else { return }
        let order = keys.indices.sorted { keys[$0] < keys[$1] }
        var group = Group(key: keys[order[0]] >> Self.trustBits)
        // Chunks: runs of flows in key order holding at most `chunkLetters` letters, or one larger flow.
        var chunks: [(flows: Range<Int>, letters: Int)] = []
        var start = 0
        while start < order.count {
            var end = start + 1, letters = counts[order[start]]
            while end < order.count && letters + counts[order[end]] <= chunkLetters {
                letters += counts[order[end]]
                end += 1
            }
            chunks.append((start..<end, letters))
            start = end
        }
        let numbers = flows
        if chunks.count == 1 {
            try fold(order[chunks[0].flows], letters: chunks[0].letters, keys: keys, group: &group, trustName: trustName, body, monthRows) { visit in
                try Self.forEachLetter(partition: p, files: files, omitted: omitted) { first, stage, pair in
                    visit(Int(numbers.number(of: Self.flowKey(practice: PracticeRecord.practice(first), pair: pair))), first, stage)
                }
            }
        } else {
            // A partition larger than a chunk is read once more, to route each letter to its
            // chunk's part of a spill of its own, rather than once per chunk.
            precondition(keys.count <= 1 << 22, "a routed letter names its flow in its practice's 22 bits")
            var chunkOf = [Int](repeating: 0, count: keys.count)
            for (c, chunk) in chunks.enumerated() { for i in chunk.flows { chunkOf[order[i]] = c } }
            let routed = try SpillFile(partitions: chunks.count, stride: PracticeRecord.words)
            defer { routed.discard() }
            try Self.forEachLetter(partition: p, files: files, omitted: omitted) { first, stage, pair in
                let f = Int(numbers.number(of: Self.flowKey(practice: PracticeRecord.practice(first), pair: pair)))
                routed.append(record: (PracticeRecord.routed(first, flow: f), stage), to: chunkOf[f])
            }
            try routed.finish()
            for (c, chunk) in chunks.enumerated() {
                try fold(order[chunk.flows], letters: chunk.letters, keys: keys, group: &group, trustName: trustName, body, monthRows) { visit in
                    try routed.forEachBlock(partition: c) { block in
                        for at in stride(from: 0, to: block.count, by: PracticeRecord.words) {
                            visit(PracticeRecord.flow(ofRouted: block[at]), block[at], block[at + 1])
                        }
                    }
                }
            }
        }
        try finish(&group, trustName: trustName, body, monthRows)
    }

    /// Folds the flows of one chunk, in order, from the letters `letters` visits (each with its
    /// flow number): placed in flow order first, or, for one flow larger than a chunk, as they come.
    private mutating func fold(_ chunk: ArraySlice<Int>, letters: Int, keys: [UInt64], group: inout Group,
                               trustName: (Int) -> String, _ body: (BreakdownCell) -> Void, _ monthRows: (PracticeMonthRow) -> Void,
                               _ letterSource: ((Int, UInt64, UInt64) -> Void) throws -> Void) throws {
        let asOf = self.asOf
        if letters > chunkLetters {
            let f = chunk.first!
            let target = try begin(flow: f, keys: keys, group: &group, trustName: trustName, body, monthRows)
            let tag = PracticeMonths.tag(trust: Self.trust(ofFlow: keys[f]), namedInRun: target === named)
            try letterSource { flow, first, stage in
                if flow == f {
                    Self.add(first, stage, to: target, asOf: asOf)
                    months.add(first, stage, tag: tag)
                }
            }
            end(flow: f, keys: keys, fold: target, group: &group)
            return
        }
        try placement.place(chunk, counts: counts, letters: letters, letterSource)
        var at = 0
        let placed = placement.records
        for f in chunk {
            let target = try begin(flow: f, keys: keys, group: &group, trustName: trustName, body, monthRows)
            let tag = PracticeMonths.tag(trust: Self.trust(ofFlow: keys[f]), namedInRun: target === named)
            placed.withUnsafeBufferPointer { placed in
                for _ in 0..<counts[f] {
                    Self.add(placed[at], placed[at + 1], to: target, asOf: asOf)
                    months.add(placed[at], placed[at + 1], tag: tag)
                    at += PracticeRecord.words
                }
            }
            end(flow: f, keys: keys, fold: target, group: &group)
        }
    }

    /// Lets go of placement arrays grown past `words`.
    mutating func shrink(keeping words: Int) {
        placement.shrink(keeping: words)
        months.shrink(keeping: words)
    }

    /// The practice × type whose flows are being folded, and its named trusts' rows so far.
    private struct Group {
        var key: UInt64
        var otherLetters = 0
        var named: [(trust: Int, summary: CellSummary)] = []
    }

    /// A flow key's trust index.
    private static func trust(ofFlow key: UInt64) -> Int { Int(key & (1 << trustBits - 1)) }

    /// The fold flow `f`'s letters go to, after finishing the group before it when `f` starts a new one.
    private mutating func begin(flow f: Int, keys: [UInt64], group: inout Group, trustName: (Int) -> String,
                       _ body: (BreakdownCell) -> Void, _ monthRows: (PracticeMonthRow) -> Void) throws -> LetterFold {
        let key = keys[f] >> Self.trustBits
        if key != group.key {
            try finish(&group, trustName: trustName, body, monthRows)
            group = Group(key: key)
        }
        return counts[f] >= DisclosureThreshold.smallestShown ? named : other
    }

    private func end(flow f: Int, keys: [UInt64], fold: LetterFold, group: inout Group) {
        let type = Self.typeOfRank[Int(keys[f] >> Self.trustBits) & LetterType.mask]
        if fold === named {
            group.named.append((Self.trust(ofFlow: keys[f]), named.summary(type: type, asOf: asOf, limits: limits, handingOnTo: whole)))
        } else {
            group.otherLetters += counts[f]
        }
    }

    /// Hands on the group's months' rows (`PracticeMonths`), then its rows over the run: `(all)`,
    /// `(other)` when it has letters, then the named trusts by code.
    private mutating func finish(_ group: inout Group, trustName: (Int) -> String, _ body: (BreakdownCell) -> Void,
                                 _ monthRows: (PracticeMonthRow) -> Void) throws {
        let practice = Int(group.key >> UInt64(LetterType.bits))
        let type = Self.typeOfRank[Int(group.key) & LetterType.mask]
        let codes = trustCodes
        try months.finish(practice: practice, type: type, trustCode: { codes.code(of: $0, named: trustName) }, monthRows)
        guard group.otherLetters > 0 || !group.named.isEmpty else { return }
        func cell(_ trust: String, _ summary: CellSummary) -> BreakdownCell {
            BreakdownCell(breakdown: .practice, trust: trust, type: LetterType(rawValue: type)!, value: practice, month: nil, summary: summary, middle: nil)
        }
        var rest: CellSummary?
        if group.otherLetters > 0 { rest = other.summary(type: type, asOf: asOf, limits: limits, handingOnTo: whole) }
        body(cell(Self.allTrusts, whole.summary(type: type, asOf: asOf, limits: limits)))
        if let rest { body(cell(Self.otherTrusts, rest)) }
        for (trust, summary) in group.named.map({ (trustName($0.trust), $0.summary) }).sorted(by: { $0.0 < $1.0 }) {
            body(cell(trust, summary))
        }
        group.named.removeAll()
        group.otherLetters = 0
    }

    /// Folds a letter from `PracticeRecord`'s two words.
    @inline(__always)
    static func add(_ first: UInt64, _ stage: UInt64, to fold: LetterFold, asOf: Int64) {
        if PracticeRecord.isOutstanding(first) {
            fold.addOutstanding(event: asOf - PracticeRecord.age(first), stage: PracticeRecord.stage(first, stage))
        } else {
            fold.addReceived(PracticeRecord.cellRecord(first), stage: stage)
        }
    }

    /// Calls `body` with each letter of partition `p`, and its trust × type, in every file,
    /// except those of trust × types in `omitted`.
    @inline(__always)
    private static func forEachLetter(partition p: Int, files: [SpillFile], omitted: Set<Int>,
                                      _ body: (UInt64, UInt64, TrustTypePair) throws -> Void) throws {
        for file in files {
            var pair = TrustTypePair(trust: 0, type: 0)
            var skipping = true
            try file.forEachBlock(partition: p) { block in
                var at = 0
                while at < block.count {
                    let first = block[at]
                    if PracticeRecord.isHeader(first) {
                        pair = PracticeRecord.pair(ofHeader: first)
                        skipping = omitted.contains(pair.raw)
                    } else if !skipping {
                        try body(first, block[at + 1], pair)
                    }
                    at += PracticeRecord.words
                }
            }
        }
    }
}
