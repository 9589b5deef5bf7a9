/// One cell's bucket counts while it is assembled: a count per bucket and a bit per occupied
/// bucket, so turning them into a histogram visits only the occupied buckets, however wide the
/// cell's range; a cell holds a few hundred letters spread over up to a thousand buckets.
/// Raw storage, because an array re-checks its uniqueness on every count added. Counts are 32
/// bits: at 64 a fold's four histograms filled the core's 32 KiB data cache by themselves, and
/// halving them made the national 10M ingest 0.94 × as long. A run holds at most `countLimit`
/// letters (`IngestPipeline` refuses more), so no count, a bucket's or a whole run's, can wrap.
final class DenseBuckets {
    /// The most letters a run may hold, so that every count fits 32 bits.
    static let countLimit = Int(UInt32.max)

    private let counts: UnsafeMutableBufferPointer<UInt32>
    private let occupied: UnsafeMutableBufferPointer<UInt64>
    /// Where `drain` writes the occupied buckets before copying them into a histogram's arrays:
    /// making those arrays with `Array(repeating:count:)` or `Array(unsafeUninitializedCapacity:)`
    /// went through the standard library's unspecialized allocation, a runtime metadata lookup
    /// each time, 2% of a national ingest's CPU over the million or so drains.
    private let drainedBuckets: UnsafeMutableBufferPointer<Int32>
    private let drainedCounts: UnsafeMutableBufferPointer<UInt64>
    /// The lowest and highest words of `occupied` with a bit set since the last drain, so that
    /// draining a cell of few letters visits those words only.
    private var lowWord = Int.max
    private var highWord = -1

    init() {
        let buckets = LatencyHistogram.bucket(of: .max) + 1
        counts = .allocate(capacity: buckets)
        counts.initialize(repeating: 0)
        drainedBuckets = .allocate(capacity: buckets)
        drainedCounts = .allocate(capacity: buckets)
        occupied = .allocate(capacity: (buckets + 63) / 64)
        occupied.initialize(repeating: 0)
    }

    deinit {
        drainedBuckets.deallocate()
        drainedCounts.deallocate()
        counts.deallocate()
        occupied.deallocate()
    }

    /// `bucket` must be below `LatencyHistogram.bucket(of: .max) + 1`, as every bucket index is.
    @inline(__always)
    func add(_ bucket: Int) { add(bucket, count: 1) }

    /// The lowest and highest occupied buckets, or nil when none is.
    var occupiedRange: (lowest: Int, highest: Int)? {
        guard highWord >= 0 else { return nil }
        let first = lowWord, last = highWord
        return (first << 6 | occupied[first].trailingZeroBitCount, last << 6 | (63 - occupied[last].leadingZeroBitCount))
    }

    /// Adds `count` to a bucket.
    @inline(__always)
    func add(_ bucket: Int, count: UInt64) {
        counts[bucket] &+= UInt32(truncatingIfNeeded: count)
        let w = bucket &>> 6
        occupied[w] |= 1 &<< UInt64(truncatingIfNeeded: bucket & 63)
        if w < lowWord { lowWord = w }
        if w > highWord { highWord = w }
    }

    /// Empties the counts as `drain` does, handing them to `parent`, without making a histogram:
    /// the buckets that hold the `first`th and `second`th smallest values (ranks from 1, `first`
    /// ≤ `second` ≤ the total), or -1 for a rank beyond the total. For a cell that keeps two
    /// percentiles and no histogram; one visit of each occupied bucket.
    func drain(findingRanks first: UInt64, _ second: UInt64, addingTo parent: DenseBuckets? = nil) -> (Int, Int) {
        guard highWord >= 0 else { return (-1, -1) }
        let words = lowWord...highWord
        lowWord = .max
        highWord = -1
        var seen: UInt64 = 0
        var found = (-1, -1)
        for w in words where occupied[w] != 0 {
            var bits = occupied[w]
            while bits != 0 {
                let b = w << 6 | bits.trailingZeroBitCount
                let before = seen
                seen &+= UInt64(counts[b])
                if before < first && seen >= first { found.0 = b }
                if before < second && seen >= second { found.1 = b }
                parent?.add(b, count: UInt64(counts[b]))
                counts[b] = 0
                bits &= bits &- 1
            }
            occupied[w] = 0
        }
        return found
    }

    /// Empties the counts, handing them to `parent`, for a cell that keeps nothing of them.
    func empty(handingOnTo parent: DenseBuckets?) { _ = drain(findingRanks: 0, 0, addingTo: parent) }

    /// The counts as a histogram, leaving every count zero for the next cell; extremes are left
    /// to the caller. With `parent`, every count is also added to it, in one visit of each
    /// occupied bucket, so a window's cells can be drained into their whole.
    func drain(addingTo parent: DenseBuckets? = nil) -> LatencyHistogram {
        guard highWord >= 0 else { return LatencyHistogram() }
        let words = lowWord...highWord
        lowWord = .max
        highWord = -1
        var n = 0
        for w in words { n &+= occupied[w].nonzeroBitCount }
        var k = 0
        for w in words where occupied[w] != 0 {
            var bits = occupied[w]
            while bits != 0 {
                let b = w << 6 | bits.trailingZeroBitCount
                drainedBuckets[k] = Int32(truncatingIfNeeded: b)
                drainedCounts[k] = UInt64(counts[b])
                parent?.add(b, count: UInt64(counts[b]))
                counts[b] = 0
                k &+= 1
                bits &= bits &- 1
            }
            occupied[w] = 0
        }
        let buckets = Array(UnsafeBufferPointer(rebasing: drainedBuckets[..<n]))
        let values = Array(UnsafeBufferPointer(rebasing: drainedCounts[..<n]))
        return LatencyHistogram(ascendingBuckets: buckets, counts: values)
    }
}
