/// The practice view by event month (docs/product.md, "Breakdowns"), folded from the letters of
/// one practice × letter type as `PracticeAssembler` folds its rows over the run: per month,
/// `(all)`, and each trust the run names for the practice that sent it at least
/// `DisclosureThreshold.smallestShown` letters of the type in that month. A month has no
/// `(other)` row: its unnamed letters count in `(all)` alone.
///
/// Letters come flow by flow (one trust at a time) and are held, 16 bytes each, with the trust's
/// tag in place of the practice, until the practice × type ends; then a stable counting sort by
/// month slot puts each month's letters in trust order, and each month is folded. Memory is
/// bounded by `holdLetters`: a practice × type with more letters goes through a temporary
/// spill, folded in batches of months that fit, and a month larger than that is folded as read.
struct PracticeMonths {
    /// Letters held in memory at most: 4 MiB, as many as `PracticeAssembler` places at once.
    static let defaultHoldLetters = PracticeAssembler.defaultChunkLetters

    private let asOf: Int64
    private let limits: ContractLimits
    private let asOfMonth: Int
    private let holdLetters: Int
    /// The held letters, two words each: the first with the tag in place of the practice, and the stage.
    private var held: [UInt64] = []
    /// The held letters in month order, then trust order.
    private var placement = PracticePlacement()
    /// Letters per month slot of the practice × type, and the slots that have some.
    private var slotLetters = [Int](repeating: 0, count: PracticeRecord.monthSlots + 1)
    private var slots: [Int] = []
    /// The tag whose letters are coming, its letters per slot, and the slots that have some.
    private var tag = -1
    private var tagLetters = [Int](repeating: 0, count: PracticeRecord.monthSlots + 1)
    private var tagSlots: [Int] = []
    /// Slot × tag pairs (`slot << 32 | tag`) with enough letters to be named.
    private var namedMonths = Set<UInt64>()
    /// The letters of a practice × type larger than `holdLetters`, in the order they came.
    private var spill: SpillFile?
    /// Why a spill could not be made, thrown by `finish`.
    private var failure: (any Error)?
    private let named = LetterFold(longDelaysExact: false, workingDays: false)
    private let whole = LetterFold(longDelaysExact: false, workingDays: false)

    init(asOf: Int64, limits: ContractLimits, asOfMonth: Int, holdLetters: Int = PracticeMonths.defaultHoldLetters) {
        self.asOf = asOf
        self.limits = limits
        self.asOfMonth = asOfMonth
        self.holdLetters = max(1, holdLetters)
    }

    /// The tag of a flow's letters: 0 for a trust the run does not name for the practice, which
    /// then has no month rows of its own, else its trust index + 1.
    static func tag(trust: Int, namedInRun: Bool) -> Int { namedInRun ? trust + 1 : 0 }

    /// Adds a letter of the practice × type being folded, from `PracticeRecord`'s two words. A
    /// flow's letters come together, one flow after another; a letter of slot 0 has no month.
    /// A spill that cannot be made is thrown by `finish`.
    @inline(__always)
    mutating func add(_ first: UInt64, _ stage: UInt64, tag: Int) {
        let slot = PracticeRecord.slot(first, stage)
        guard slot > 0 else { return }
        if tag != self.tag { endTag(next: tag) }
        if slotLetters[slot] == 0 { slots.append(slot) }
        slotLetters[slot] += 1
        if tag != 0 {
            if tagLetters[slot] == 0 { tagSlots.append(slot) }
            tagLetters[slot] += 1
        }
        let word = PracticeRecord.routed(first, flow: tag)
        if failure != nil { return }
        if let spill {
            spill.append(record: (word, stage), to: 0)
        } else {
            held.append(word)
            held.append(stage)
            if held.count >= holdLetters * PracticeRecord.words { spillHeld() }
        }
    }

    private mutating func endTag(next: Int) {
        for slot in tagSlots {
            if tagLetters[slot] >= DisclosureThreshold.smallestShown { namedMonths.insert(UInt64(slot) << 32 | UInt64(tag)) }
            tagLetters[slot] = 0
        }
        tagSlots.removeAll(keepingCapacity: true)
        tag = next
    }

    private mutating func spillHeld() {
        let file: SpillFile
        do { file = try SpillFile(partitions: 1, stride: PracticeRecord.words) } catch {
            failure = error
            held.removeAll(keepingCapacity: true)
            return
        }
        for at in stride(from: 0, to: held.count, by: PracticeRecord.words) { file.append(record: (held[at], held[at + 1]), to: 0) }
        held.removeAll(keepingCapacity: true)
        spill = file
    }

    /// Hands on the month rows of the practice × type whose letters were added, month by month,
    /// each `(all)` then the named trusts by code, and starts afresh.
    mutating func finish(practice: Int, type: Int, trustCode: (Int) -> PackedCode, _ body: (PracticeMonthRow) -> Void) throws {
        endTag(next: -1)
        defer {
            failure = nil
            for slot in slots { slotLetters[slot] = 0 }
            slots.removeAll(keepingCapacity: true)
            namedMonths.removeAll(keepingCapacity: true)
            held.removeAll(keepingCapacity: true)
            spill?.discard()
            spill = nil
        }
        if let failure { throw failure }
        guard !slots.isEmpty else { return }
        slots.sort()
        if let spill {
            try spill.finish()
            var start = 0
            while start < slots.count {
                var end = start + 1, letters = slotLetters[slots[start]]
                while end < slots.count && letters + slotLetters[slots[end]] <= holdLetters {
                    letters += slotLetters[slots[end]]
                    end += 1
                }
                let batch = slots[start..<end]
                if letters > holdLetters {
                    // One month larger than memory allows: its letters, read in order, are in trust order.
                    let slot = batch.first!
                    var month = MonthFold(self, slot: slot, type: type)
                    try spill.forEachBlock(partition: 0) { block in
                        for at in stride(from: 0, to: block.count, by: PracticeRecord.words)
                        where PracticeRecord.slot(block[at], block[at + 1]) == slot {
                            month.add(block[at], block[at + 1])
                        }
                    }
                    month.finish(practice: practice, trustCode: trustCode, body)
                } else {
                    try placement.place(batch, counts: slotLetters, letters: letters) { visit in
                        try spill.forEachBlock(partition: 0) { block in
                            for at in stride(from: 0, to: block.count, by: PracticeRecord.words) {
                                visit(PracticeRecord.slot(block[at], block[at + 1]), block[at], block[at + 1])
                            }
                        }
                    }
                    fold(batch, practice: practice, type: type, trustCode: trustCode, body)
                }
                start = end
            }
        } else {
            let letters = held.count / PracticeRecord.words, all = slots[...]
            let source = held
            placement.place(all, counts: slotLetters, letters: letters) { visit in
                for at in stride(from: 0, to: source.count, by: PracticeRecord.words) {
                    visit(PracticeRecord.slot(source[at], source[at + 1]), source[at], source[at + 1])
                }
            }
            fold(all, practice: practice, type: type, trustCode: trustCode, body)
        }
    }

    /// Lets go of arrays grown past `words` by a large practice × type.
    mutating func shrink(keeping words: Int) {
        placement.shrink(keeping: words)
        if held.capacity > words { held = [] }
    }

    private func fold(_ batch: ArraySlice<Int>, practice: Int, type: Int, trustCode: (Int) -> PackedCode,
                      _ body: (PracticeMonthRow) -> Void) {
        var at = 0
        placement.records.withUnsafeBufferPointer { placed in
            for slot in batch {
                var month = MonthFold(self, slot: slot, type: type)
                for _ in 0..<slotLetters[slot] {
                    month.add(placed[at], placed[at + 1])
                    at += PracticeRecord.words
                }
                month.finish(practice: practice, trustCode: trustCode, body)
            }
        }
    }

    /// One month's letters, in trust order, folded into `(all)` and its named trusts' rows.
    /// It holds only the folds, the as-of and the named trusts, not a copy of the whole
    /// `PracticeMonths`, whose dozen arrays cost a retain and a release each per month.
    private struct MonthFold {
        let slot: Int
        let type: Int
        let asOf: Int64
        let limits: ContractLimits
        let asOfMonth: Int
        let namedFold: LetterFold
        let wholeFold: LetterFold
        let namedMonths: Set<UInt64>
        var tag = -1
        var folding: LetterFold
        var named: [(trust: Int, counts: CellSummary, p50: Double?, p90: Double?)] = []

        init(_ months: PracticeMonths, slot: Int, type: Int) {
            self.slot = slot
            self.type = type
            asOf = months.asOf
            limits = months.limits
            asOfMonth = months.asOfMonth
            namedFold = months.named
            wholeFold = months.whole
            namedMonths = months.namedMonths
            folding = months.whole
        }

        @inline(__always)
        mutating func add(_ first: UInt64, _ stage: UInt64) {
            let t = PracticeRecord.flow(ofRouted: first)
            if t != tag {
                endTrust()
                tag = t
                folding = t != 0 && namedMonths.contains(UInt64(slot) << 32 | UInt64(t)) ? namedFold : wholeFold
            }
            // Months keep no stage figures: an unsent stage spares the fold their histograms.
            PracticeAssembler.add(first, StageRecord.unsent, to: folding, asOf: asOf)
        }

        private mutating func endTrust() {
            guard folding === namedFold else { return }
            let (counts, p50, p90) = namedFold.middle(type: type, asOf: asOf, limits: limits, handingOnTo: wholeFold)
            named.append((tag - 1, counts, p50, p90))
            folding = wholeFold
        }

        mutating func finish(practice: Int, trustCode: (Int) -> PackedCode, _ body: (PracticeMonthRow) -> Void) {
            endTrust()
            let month = PracticeRecord.month(ofSlot: slot, asOfMonth: asOfMonth), letterType = LetterType(rawValue: type)!
            func row(_ trust: PackedCode, _ counts: CellSummary, _ p50: Double?, _ p90: Double?) -> PracticeMonthRow {
                PracticeMonthRow(practice: practice, type: letterType, month: month, trust: trust, counts: counts, p50Seconds: p50, p90Seconds: p90)
            }
            let whole = wholeFold.middle(type: type, asOf: asOf, limits: limits)
            body(row(PracticeAssembler.allTrustsCode, whole.counts, whole.p50, whole.p90))
            if named.count > 1 { named.sort { trustCode($0.trust) < trustCode($1.trust) } }
            for n in named { body(row(trustCode(n.trust), n.counts, n.p50, n.p90)) }
        }
    }
}
