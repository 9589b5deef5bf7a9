/// Weeks merged as they arrive, for a trend's period or a comparison's whole run: counts add, and
/// each histogram's buckets add into dense counts that `take` drains, visiting only the occupied
/// buckets. Merging each week into the period's histograms instead grew and rewrote their arrays
/// week after week, which was a fifth of a trend by month's time. A fold holds five dense arrays,
/// about 300 KB, so a reader makes one and reuses it from period to period. Dense counts are 32
/// bits (`DenseBuckets.countLimit`), far more than one trust × type's letters in a period; a
/// histogram whose period would pass that (a stored blob may hold up to
/// `LatencyHistogram.maxTotal`) is merged exactly instead.
final class PeriodFold {
    private var counts = CellSummary()
    private let delay = DenseBuckets(), outstandingAge = DenseBuckets(), workingDays = DenseBuckets(),
                writing = DenseBuckets(), delivery = DenseBuckets()
    /// The extremes of each histogram, in the order `add` takes them.
    private var extremes = [(minimum: Int64, maximum: Int64)](repeating: (.max, .min), count: 5)
    /// Each histogram's values so far in the period, and, once they pass the dense counts'
    /// limit, the histogram merged exactly from then on.
    private var totals = [UInt64](repeating: 0, count: 5)
    private var exact = [LatencyHistogram?](repeating: nil, count: 5)

    func add(_ cell: CellSummary) {
        counts.mergeCounts(cell)
        add(cell.delay, to: delay, 0)
        add(cell.outstandingAge, to: outstandingAge, 1)
        add(cell.workingDays, to: workingDays, 2)
        add(cell.writing, to: writing, 3)
        add(cell.delivery, to: delivery, 4)
    }

    /// The period's figures; the fold is then empty.
    func take() -> CellSummary {
        var s = counts
        s.delay = taken(delay, 0)
        s.outstandingAge = taken(outstandingAge, 1)
        s.workingDays = taken(workingDays, 2)
        s.writing = taken(writing, 3)
        s.delivery = taken(delivery, 4)
        counts = CellSummary()
        return s
    }

    private func add(_ h: LatencyHistogram, to dense: DenseBuckets, _ k: Int) {
        guard h.total > 0 else { return }
        let (sum, overflow) = totals[k].addingReportingOverflow(h.total)
        totals[k] = overflow ? .max : sum
        if exact[k] != nil || totals[k] > UInt64(DenseBuckets.countLimit) {
            if exact[k] == nil { exact[k] = drained(dense, k) }
            exact[k]!.merge(h)
            return
        }
        h.buckets.withUnsafeBufferPointer { buckets in
            h.counts.withUnsafeBufferPointer { counts in
                for i in 0..<buckets.count { dense.add(Int(buckets[i]), count: counts[i]) }
            }
        }
        extremes[k] = (min(extremes[k].minimum, h.minimum), max(extremes[k].maximum, h.maximum))
    }

    /// Histogram `k` of the period, the fold's state for it then empty.
    private func taken(_ dense: DenseBuckets, _ k: Int) -> LatencyHistogram {
        totals[k] = 0
        guard let whole = exact[k] else { return drained(dense, k) }
        exact[k] = nil
        return whole
    }

    private func drained(_ dense: DenseBuckets, _ k: Int) -> LatencyHistogram {
        var h = dense.drain()
        h.noteExtremes(minimum: extremes[k].minimum, maximum: extremes[k].maximum)
        extremes[k] = (.max, .min)
        return h
    }
}
