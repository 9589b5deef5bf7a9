/// A mergeable histogram of durations in whole seconds, with at most 0.78% relative error.
///
/// Buckets are log-linear, as in HdrHistogram: exact below 128 s, then 64 buckets per power
/// of two, so a bucket's midpoint is within 1/128 of any value in it. Two histograms merge by
/// adding counts, so any window can be re-aggregated from stored weeks. The exact minimum and
/// maximum are kept beside the buckets so that the extremes carry no bucket error.
public struct LatencyHistogram: Sendable, Equatable {
    /// Occupied bucket indexes in ascending order, and their counts.
    public private(set) var buckets: [Int32] = []
    public private(set) var counts: [UInt64] = []
    public private(set) var total: UInt64 = 0
    public private(set) var minimum: Int64 = .max
    public private(set) var maximum: Int64 = .min

    public init() {}

    /// The bucket index of a non-negative duration. Inlinable, so the ingest's folds, which
    /// take it several times a letter, do not call across the module for it.
    @inlinable @inline(__always)
    public static func bucket(of seconds: Int64) -> Int {
        let v = UInt64(max(0, seconds))
        if v < 128 { return Int(v) }
        let e = 63 - v.leadingZeroBitCount
        return (e - 6) * 64 + Int(v >> UInt64(e - 6))
    }

    /// The smallest value in bucket `index`, and the bucket's width.
    @inlinable
    public static func range(of index: Int) -> (lower: Int64, width: Int64) {
        if index < 128 { return (Int64(index), 1) }
        let e = index / 64 + 5
        let sub = Int64(index % 64 + 64)
        return (sub << Int64(e - 6), 1 << Int64(e - 6))
    }

    /// The value a bucket stands for: exact below 128 s, else the bucket's midpoint.
    public static func representative(of index: Int) -> Double {
        let (lower, width) = range(of: index)
        return width == 1 ? Double(lower) : Double(lower) + Double(width) / 2
    }

    public var isEmpty: Bool { total == 0 }

    public mutating func record(_ seconds: Int64, count: UInt64 = 1) {
        add(bucket: Self.bucket(of: seconds), count: count)
        noteExtremes(minimum: seconds, maximum: seconds)
    }

    /// Adds `count` values to a bucket; the caller keeps the extremes with `noteExtremes`.
    /// Adding in ascending bucket order is cheapest.
    public mutating func add(bucket index: Int, count: UInt64) {
        guard count > 0 else { return }
        let b = Int32(index)
        total += count
        if let last = buckets.last, last >= b {
            if last == b { counts[counts.count - 1] += count; return }
            var lo = 0, hi = buckets.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if buckets[mid] < b { lo = mid + 1 } else { hi = mid }
            }
            if buckets[lo] == b { counts[lo] += count } else {
                buckets.insert(b, at: lo)
                counts.insert(count, at: lo)
            }
            return
        }
        buckets.append(b)
        counts.append(count)
    }

    public mutating func noteExtremes(minimum lo: Int64, maximum hi: Int64) {
        minimum = Swift.min(minimum, lo)
        maximum = Swift.max(maximum, hi)
    }

    /// Adds `other` in place. Each of its buckets is found here by a galloping search from the
    /// last one found, so the search costs `other`'s buckets times the logarithm of the gaps
    /// between them, not this histogram's size. When none is new, as for most later weeks merged
    /// into a whole run, its counts are added and nothing moves; otherwise the arrays grow once and
    /// the stretches between new buckets move up as blocks. Walking both arrays bucket by bucket
    /// instead was half the time of `hist_merge` over a five-year run's weeks.
    public mutating func merge(_ other: LatencyHistogram) {
        guard other.total > 0 else { return }
        guard total > 0 else { self = other; return }
        let m = other.buckets.count
        withUnsafeTemporaryAllocation(of: Int.self, capacity: m) { at in
            // at[j]: where other's bucket j is here, or goes, negated minus one when it is new.
            let added = buckets.withUnsafeBufferPointer { mine in
                other.buckets.withUnsafeBufferPointer { theirs in Self.locate(theirs, in: mine, at) }
            }
            let n = buckets.count
            if added > 0 {
                buckets.append(contentsOf: repeatElement(0, count: added))
                counts.append(contentsOf: repeatElement(0, count: added))
            }
            buckets.withUnsafeMutableBufferPointer { mine in
                counts.withUnsafeMutableBufferPointer { myCounts in
                    other.buckets.withUnsafeBufferPointer { theirs in
                        other.counts.withUnsafeBufferPointer { theirCounts in
                            guard added > 0 else {
                                for j in 0..<m { myCounts[at[j]] += theirCounts[j] }
                                return
                            }
                            // From the top down: every bucket from a place up moves up by the new buckets below it.
                            var shift = added, end = n
                            for j in stride(from: m - 1, through: 0, by: -1) {
                                let isNew = at[j] < 0
                                let place = isNew ? -at[j] - 1 : at[j]
                                if end > place {
                                    (mine.baseAddress! + place + shift).moveInitialize(from: mine.baseAddress! + place, count: end - place)
                                    (myCounts.baseAddress! + place + shift).moveInitialize(from: myCounts.baseAddress! + place, count: end - place)
                                }
                                if isNew {
                                    shift -= 1
                                    mine[place + shift] = theirs[j]
                                    myCounts[place + shift] = theirCounts[j]
                                } else {
                                    myCounts[place + shift] += theirCounts[j]
                                }
                                end = place
                            }
                        }
                    }
                }
            }
        }
        total += other.total
        noteExtremes(minimum: other.minimum, maximum: other.maximum)
    }

    /// Finds each of `theirs`' buckets in `mine` (both ascending), searching from the last one
    /// found by doubling steps and then halving: `at[j]` is its index there, or `-(index) - 1` for
    /// the index it would be inserted at when it is new. Returns how many are new.
    private static func locate(_ theirs: UnsafeBufferPointer<Int32>, in mine: UnsafeBufferPointer<Int32>,
                               _ at: UnsafeMutableBufferPointer<Int>) -> Int {
        let n = mine.count
        var i = 0, added = 0
        for j in 0..<theirs.count {
            let b = theirs[j]
            if i < n && mine[i] < b {
                var low = i, step = 1
                while low + step < n && mine[low + step] < b { low += step; step &<<= 1 }
                var high = Swift.min(low + step, n)
                low += 1
                while low < high {
                    let mid = (low + high) >> 1
                    if mine[mid] < b { low = mid + 1 } else { high = mid }
                }
                i = low
            }
            if i < n && mine[i] == b {
                at[j] = i
                i += 1
            } else {
                at[j] = -i - 1
                added += 1
            }
        }
        return added
    }

    /// Builds a histogram from dense counts, `dense[i]` being bucket `firstBucket + i`'s, skipping
    /// zeros; the arrays are sized exactly, with no per-bucket growth. Extremes are left to the caller.
    @_specialize(exported: true, where Dense == [UInt32])
    @_specialize(exported: true, where Dense == [UInt64])
    package init<Dense: Collection>(dense: Dense, firstBucket: Int) where Dense.Element: UnsignedInteger {
        var occupied = 0
        for c in dense where c > 0 { occupied += 1 }
        buckets.reserveCapacity(occupied)
        counts.reserveCapacity(occupied)
        for (i, c) in dense.enumerated() where c > 0 {
            buckets.append(Int32(firstBucket + i))
            counts.append(UInt64(c))
            total += UInt64(c)
        }
    }

    /// Takes occupied buckets in ascending order with their non-zero counts. Extremes are left to the caller.
    package init(ascendingBuckets: [Int32], counts: [UInt64]) {
        buckets = ascendingBuckets
        self.counts = counts
        total = counts.reduce(0, +)
    }

    /// Many histograms merged at once through a dense scratch array, which is linear in their
    /// entries; merging them pairwise would copy the growing result at every step.
    public static func merged(_ parts: [LatencyHistogram]) -> LatencyHistogram {
        let top = parts.compactMap { $0.buckets.last }.max().map { Int($0) } ?? -1
        guard top >= 0 else { return LatencyHistogram() }
        var dense = [UInt64](repeating: 0, count: top + 1)
        for part in parts {
            for (b, c) in zip(part.buckets, part.counts) { dense[Int(b)] += c }
        }
        var result = LatencyHistogram(dense: dense, firstBucket: 0)
        for part in parts { result.noteExtremes(minimum: part.minimum, maximum: part.maximum) }
        return result
    }

    /// The nearest-rank percentile in seconds: the ⌈p·n⌉-th smallest value, as DuckDB's
    /// `quantile_disc`; nil when empty. `perMille` is p × 1000, such as 500 for the median.
    public func percentile(perMille: Int) -> Double? {
        guard total > 0 else { return nil }
        return value(atRank: Self.rank(perMille: perMille, of: total))
    }

    /// `percentile(perMille:)` at each of `perMille`, which must ascend, in one walk of the
    /// buckets rather than one a percentile: a stored row takes four of its delays and two of
    /// each stage, for every one of a national run's few hundred thousand rows. Nil for each when
    /// empty. Cost: one visit of the buckets up to the last percentile's.
    public func percentiles(perMille: (Int, Int, Int, Int)) -> (Double?, Double?, Double?, Double?) {
        guard total > 0 else { return (nil, nil, nil, nil) }
        precondition(perMille.0 <= perMille.1 && perMille.1 <= perMille.2 && perMille.2 <= perMille.3,
                     "percentiles are asked in ascending order")
        func wanted(_ k: Int) -> Int { k == 0 ? perMille.0 : k == 1 ? perMille.1 : k == 2 ? perMille.2 : perMille.3 }
        var found = (0.0, 0.0, 0.0, 0.0)
        withUnsafeMutableBytes(of: &found) { raw in
            let out = raw.bindMemory(to: Double.self)
            var next = 0
            var rank = Self.rank(perMille: wanted(0), of: total)
            var seen: UInt64 = 0
            for (i, c) in counts.enumerated() {
                seen += c
                while next < 4 && seen >= rank {
                    out[next] = Self.value(ofRank: rank, of: total, inBucket: Int(buckets[i]), minimum: minimum, maximum: maximum)
                    next += 1
                    if next < 4 { rank = Self.rank(perMille: wanted(next), of: total) }
                }
                if next == 4 { break }
            }
            // Counts that fall short of a rank leave it at the maximum, as `value(atRank:)` does.
            while next < 4 { out[next] = Double(maximum); next += 1 }
        }
        return found
    }

    /// The nearest rank of p × 1000 = `perMille` among `total` values: ⌈p·n⌉, within 1…total.
    @inline(__always)
    public static func rank(perMille: Int, of total: UInt64) -> UInt64 {
        Swift.min(total, Swift.max(1, (UInt64(perMille) * total + 999) / 1000))
    }

    /// The nearest-rank `p`-quantile (0 ≤ p ≤ 1): the ⌈p·n⌉-th smallest value, at least the first.
    /// A product p·n within 1e-9 of a whole number is taken as that number, so 0.9 × 1000 is rank
    /// 900 although 0.9 is not exact in binary; this makes `quantile(0.5)` equal
    /// `percentile(perMille: 500)` for every n. Nil when empty.
    public func quantile(_ p: Double) -> Double? {
        guard total > 0 else { return nil }
        precondition(p >= 0 && p <= 1, "a quantile's p is between 0 and 1")
        let exact = p * Double(total)
        let nearest = exact.rounded()
        let rank = abs(exact - nearest) <= 1e-9 * Swift.max(1, nearest) ? nearest : exact.rounded(.up)
        return value(atRank: UInt64(Swift.max(1, Swift.min(rank, Double(total)))))
    }

    /// The `rank`-th smallest value (1-based, clamped to 1…total); nil when empty.
    ///
    /// The rule every figure uses: the exact minimum and maximum at the ends, else the value's
    /// bucket's representative (exact below 128, else its midpoint) clamped into [minimum, maximum].
    public func value(atRank requested: UInt64) -> Double? {
        guard total > 0 else { return nil }
        let rank = Swift.min(Swift.max(requested, 1), total)
        var seen: UInt64 = 0
        for (i, c) in counts.enumerated() {
            seen += c
            if seen >= rank {
                return Self.value(ofRank: rank, of: total, inBucket: Int(buckets[i]), minimum: minimum, maximum: maximum)
            }
        }
        return Double(maximum)
    }

    /// The `rank`-th of `total` values (1…total) whose bucket is `index`, the smallest being
    /// `minimum` and the largest `maximum`: `value(atRank:)`'s rule, for a caller that found the
    /// bucket without making a histogram.
    @inline(__always)
    public static func value(ofRank rank: UInt64, of total: UInt64, inBucket index: Int, minimum: Int64, maximum: Int64) -> Double {
        if rank == total { return Double(maximum) }
        if rank == 1 { return Double(minimum) }
        return Swift.min(Swift.max(representative(of: index), Double(minimum)), Double(maximum))
    }

    /// A bucket's representative clamped into this histogram's [minimum, maximum].
    @inline(__always)
    func clampedRepresentative(ofBucket index: Int) -> Double {
        Swift.min(Swift.max(Self.representative(of: index), Double(minimum)), Double(maximum))
    }

    /// How many values are at most `x`, to the histogram's resolution: how many ranks r have
    /// `value(atRank: r) <= x`, so it never contradicts a quantile or an extreme. The first and
    /// last values are the exact minimum and maximum; every other value stands at its bucket's
    /// clamped representative (exact below 128, else the midpoint). O(buckets).
    public func count(atMost x: Double) -> UInt64 {
        guard total > 0, x >= Double(minimum) else { return 0 }
        if x >= Double(maximum) { return total }
        var counted: UInt64 = 1  // the minimum
        var seen: UInt64 = 0
        for (i, c) in counts.enumerated() {
            // Ranks seen + 1 … seen + c lie in this bucket; of those, 2 … total − 1 take its value.
            let first = Swift.max(seen + 1, 2), last = Swift.min(seen + c, total - 1)
            seen += c
            guard first <= last else { continue }
            if clampedRepresentative(ofBucket: Int(buckets[i])) > x { break }
            counted += last - first + 1
        }
        return counted
    }

    /// Takes away the buckets of `other`, which must have been merged in before (a window's
    /// leaving rows); emptied buckets go. Extremes are left as they were: the caller knows them.
    /// False, with this histogram left unusable, when `other` holds a bucket or count not here.
    package mutating func subtractCounts(_ other: LatencyHistogram) -> Bool {
        guard other.total > 0 else { return true }
        guard other.total <= total else { return false }
        var i = 0, kept = 0
        for j in 0..<other.buckets.count {
            while i < buckets.count && buckets[i] < other.buckets[j] {
                buckets[kept] = buckets[i]; counts[kept] = counts[i]; kept += 1; i += 1
            }
            guard i < buckets.count, buckets[i] == other.buckets[j], counts[i] >= other.counts[j] else { return false }
            let left = counts[i] - other.counts[j]
            if left > 0 { buckets[kept] = buckets[i]; counts[kept] = left; kept += 1 }
            i += 1
        }
        while i < buckets.count { buckets[kept] = buckets[i]; counts[kept] = counts[i]; kept += 1; i += 1 }
        buckets.removeLast(buckets.count - kept)
        counts.removeLast(counts.count - kept)
        total -= other.total
        if total == 0 { minimum = .max; maximum = .min }
        return true
    }

    /// Replaces the extremes, for a window whose leaving rows may have held them.
    package mutating func setExtremes(minimum lo: Int64, maximum hi: Int64) {
        minimum = lo
        maximum = hi
    }

    /// A distribution-free 95% confidence interval for the median, from binomial order statistics
    /// (normal approximation): the values at ranks n/2 ∓ 0.98·√n. Nil when empty.
    public func medianInterval() -> (lower: Double, upper: Double)? {
        guard total > 0 else { return nil }
        let n = Double(total), half = 1.96 * n.squareRoot() / 2
        guard let lo = value(atRank: UInt64(Swift.max(1, (n / 2 - half).rounded(.down)))),
              let hi = value(atRank: UInt64(Swift.min(n, (n / 2 + half).rounded(.up) + 1))) else { return nil }
        return (lo, hi)
    }

    // MARK: Stored form

    /// A compact byte form for SQLite: LEB128 varints of the minimum, maximum, then (bucket gap,
    /// count) pairs, where a gap of 0 starts a run of consecutive buckets (its length, then their
    /// counts) that needs no gap each. Documented in docs/schema.md so analysts can decode it.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(encodedSizeEstimate)
        encode(into: &out)
        return out
    }

    /// About as many bytes as `encoded()` takes (a bucket gap and a count are one or two bytes
    /// each in practice), for reserving room once; a larger histogram only grows its buffer.
    package var encodedSizeEstimate: Int { 20 + counts.count * 4 }

    /// Appends `encoded()` to `out`, so several histograms can share one buffer. The varints are
    /// written through a pointer into room for the longest they could be, then appended at once.
    package func encode(into out: inout [UInt8]) {
        guard total > 0 else { return }
        let room = 20 + counts.count * 20
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: room) { buffer in
            let p = buffer.baseAddress!
            var n = 0
            Self.putVarint(UInt64(bitPattern: minimum), p, &n)
            Self.putVarint(UInt64(bitPattern: maximum), p, &n)
            buckets.withUnsafeBufferPointer { buckets in
                counts.withUnsafeBufferPointer { counts in
                    var previous: Int32 = -1
                    var k = 0
                    while k < buckets.count {
                        // Buckets ascend, so each gap is positive; a week's delays fill long runs of
                        // neighbouring buckets, where a run's two bytes spare a byte a bucket.
                        var run = 0
                        while k + run < buckets.count && buckets[k + run] == previous &+ 1 &+ Int32(run) { run += 1 }
                        if run >= Self.shortestRun {
                            Self.putVarint(0, p, &n)
                            Self.putVarint(UInt64(run), p, &n)
                            for j in k..<(k + run) { Self.putVarint(counts[j], p, &n) }
                            previous = buckets[k + run - 1]
                            k += run
                        } else {
                            Self.putVarint(UInt64(truncatingIfNeeded: buckets[k] &- previous), p, &n)
                            Self.putVarint(counts[k], p, &n)
                            previous = buckets[k]
                            k += 1
                        }
                    }
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[0..<n]))
        }
    }

    /// The fewest consecutive buckets written as a run: from three, the run's two bytes cost less
    /// than the gaps of 1 they replace.
    static let shortestRun = 3

    /// Writes `value` as a LEB128 varint at `p + n`, at most 10 bytes, and moves `n` past it.
    @inline(__always)
    static func putVarint(_ value: UInt64, _ p: UnsafeMutablePointer<UInt8>, _ n: inout Int) {
        var v = value
        while v >= 0x80 {
            p[n] = UInt8(truncatingIfNeeded: v) | 0x80
            n &+= 1
            v >>= 7
        }
        p[n] = UInt8(truncatingIfNeeded: v)
        n &+= 1
    }

    /// The highest bucket any duration has.
    public static let topBucket = bucket(of: .max)

    /// The most values a stored histogram may hold, 2^53: counts stay exact as doubles, so rank
    /// arithmetic cannot overflow, and no extract comes near it.
    public static let maxTotal: UInt64 = 1 << 53

    /// Decodes `encoded()`; nil when the bytes are not a histogram.
    public init?(encoded bytes: [UInt8]) {
        guard let h = bytes.withUnsafeBytes({ Self(encodedBytes: $0) }) else { return nil }
        self = h
    }

    /// Decodes the stored form in place (a SQLite blob, say), in one pass over its bytes, with or
    /// without runs (blobs written before runs have none); nil when they are not a histogram: a
    /// varint cut short or longer than 64 bits, a negative or inverted extreme, a bucket out of
    /// order or past `topBucket`, an empty run, a zero count, counts beyond `maxTotal`,
    /// extremes with no buckets, or a minimum (maximum) outside the first (last) bucket, which no
    /// encoder writes and which would make figures that contradict each other. Empty bytes are
    /// the empty histogram.
    public init?(encodedBytes bytes: UnsafeRawBufferPointer) {
        self.init()
        if bytes.isEmpty { return }
        var i = 0
        guard let lo = Self.getVarint(bytes, &i), let hi = Self.getVarint(bytes, &i) else { return nil }
        let low = Int64(bitPattern: lo), high = Int64(bitPattern: hi)
        guard low >= 0, low <= high else { return nil }
        var index = -1
        // One loop for pairs and runs: a run's buckets are pairs whose gap of 1 is not stored.
        var pending: UInt64 = 0
        while i < bytes.count {
            let gap: UInt64
            if pending > 0 {
                gap = 1
                pending -= 1
            } else {
                guard let g = Self.getVarint(bytes, &i) else { return nil }
                if g == 0 {
                    guard let run = Self.getVarint(bytes, &i), run > 0, run <= UInt64(Self.topBucket - index) else { return nil }
                    pending = run
                    continue
                }
                gap = g
            }
            guard let c = Self.getVarint(bytes, &i), gap <= UInt64(Self.topBucket - index), c > 0 else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(c)
            guard !overflow, sum <= Self.maxTotal else { return nil }
            index += Int(gap)
            buckets.append(Int32(index))
            counts.append(c)
            total = sum
        }
        guard pending == 0 else { return nil }
        guard total > 0, Self.bucket(of: low) == Int(buckets[0]), Self.bucket(of: high) == index else { return nil }
        minimum = low
        maximum = high
    }

    /// Reads a LEB128 varint at `i` and moves past it; nil when cut short or beyond 64 bits.
    static func getVarint(_ bytes: UnsafeRawBufferPointer, _ i: inout Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            if shift == 63 && b > 1 { return nil }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { return nil }
        }
        return nil
    }
}
