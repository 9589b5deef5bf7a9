/// What an ingest run computed, before it is stored: the run's record, and its cells still in the
/// spill files for the store to take batch by batch.
@dynamicMemberLookup
public struct IngestResult: Sendable {
    public typealias FileStats = RunRecord.File
    public typealias RejectExample = RunRecord.RejectExample

    public var record: RunRecord
    /// The run's cells, assembled from the spill files on demand.
    public var assembler: CellAssembler
    /// Wall-clock seconds of each phase, in order, and the process's peak resident memory
    /// (MiB) at its end, for logs and benchmarks.
    public var phases: [(name: String, seconds: Double, peakMiB: Double)] = []

    /// The record's fields, read as the result's own (`result.asOf`, `result.rejectCounts`, …).
    public subscript<Value>(dynamicMember field: KeyPath<RunRecord, Value>) -> Value { record[keyPath: field] }

    public var trusts: Int { assembler.trustCount }

    /// Every weekly cell at once; for tests and small runs, since it holds every histogram in memory.
    public var cells: [CellID: CellSummary] {
        get throws { try assembler.allCells() }
    }
}
