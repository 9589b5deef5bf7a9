/// What the store keeps of a run besides its summaries: when it was as of, its window, its files
/// and the rows it set aside, as plain values the ingest hands over.
public struct RunRecord: Sendable {
    public struct File: Sendable {
        public var path: String
        public var bytes: Int
        public var rowsRead: Int
        public var rowsRejected: Int
        /// The file's `ContentKey`, taken as it was read.
        public var contentKey: String?
    }

    public struct RejectExample: Sendable, Equatable {
        public var reason: RejectReason
        public var file: String
        public var line: Int
    }

    public var asOf: Int64
    public var asOfFromExtract: Bool
    /// The periods the run covers in full, from its window start and as-of time.
    public var window: RunWindow
    /// Whether the window start is the extract's earliest event rather than given.
    public var windowFromExtract: Bool
    /// The clock tolerance the run was read with, in seconds.
    public var clockSkew: Int64
    /// `received`, or `sent` when the extract has no `received_at` column.
    public var delayTo: DelayTarget
    public var files: [File]
    public var rejectCounts: [RejectReason: Int]
    public var rejectExamples: [RejectExample]
    public var limits: ContractLimits

    public var bytes: Int { files.reduce(0) { $0 + $1.bytes } }
    public var rowsRead: Int { files.reduce(0) { $0 + $1.rowsRead } }
    public var rowsRejected: Int { rejectCounts.values.reduce(0, +) }
    public var letters: Int { rowsRead - rowsRejected }
}
