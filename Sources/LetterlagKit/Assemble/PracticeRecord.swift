/// A counted letter as the practice view's spill holds it (`PracticeSpill`), two words written
/// by the thread that assembled its trust × letter type, so that the practice view is folded
/// from the letters that count, after repeats are left out (docs/product.md, "Breakdowns"):
///
/// | word | bits | a letter | a run's header |
/// | --- | --- | --- | --- |
/// | first | 63 | 0 | 1 |
/// | first | 62–41 | practice number (`CodeShape.practiceNumber`) | 0 |
/// | first | 40 | outstanding | 0 |
/// | first | 39–0 | received: its month slot at 39–31, flags at 30–27 (within 4 days, within 3 days, within limit, due) and `CellRecord`'s delay field at 26–0; outstanding: age at the as-of time in seconds | 18–0: the trust × type (`TrustTypePair`) of the letters after it |
/// | second | 63–0 | its `StageRecord`; an outstanding letter's, which has no delivery, holds its month slot in the delivery field (36–28) | 0 |
///
/// A letter's month slot is its event month's place among the `monthSlots` months up to the
/// run's as-of month (1 the earliest, `monthSlots` the as-of month's), or 0 for an earlier month,
/// which the practice view's months leave out (`runs.practice_month_letters_left_out`).
///
/// A thread writes one trust × type's letters at a time, so each partition's stream is runs of
/// letters behind a header naming their trust × type: 16 bytes a letter, not 24 with the trust in
/// each. Beside them, each flow's count is two words: `flow(practice:pair:)`, then the count.
enum PracticeRecord {
    static let words = 2
    private static let headerBit: UInt64 = 1 << 63
    private static let outstandingBit: UInt64 = 1 << 40
    private static let practiceShift: UInt64 = 41
    private static let payloadMask: UInt64 = (1 << 40) - 1
    /// `CellRecord`'s four flags, from bit 39 there to bit 27 here.
    private static let flagsShift: UInt64 = 12
    private static let cellFlags: UInt64 = CellRecord.due | CellRecord.withinLimit | CellRecord.within3d | CellRecord.within4d
    private static let delayMask: UInt64 = 0x7FF_FFFF

    /// Months a letter's slot can name: 42½ years up to the as-of month.
    static let monthSlots = 511
    private static let slotShift: UInt64 = 31
    private static let slotMask: UInt64 = 0x1FF
    /// Where an outstanding letter's slot sits in its `StageRecord`: the delivery field it lacks.
    private static let stageSlotShift: UInt64 = 28

    @inline(__always)
    static func header(pair: TrustTypePair) -> UInt64 { headerBit | UInt64(pair.raw) }

    /// The slot of month index `month` (`CivilDate.monthIndex`) among those up to `asOfMonth`: 0 when earlier.
    @inline(__always)
    static func slot(month: Int, asOfMonth: Int) -> Int {
        let slot = month - asOfMonth + monthSlots
        return slot > 0 ? slot : 0
    }

    /// The month index a slot stands for.
    static func month(ofSlot slot: Int, asOfMonth: Int) -> Int { asOfMonth - monthSlots + slot }

    /// A letter's month slot, from its two words.
    @inline(__always)
    static func slot(_ first: UInt64, _ stage: UInt64) -> Int {
        Int(isOutstanding(first) ? (stage >> stageSlotShift) & slotMask : (first >> slotShift) & slotMask)
    }

    /// An outstanding letter's second word: its `StageRecord` with its month slot in the delivery field.
    @inline(__always)
    static func outstandingStage(_ stage: UInt64, slot: Int) -> UInt64 { stage | UInt64(slot) << stageSlotShift }

    /// A letter's `StageRecord`, without the month slot an outstanding letter's holds.
    @inline(__always)
    static func stage(_ first: UInt64, _ stage: UInt64) -> UInt64 {
        isOutstanding(first) ? stage & ~(slotMask << stageSlotShift) : stage
    }

    /// A flow's first word: its practice number at 62–41, as a letter's, and its trust × type at 18–0.
    @inline(__always)
    static func flow(practice: Int, pair: TrustTypePair) -> UInt64 { UInt64(practice) << practiceShift | UInt64(pair.raw) }

    /// A letter's first word with its flow's number within its partition in place of its
    /// practice, for a partition routed chunk by chunk (`PracticeAssembler`); a fold reads neither.
    @inline(__always)
    static func routed(_ first: UInt64, flow: Int) -> UInt64 {
        first & ~(UInt64(0x3F_FFFF) << practiceShift) | UInt64(flow) << practiceShift
    }

    /// The flow number of a word made by `routed`.
    @inline(__always)
    static func flow(ofRouted first: UInt64) -> Int { practice(first) }

    /// A flow word's trust × type.
    @inline(__always)
    static func pair(ofFlow first: UInt64) -> TrustTypePair { pair(ofHeader: first) }

    @inline(__always)
    static func isHeader(_ first: UInt64) -> Bool { first & headerBit != 0 }

    @inline(__always)
    static func pair(ofHeader first: UInt64) -> TrustTypePair {
        TrustTypePair(raw: Int(first & (1 << UInt64(TrustTypePair.bits) - 1)))
    }

    /// A received letter's first word, from its `CellRecord`.
    @inline(__always)
    static func received(practice: Int, record: UInt64, slot: Int) -> UInt64 {
        UInt64(practice) << practiceShift | UInt64(slot) << slotShift | (record & cellFlags) >> flagsShift | record & delayMask
    }

    /// An outstanding letter's first word, by its age at the as-of time (never negative: a later event is set aside).
    @inline(__always)
    static func outstanding(practice: Int, age: Int64) -> UInt64 {
        UInt64(practice) << practiceShift | outstandingBit | UInt64(min(max(age, 0), Int64(payloadMask)))
    }

    @inline(__always)
    static func practice(_ first: UInt64) -> Int { Int((first >> practiceShift) & 0x3F_FFFF) }

    @inline(__always)
    static func isOutstanding(_ first: UInt64) -> Bool { first & outstandingBit != 0 }

    @inline(__always)
    static func age(_ first: UInt64) -> Int64 { Int64(first & payloadMask) }

    /// A received letter's word as `LetterFold.addReceived` reads a `CellRecord`: its flags and delay field.
    @inline(__always)
    static func cellRecord(_ first: UInt64) -> UInt64 {
        (first << flagsShift) & cellFlags | first & delayMask
    }
}
