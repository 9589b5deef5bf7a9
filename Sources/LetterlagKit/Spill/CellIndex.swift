/// One worker's map from trust × letter type × event week to the run's cell number, by direct indexing.
///
/// Each trust × type owns a run of consecutive weeks in one flat array, widened when an earlier
/// or later week appears, so a lookup is three array reads and a cell costs about 6 bytes, where
/// a hash table took 12–24; that keeps an extract spanning years of weeks inside the memory bound.
struct CellIndex: Sendable {
    /// A trust × type's weeks: `weeks` slots from `start`, the first for `firstWeek`.
    struct Span: Sendable {
        var firstWeek: Int
        var weeks: Int
        var start: Int
    }

    /// By `TrustTypePair.raw`: 1 + the index of its span, or 0 for none yet.
    private var spanOf: [UInt32] = []
    private var spans: [Span] = []
    /// Cell number + 1 for each week of each span; 0 where the week has no cell yet.
    private var slots: [UInt32] = []
    /// Slots left behind when spans moved; reclaimed once they are half the array.
    private var abandoned = 0

    /// The cell number, or -1 when this index has not been told it. Kept out of line: inlined
    /// into the row parser, whose size exhausts the optimizer's inlining budget, its three array
    /// reads each became a call through two jumps (about 5% of the reading phase's CPU).
    @inline(never)
    func cell(pair: Int, week: Int) -> Int {
        guard pair < spanOf.count else { return -1 }
        let s = Int(spanOf[pair])
        guard s > 0 else { return -1 }
        let span = spans[s - 1]
        let w = week &- span.firstWeek
        guard w >= 0 && w < span.weeks else { return -1 }
        return Int(slots[span.start + w]) - 1
    }

    /// Records that the pair's `week` is cell `cell`.
    mutating func insert(pair: Int, week: Int, cell: Int) {
        if pair >= spanOf.count {
            spanOf.append(contentsOf: repeatElement(0, count: max(pair + 1, spanOf.count + spanOf.count / 2) - spanOf.count))
        }
        var s = Int(spanOf[pair])
        if s == 0 {
            spans.append(Span(firstWeek: week, weeks: 0, start: slots.count))
            s = spans.count
            spanOf[pair] = UInt32(s)
        }
        let span = spans[s - 1]
        if week < span.firstWeek || week >= span.firstWeek + span.weeks { widen(s - 1, toCover: week) }
        let moved = spans[s - 1]
        slots[moved.start + week - moved.firstWeek] = UInt32(cell + 1)
    }

    /// Moves a span to the end of the array, wide enough for `week` with room to grow half again on that side.
    private mutating func widen(_ s: Int, toCover week: Int) {
        let old = spans[s]
        var first = old.firstWeek, end = old.firstWeek + old.weeks
        if old.weeks == 0 {
            first = week - 2
            end = week + 6
        } else {
            let room = max(4, (max(end, week + 1) - min(first, week)) / 2)
            if week < first { first = week - room } else { end = week + 1 + room }
        }
        let start = slots.count
        slots.append(contentsOf: repeatElement(0, count: end - first))
        for w in 0..<old.weeks { slots[start + old.firstWeek - first + w] = slots[old.start + w] }
        abandoned += old.weeks
        spans[s] = Span(firstWeek: first, weeks: end - first, start: start)
        if abandoned > slots.count / 2 { compact() }
    }

    private mutating func compact() {
        var packed: [UInt32] = []
        packed.reserveCapacity(slots.count - abandoned)
        for i in spans.indices {
            let span = spans[i]
            spans[i].start = packed.count
            packed.append(contentsOf: slots[span.start..<(span.start + span.weeks)])
        }
        slots = packed
        abandoned = 0
    }
}
