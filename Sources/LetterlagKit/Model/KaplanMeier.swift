/// The Kaplan–Meier (product-limit) estimate of time to receipt, from stored histograms.
///
/// Received letters are events at their delay; outstanding letters are censored at their age,
/// because all we know is that they took longer. Ignoring them flatters slow trusts, since the
/// slowest letters are the ones still missing. Works at histogram resolution (within 1%), and a
/// letter censored in the same bucket as events is counted at risk for those events.
public enum KaplanMeier {
    /// The time in seconds by which half the letters are estimated to arrive, or nil when the
    /// survival curve never falls to one half (more than half may never arrive by the as-of time).
    public static func median(delays: LatencyHistogram, censored: LatencyHistogram) -> Double? {
        var atRisk = Double(delays.total + censored.total)
        guard delays.total > 0 else { return nil }
        var survival = 1.0
        var i = 0, j = 0
        while i < delays.buckets.count {
            let bucket = delays.buckets[i]
            while j < censored.buckets.count && censored.buckets[j] < bucket {
                atRisk -= Double(censored.counts[j])
                j += 1
            }
            let events = Double(delays.counts[i])
            survival *= 1 - events / atRisk
            if survival <= 0.5 {
                let value = LatencyHistogram.representative(of: Int(bucket))
                return min(max(value, Double(delays.minimum)), Double(delays.maximum))
            }
            atRisk -= events
            i += 1
        }
        return nil
    }
}
