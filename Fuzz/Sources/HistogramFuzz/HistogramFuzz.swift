import LetterlagHistogram

/// libFuzzer's entry: the bytes are a stored histogram blob, as an analyst's query may hand
/// `hist_quantile` any blob at all.
///
/// Invariants: decoding never traps; what decodes re-encodes to a blob that decodes the same;
/// quantiles lie within the extremes and never fall as p rises; counting up to the maximum
/// counts everything; a histogram merged with itself has every count doubled and its extremes.
/// And the input read as two blobs, cut where its first byte says, merged both ways, gives the
/// sum of their buckets' counts, with new buckets below, between and above each other's.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    mergeTwo(data, size)
    guard let h = LatencyHistogram(encodedBytes: UnsafeRawBufferPointer(start: data, count: size)) else { return 0 }
    precondition(LatencyHistogram(encoded: h.encoded()) == h, "a decoded histogram does not survive its own encoding")
    guard !h.isEmpty else { return 0 }
    var previous = -Double.infinity
    for step in 0...20 {
        let q = h.quantile(Double(step) / 20)!
        precondition(q >= Double(h.minimum) && q <= Double(h.maximum), "a quantile outside the extremes")
        precondition(q >= previous, "quantiles fell as p rose")
        previous = q
    }
    precondition(h.count(atMost: Double(h.maximum)) == h.total && h.count(atMost: Double(h.minimum) - 1) == 0)
    var twice = h
    if h.total <= UInt64.max / 2 {
        twice.merge(h)
        precondition(twice.total == 2 * h.total)
        precondition(twice.buckets == h.buckets && twice.counts == h.counts.map { 2 * $0 })
        precondition(twice.minimum == h.minimum && twice.maximum == h.maximum && twice.quantile(0.5) == h.quantile(0.5))
    }
    return 0
}

/// The second invariant: the first byte cuts the rest into two blobs; when both decode, merging
/// them either way equals adding up their buckets one by one.
func mergeTwo(_ data: UnsafePointer<UInt8>, _ size: Int) {
    guard size >= 2 else { return }
    let rest = size - 1, cut = Int(data[0]) * rest / 255
    guard let a = LatencyHistogram(encodedBytes: UnsafeRawBufferPointer(start: data + 1, count: cut)),
          let b = LatencyHistogram(encodedBytes: UnsafeRawBufferPointer(start: data + 1 + cut, count: rest - cut)),
          a.total <= UInt64.max / 2, b.total <= UInt64.max / 2 else { return }
    var ab = a, ba = b
    ab.merge(b)
    ba.merge(a)
    var sum: [Int32: UInt64] = [:]
    for (bucket, count) in zip(a.buckets, a.counts) { sum[bucket, default: 0] += count }
    for (bucket, count) in zip(b.buckets, b.counts) { sum[bucket, default: 0] += count }
    let buckets = sum.keys.sorted()
    precondition(ab.buckets == buckets && ab.counts == buckets.map { sum[$0]! }, "a merge lost or misplaced a bucket's count")
    precondition(ab == ba && ab.total == a.total + b.total, "merging in the other order differs")
    if !a.isEmpty && !b.isEmpty {
        precondition(ab.minimum == min(a.minimum, b.minimum) && ab.maximum == max(a.maximum, b.maximum), "a merge lost an extreme")
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<Int32>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// SwiftPM renames an executable's `main` to `<target>_main` on Linux; this one hands over to libFuzzer.
@_cdecl("HistogramFuzz_main")
public func histogramFuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in
        guard let data, size > 0 else { return 0 }
        return fuzz(data, size)
    }
}
