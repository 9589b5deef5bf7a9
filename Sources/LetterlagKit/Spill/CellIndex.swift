/// One worker's map from trust × letter type × event week to the run's cell number, by direct
/// indexing, with the worker's count of each cell's letters beside it.
///
/// Each trust × type owns a run of consecutive weeks in one flat array, widened when an earlier
/// or later week appears, so a lookup is three array reads and a cell costs about 10 bytes, where
/// a hash table took 12–24; that keeps an extract spanning years of weeks inside the memory bound.
/// A cell's count shares its number's cache line, so counting a letter costs no second miss: as a
/// separate array per spill partition, its increment was a tenth of the row path's CPU.
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
    /// Two words a week of each span: the cell number + 1 (0 where the week has no cell yet), then
    /// the letters counted in it.
    private var slots: [UInt32] = []
    /// Slots left behind when spans moved; reclaimed once they are half the array.
    private var abandoned = 0

    /// The slot of a pair's week, or -1 when this index has not been told it.
    @inline(__always)
    private func slot(pair: Int, week: Int) -> Int {
        guard pair < spanOf.count else { return -1 }
        let s = Int(spanOf[pair])
        guard s > 0 else { return -1 }
        let span = spans[s - 1]
        let w = week &- span.firstWeek
        guard w >= 0 && w < span.weeks else { return -1 }
        return span.start + w
    }

    /// The cell number, or -1 when this index has not been told it.
    func cell(pair: Int, week: Int) -> Int {
        let i = slot(pair: pair, week: week)
        return i < 0 ? -1 : Int(slots[2 * i]) - 1
    }

    /// Counts a letter of the pair's week and returns its cell number, or -1, counting nothing,
    /// when this index has not been told it. Kept out of line: inlined into the row parser, whose
    /// size exhausts the optimizer's inlining budget, its array reads each became a call through
    /// two jumps (about 5% of the reading phase's CPU).
    @inline(never)
    mutating func count(pair: Int, week: Int) -> Int {
        let i = slot(pair: pair, week: week)
        guard i >= 0, case let cell = Int(slots[2 * i]) - 1, cell >= 0 else { return -1 }
        slots[2 * i + 1] &+= 1
        return cell
    }

    /// Calls `body` with every cell this index was told and the letters counted in it.
    func forEachCount(_ body: (_ cell: Int, _ letters: Int) -> Void) {
        for span in spans {
            for i in span.start..<(span.start + span.weeks) where slots[2 * i] > 0 {
                body(Int(slots[2 * i]) - 1, Int(slots[2 * i + 1]))
            }
        }
    }

    /// Records that the pair's `week` is cell `cell`, with no letters counted yet.
    mutating func insert(pair: Int, week: Int, cell: Int) {
        if pair >= spanOf.count {
            spanOf.append(contentsOf: repeatElement(0, count: max(pair + 1, spanOf.count + spanOf.count / 2) - spanOf.count))
        }
        var s = Int(spanOf[pair])
        if s == 0 {
            spans.append(Span(firstWeek: week, weeks: 0, start: slots.count / 2))
            s = spans.count
            spanOf[pair] = UInt32(s)
        }
        let span = spans[s - 1]
        if week < span.firstWeek || week >= span.firstWeek + span.weeks { widen(s - 1, toCover: week) }
        let moved = spans[s - 1]
        slots[2 * (moved.start + week - moved.firstWeek)] = UInt32(cell + 1)
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
        let start = slots.count / 2
        slots.append(contentsOf: repeatElement(0, count: 2 * (end - first)))
        for w in 0..<old.weeks {
            let to = 2 * (start + old.firstWeek - first + w), from = 2 * (old.start + w)
            slots[to] = slots[from]
            slots[to + 1] = slots[from + 1]
        }
        abandoned += old.weeks
        spans[s] = Span(firstWeek: first, weeks: end - first, start: start)
        if abandoned > slots.count / 4 { compact() }
    }

    private mutating func compact() {
        var packed: [UInt32] = []
        packed.reserveCapacity(slots.count - 2 * abandoned)
        for i in spans.indices {
            let span = spans[i]
            spans[i].start = packed.count / 2
            packed.append(contentsOf: slots[(2 * span.start)..<(2 * (span.start + span.weeks))])
        }
        slots = packed
        abandoned = 0
    }
}
