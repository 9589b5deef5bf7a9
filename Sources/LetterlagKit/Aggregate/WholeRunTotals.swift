import Foundation

/// Per trust × letter type, the sum of its weekly cells, added to by several threads at once
/// (each entry under its own lock) while the weeks stream to the store.
///
/// Histograms are kept as dense 32-bit counts over the range of buckets seen, which for a
/// national extract is less than half the memory of sparse (bucket, count) pairs and adds a
/// week without allocating.
final class WholeRunTotals: @unchecked Sendable {
    /// Dense counts for buckets `low ..< low + counts.count`.
    struct DenseCounts {
        var low = 0
        var counts: [UInt32] = []
        var minimum: Int64 = .max
        var maximum: Int64 = .min

        mutating func add(_ h: LatencyHistogram) {
            guard let first = h.buckets.first, let last = h.buckets.last else { return }
            let lo = Int(first), hi = Int(last)
            if counts.isEmpty {
                low = lo
                counts = Array(repeating: 0, count: hi - lo + 1)
            } else if lo < low || hi >= low + counts.count {
                let newLow = min(low, lo), newHigh = max(low + counts.count - 1, hi)
                var grown = [UInt32](repeating: 0, count: newHigh - newLow + 1)
                for (i, c) in counts.enumerated() { grown[low - newLow + i] = c }
                counts = grown
                low = newLow
            }
            let low = self.low
            counts.withUnsafeMutableBufferPointer { counts in
                for (b, c) in zip(h.buckets, h.counts) {
                    // Every bucket is within the range just widened to hold them all.
                    let (sum, overflow) = counts[Int(b) &- low].addingReportingOverflow(UInt32(truncatingIfNeeded: c))
                    precondition(!overflow && c <= UInt64(UInt32.max), "more than 4 billion letters in one histogram bucket")
                    counts[Int(b) &- low] = sum
                }
            }
            minimum = min(minimum, h.minimum)
            maximum = max(maximum, h.maximum)
        }

        var histogram: LatencyHistogram {
            var h = LatencyHistogram(dense: counts, firstBucket: low)
            if !h.isEmpty { h.noteExtremes(minimum: minimum, maximum: maximum) }
            return h
        }
    }

    struct Entry {
        var figures = CellSummary()
        var delay = DenseCounts()
        var outstandingAge = DenseCounts()
        var workingDays = DenseCounts()
        var writing = DenseCounts()
        var delivery = DenseCounts()
    }

    private let slot: [TrustTypePair: Int]
    private let ids: [TrustType]
    private let entries: UnsafeMutableBufferPointer<Entry>
    private let locks: [NSLock]

    /// One entry per trust × letter type among the cell keys.
    init(keys: [CellKey], registry: CellRegistry) {
        var slot: [TrustTypePair: Int] = [:]
        var ids: [TrustType] = []
        for key in keys where slot[key.pair] == nil {
            slot[key.pair] = ids.count
            let id = registry.cellID(ofKey: key)
            ids.append(TrustType(trust: id.trust, type: id.type))
        }
        self.slot = slot
        self.ids = ids
        entries = .allocate(capacity: ids.count)
        _ = entries.initialize(from: repeatElement(Entry(), count: ids.count))
        locks = ids.map { _ in NSLock() }
    }

    deinit {
        entries.baseAddress?.deinitialize(count: entries.count)
        entries.deallocate()
    }

    /// Adds the weekly cell with `key`.
    func add(_ key: CellKey, _ cell: CellSummary) {
        let i = slot[key.pair]!
        locks[i].withLock {
            entries[i].figures.mergeCounts(cell)
            entries[i].delay.add(cell.delay)
            entries[i].outstandingAge.add(cell.outstandingAge)
            entries[i].workingDays.add(cell.workingDays)
            entries[i].writing.add(cell.writing)
            entries[i].delivery.add(cell.delivery)
        }
    }

    /// The totals, as summaries.
    func result() -> [TrustType: CellSummary] {
        var out: [TrustType: CellSummary] = [:]
        for (i, id) in ids.enumerated() {
            var s = entries[i].figures
            s.delay = entries[i].delay.histogram
            s.outstandingAge = entries[i].outstandingAge.histogram
            s.workingDays = entries[i].workingDays.histogram
            s.writing = entries[i].writing.histogram
            s.delivery = entries[i].delivery.histogram
            out[id] = s
        }
        return out
    }
}
