import Foundation

/// Measures consecutive phases of a run, and the peak resident memory by the end of each.
struct PhaseClock {
    private var last = DispatchTime.now().uptimeNanoseconds
    private(set) var phases: [(name: String, seconds: Double, peakMiB: Double)] = []

    mutating func mark(_ name: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        phases.append((name, Double(now - last) / 1e9, Self.peakMiB()))
        last = now
    }

    /// The process's peak resident set so far (`ru_maxrss` is in KiB on Linux).
    static func peakMiB() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
