import Foundation

/// Lowers aggregation workers below the one thread that gates them: the inflating reader
/// during the pass, the SQLite writer while cells are stored.
///
/// At equal priority, three busy threads on two cores gave the gating thread two thirds of a
/// core, and the whole run waited on it; at nice 5 the reader still got only 75–80% of a core
/// (one worker shared its core), while at 19 it gets all of it and a 10M-row ingest took 1.35 s
/// instead of 1.47 s (medians of 6 alternated runs). Workers still use every cycle the gating
/// thread leaves; only a busy machine's other work now comes before them, as befits a batch job.
enum WorkerPriority {
    static let workerNice: Int32 = 19

    /// Runs `body` on the calling thread at the workers' nice value (on Linux it is per thread).
    /// Going back to 0 needs privilege, so without it a pool thread keeps the workers' value;
    /// in this batch process that is harmless.
    static func asWorker<T>(_ body: () throws -> T) rethrows -> T {
        set(workerNice)
        defer { set(0) }
        return try body()
    }

    private static func set(_ value: Int32) {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, value)
        #endif
    }
}
