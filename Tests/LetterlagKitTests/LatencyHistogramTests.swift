import Testing
@testable import LetterlagKit

@Suite struct LatencyHistogramTests {
    /// Exact nearest-rank percentile: the ⌈p·n⌉-th smallest value.
    func exact(_ sorted: [Int64], perMille: Int) -> Double {
        let rank = max(1, (perMille * sorted.count + 999) / 1000)
        return Double(sorted[rank - 1])
    }

    @Test(arguments: [1, 2, 7, 100, 5_000, 100_000])
    func percentilesAreWithinOnePercentOfExactNearestRank(count: Int) {
        var rng = SplitMix64(seed: UInt64(count))
        let values = (0..<count).map { _ in Int64(exp(rng.normal() * 1.5 + 11)) + Int64(rng.next() % 50) }
        var h = LatencyHistogram()
        values.forEach { h.record($0) }
        let sorted = values.sorted()
        for pm in [1, 100, 250, 500, 900, 950, 990, 999, 1000] {
            let truth = exact(sorted, perMille: pm)
            let got = h.percentile(perMille: pm)!
            #expect(abs(got - truth) <= max(truth * 0.01, 0), "p\(pm) of \(count): \(got) vs \(truth)")
        }
        #expect(h.maximum == sorted.last!)
        #expect(h.minimum == sorted.first!)
    }

    @Test(arguments: [0, 1, 2, 3, 9, 10, 11, 99, 1_001, 20_000])
    func percentilesInOneWalkEqualEachPercentileAlone(count: Int) {
        var rng = SplitMix64(seed: UInt64(count) &+ 77)
        var h = LatencyHistogram()
        for _ in 0..<count { h.record(Int64(rng.next() % 3) == 0 ? Int64(rng.next() % 100) : Int64(exp(rng.normal() * 2 + 9))) }
        for asked in [(500, 900, 950, 990), (1, 1, 500, 1000), (999, 1000, 1000, 1000), (0, 0, 0, 0), (500, 900, 900, 900)] {
            let got = h.percentiles(perMille: asked)
            let alone = (h.percentile(perMille: asked.0), h.percentile(perMille: asked.1),
                         h.percentile(perMille: asked.2), h.percentile(perMille: asked.3))
            #expect(got.0 == alone.0 && got.1 == alone.1 && got.2 == alone.2 && got.3 == alone.3,
                    "\(asked) of \(count): \(got) against \(alone)")
        }
    }

    @Test func smallValuesAreExact() {
        var h = LatencyHistogram()
        for v in [0, 5, 5, 127, 60] { h.record(Int64(v)) }
        #expect(h.percentile(perMille: 500) == 5)
        #expect(h.percentile(perMille: 800) == 60)
        #expect(h.percentile(perMille: 1000) == 127)
    }

    @Test func bucketsCoverEveryValueOnceWithBoundedWidth() {
        var previousEnd: Int64 = 0
        for index in 0..<2_000 {
            let (lower, width) = LatencyHistogram.range(of: index)
            #expect(lower == previousEnd)
            #expect(LatencyHistogram.bucket(of: lower) == index)
            #expect(LatencyHistogram.bucket(of: lower + width - 1) == index)
            #expect(Double(width) / Double(max(lower, 1)) <= 1.0 / 64 || width == 1)
            previousEnd = lower + width
        }
    }

    @Test func mergingEqualsRecordingEverythingInOne() {
        var rng = SplitMix64(seed: 9)
        var a = LatencyHistogram(), b = LatencyHistogram(), all = LatencyHistogram()
        for i in 0..<10_000 {
            let v = Int64(rng.next() % 3_000_000)
            if i % 3 == 0 { a.record(v) } else { b.record(v) }
            all.record(v)
        }
        a.merge(b)
        #expect(a == all)
    }

    @Test func mergingInPlaceEqualsRecordingWhetherOrNotBucketsAreNew() {
        var rng = SplitMix64(seed: 21)
        // A wide histogram, a narrow one inside its buckets (the in-place path), and one with new
        // buckets below, between and above (the growing path), merged in both orders.
        var wide = LatencyHistogram(), inside = LatencyHistogram(), outside = LatencyHistogram(), all = LatencyHistogram()
        var wideValues: [Int64] = []
        for _ in 0..<5_000 {
            let v = Int64(200 + rng.next() % 100_000)
            wide.record(v); all.record(v); wideValues.append(v)
        }
        for i in 0..<300 { let v = wideValues[i * 7]; inside.record(v); all.record(v) }
        for v: Int64 in [0, 3, 150, 5_000_000, 90_000_000] { outside.record(v); all.record(v) }
        var a = wide
        a.merge(inside)
        a.merge(outside)
        #expect(a == all)
        var b = outside
        b.merge(inside)
        b.merge(wide)
        #expect(b == all)
        #expect(a.buckets == a.buckets.sorted() && Set(a.buckets).count == a.buckets.count)
    }

    /// The merge finds buckets by galloping and moves blocks; checked against recording every
    /// value into one histogram, over histograms of every shape: one bucket, disjoint, nested,
    /// interleaved, new buckets below, between and above, wide and narrow, in both orders.
    @Test func mergingRandomShapesEqualsRecordingEverything() {
        var rng = SplitMix64(seed: 77)
        for trial in 0..<2_000 {
            func values() -> [Int64] {
                let count = Int(rng.next() % 60)
                let base = Int64(rng.next() % 4) * 1_000_000, spread = 1 + rng.next() % (rng.next() % 2 == 0 ? 5_000 : 50_000_000)
                return (0..<count).map { _ in base + Int64(rng.next() % spread) }
            }
            let x = values(), y = values()
            var a = LatencyHistogram(), b = LatencyHistogram(), all = LatencyHistogram()
            for v in x { a.record(v); all.record(v) }
            for v in y { b.record(v); all.record(v) }
            var ab = a, ba = b
            ab.merge(b)
            ba.merge(a)
            #expect(ab == all, "trial \(trial)")
            #expect(ba == all, "trial \(trial)")
            #expect(ab.buckets == ab.buckets.sorted() && Set(ab.buckets).count == ab.buckets.count)
        }
        // Long gallops and long block moves: thousands of buckets against a few spread among them.
        var dense = LatencyHistogram(), sparse = LatencyHistogram(), all = LatencyHistogram()
        var v: Int64 = 1
        while v < 40_000_000 { dense.record(v, count: 3); all.record(v, count: 3); v += 1 + v / 90 }
        for value: Int64 in [0, 2, 77, 5_000, 5_001, 1_234_567, 39_999_999, 400_000_000] { sparse.record(value); all.record(value) }
        #expect(dense.buckets.count > 1_000)
        var ds = dense, sd = sparse
        ds.merge(sparse)
        sd.merge(dense)
        #expect(ds == all && sd == all)
    }

    @Test func encodedFormRoundTrips() throws {
        var h = LatencyHistogram()
        var rng = SplitMix64(seed: 3)
        for _ in 0..<1_000 { h.record(Int64(rng.next() % 10_000_000)) }
        let decoded = try #require(LatencyHistogram(encoded: h.encoded()))
        #expect(decoded == h)
        #expect(LatencyHistogram(encoded: [])?.isEmpty == true)
        #expect(LatencyHistogram(encoded: [0x80]) == nil)
    }

    /// The stored form before runs, written the plain way: LEB128 of the extremes, then a
    /// (gap, count) pair for every bucket.
    static func pairsOnly(_ h: LatencyHistogram) -> [UInt8] {
        guard !h.isEmpty else { return [] }
        var out = leb128(UInt64(h.minimum)) + leb128(UInt64(h.maximum))
        var previous = -1
        for (bucket, count) in zip(h.buckets, h.counts) {
            out += leb128(UInt64(Int(bucket) - previous)) + leb128(count)
            previous = Int(bucket)
        }
        return out
    }

    /// `value` as an unsigned LEB128 varint, the plain way.
    static func leb128(_ value: UInt64) -> [UInt8] {
        var out: [UInt8] = [], v = value
        repeat {
            out.append(UInt8(v & 0x7F) | (v >= 0x80 ? 0x80 : 0))
            v >>= 7
        } while v > 0
        return out
    }

    /// A week's delays fill long runs of neighbouring buckets; a run is stored as its length and
    /// counts, sparing the gap of 1 each bucket took before: about a byte a bucket.
    @Test func runsOfNeighbouringBucketsTakeAboutAByteABucketLess() throws {
        var h = LatencyHistogram()
        for b in 200..<500 { h.add(bucket: b, count: UInt64(b % 90 + 1)) }
        h.add(bucket: 600, count: 3)
        h.add(bucket: 602, count: 4)
        h.noteExtremes(minimum: LatencyHistogram.range(of: 200).lower, maximum: LatencyHistogram.range(of: 602).lower)
        let stored = h.encoded(), plain = Self.pairsOnly(h)
        #expect(LatencyHistogram(encoded: stored) == h)
        #expect(stored.count <= plain.count - 295, "\(stored.count) bytes against \(plain.count) as pairs")
    }

    /// Blobs stored before runs were written hold only pairs, and read as they always did; any
    /// histogram reads back the same from either form.
    @Test func aBlobOfPairsOnlyStillReadsTheSame() throws {
        var rng = SplitMix64(seed: 21)
        for size in [1, 2, 3, 10, 1_000, 50_000] {
            var h = LatencyHistogram()
            for _ in 0..<size { h.record(Int64(rng.next() % UInt64(1 + size * 40))) }
            #expect(LatencyHistogram(encoded: Self.pairsOnly(h)) == h, "\(size) values")
            #expect(LatencyHistogram(encoded: h.encoded()) == h, "\(size) values")
            #expect(h.encoded().count <= Self.pairsOnly(h).count)
        }
    }

    /// A run that is empty, cut short or holds an empty bucket is not a histogram; each damaged
    /// blob would read as a valid one were its check missing.
    @Test func aDamagedRunIsNotAHistogram() {
        #expect(LatencyHistogram(encoded: [5, 7, 6, 1, 0, 2, 1, 1])?.total == 3, "bucket 5, then a run of buckets 6 and 7")
        #expect(LatencyHistogram(encoded: [5, 5, 6, 1, 0, 0]) == nil, "an empty run")
        #expect(LatencyHistogram(encoded: [5, 6, 6, 1, 0, 2, 1]) == nil, "a run of two with one count")
        #expect(LatencyHistogram(encoded: [5, 7, 6, 1, 0, 2, 0, 1]) == nil, "an empty bucket in a run")
    }

    /// Runs reach both ends of the buckets: from bucket 0, where the previous index is -1 as for
    /// a first gap, and up to the top bucket, the longest delay there can be.
    @Test func runsReachTheFirstAndTheTopBucket() throws {
        var low = LatencyHistogram()
        for v in [0, 1, 2, 3, 3] { low.record(Int64(v)) }
        #expect(low.encoded() == [0, 3, 0, 4, 1, 1, 1, 2])
        #expect(LatencyHistogram(encoded: low.encoded()) == low)
        let top = LatencyHistogram.topBucket
        var high = LatencyHistogram()
        for b in (top - 3)...top { high.add(bucket: b, count: 1) }
        high.noteExtremes(minimum: LatencyHistogram.range(of: top - 3).lower, maximum: .max)
        let stored = high.encoded()
        #expect(Array(stored.suffix(6)) == [1, 0, 3, 1, 1, 1], "a pair for the first, then a run of three")
        #expect(LatencyHistogram(encoded: stored) == high)
        #expect(LatencyHistogram(encoded: Array(stored.dropLast(5)) + [0, 4, 1, 1, 1, 1]) == nil, "a run past the top bucket")
    }
}

import Foundation

@Suite struct ManyWayMergeTests {
    @Test func mergingManyAtOnceEqualsMergingPairwise() {
        var rng = SplitMix64(seed: 12)
        let parts = (0..<40).map { i -> LatencyHistogram in
            var h = LatencyHistogram()
            for _ in 0..<(i * 37 % 500) { h.record(Int64(rng.next() % 5_000_000)) }
            return h
        }
        var pairwise = LatencyHistogram()
        parts.forEach { pairwise.merge($0) }
        #expect(LatencyHistogram.merged(parts) == pairwise)
        #expect(LatencyHistogram.merged([]) == LatencyHistogram())
    }

    @Test func aDenseBucketHoldsAsManyLettersAsARunMayAndHandsThemOnExactly() {
        let limit = UInt64(DenseBuckets.countLimit)
        let dense = DenseBuckets(), parent = DenseBuckets()
        dense.add(700, count: limit - 1)
        dense.add(700)
        dense.add(3, count: 5)
        #expect(dense.drain(findingRanks: 5, limit + 5, addingTo: parent) == (3, 700))
        parent.add(700, count: 0)
        var expected = LatencyHistogram()
        expected.add(bucket: 3, count: 5)
        expected.add(bucket: 700, count: limit)
        #expect(parent.drain() == expected)
    }

    @Test func aRunOfMoreLettersThanAFoldsCountsHoldIsRefusedAsImplausible() throws {
        try IngestPipeline.checkLetterCount(DenseBuckets.countLimit)
        #expect {
            try IngestPipeline.checkLetterCount(DenseBuckets.countLimit + 1)
        } throws: { error in
            guard case LetterlagError.implausibleExtract(let message) = error else { return false }
            return message.contains("4294967296 letters")
        }
    }

    @Test func denseBucketsDrainToTheSameHistogramAndStartAgainEmpty() {
        var rng = SplitMix64(seed: 5)
        let dense = DenseBuckets()
        #expect(dense.occupiedRange == nil)
        #expect(dense.drain() == LatencyHistogram())
        let top = LatencyHistogram.bucket(of: .max)
        for round in 0..<3 {
            // Word edges, the first and last bucket, and a spread that differs each round.
            var values: [Int64] = [0, 63, 64, 127, 128, Int64.max]
            for _ in 0..<(200 * (round + 1)) { values.append(Int64(rng.next() % 9_000_000)) }
            var expected = LatencyHistogram()
            for v in values {
                dense.add(LatencyHistogram.bucket(of: v))
                expected.add(bucket: LatencyHistogram.bucket(of: v), count: 1)
            }
            #expect(dense.occupiedRange?.lowest == 0)
            #expect(dense.occupiedRange?.highest == top)
            #expect(dense.drain() == expected)
            #expect(dense.occupiedRange == nil)
        }
        dense.add(300)
        #expect(dense.occupiedRange?.lowest == 300 && dense.occupiedRange?.highest == 300)
        var one = LatencyHistogram()
        one.add(bucket: 300, count: 1)
        #expect(dense.drain() == one)
    }
}
