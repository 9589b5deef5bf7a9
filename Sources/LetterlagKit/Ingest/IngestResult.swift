/// What an ingest run computed, before it is stored: the run's record, and its cells still in the
/// spill files for the store to take batch by batch.
public struct IngestResult: Sendable {
    public typealias FileStats = RunRecord.File
    public typealias RejectExample = RunRecord.RejectExample

    public var record: RunRecord
    /// The run's cells, assembled from the spill files on demand.
    public var assembler: CellAssembler
    /// Wall-clock seconds of each phase, in order, and the process's peak resident memory
    /// (MiB) at its end, for logs and benchmarks.
    public var phases: [(name: String, seconds: Double, peakMiB: Double)] = []

    public var asOf: Int64 { record.asOf }
    public var asOfFromExtract: Bool { record.asOfFromExtract }
    public var window: RunWindow { record.window }
    public var windowFromExtract: Bool { record.windowFromExtract }
    public var clockSkew: Int64 { record.clockSkew }
    public var delayTo: DelayTarget { record.delayTo }
    public var files: [FileStats] { record.files }
    public var rejectCounts: [RejectReason: Int] { record.rejectCounts }
    public var rejectExamples: [RejectExample] { record.rejectExamples }
    public var limits: ContractLimits { record.limits }
    public var bytes: Int { record.bytes }
    public var rowsRead: Int { record.rowsRead }
    public var rowsRejected: Int { record.rowsRejected }
    public var letters: Int { record.letters }
    public var trusts: Int { assembler.trustCount }

    /// Every weekly cell at once; for tests and small runs, since it holds every histogram in memory.
    public var cells: [CellID: CellSummary] {
        get throws { try assembler.allCells() }
    }
}
