import Foundation

/// Everything that shapes one ingest run.
public struct IngestOptions: Sendable {
    public var files: [String]
    /// The as-of instant (UTC seconds); nil takes the latest timestamp in the extract.
    public var asOf: Int64?
    public var workers: Int
    public var inflater: InflaterKind
    public var limits: ContractLimits
    public var mapping: ColumnMapping
    /// Bytes per chunk handed to a worker; a row longer than this is a damaged file.
    public var chunkSize: Int
    /// The largest share of rows, in percent, that may be set aside before the run fails.
    public var maxRejectedPercent: Double
    /// Seconds a receipt may be stamped before its sending and still count as delivered at sending
    /// (docs/product.md, "Clocks that disagree").
    public var clockSkew: Int64 = RowParser.defaultClockSkew
    /// The instant the extract's window starts (UTC seconds); nil takes its earliest event
    /// (docs/product.md, "History across runs").
    public var windowStart: Int64?
    /// Called from the reading thread at most every `progressInterval` seconds; nil for none.
    public var progress: (@Sendable (IngestProgress) -> Void)?
    public var progressInterval: Double = 0.25

    /// Spill partitions for cell records: 256, or above an estimated 40 million rows (gzip
    /// counted as 4 bytes of CSV per byte, 100 bytes a row) the 512 a letter's locator can name
    /// (`LetterKey.partitionLimit`), so a partition read back (a few whole trust × letter types)
    /// stays a few MB while each thread's open blocks (4 KiB a partition) stay small.
    public var recordPartitions: Int {
        estimatedRows > 40_000_000 ? LetterKey.partitionLimit : WorkerTally.defaultPartitions
    }

    /// Spill partitions for letter keys: as many as for records, so a partition's keys, grouped
    /// in memory to find repeats, stay a few MB however many rows repeat.
    public var keyPartitions: Int { recordPartitions }

    var estimatedRows: Int {
        files.reduce(0) { $0 + Self.sizeOnDisk($1) * ($1.hasSuffix(".gz") ? 4 : 1) } / 100
    }

    /// A file's size in bytes, or 0 when it cannot be read (opening it reports that properly).
    static func sizeOnDisk(_ path: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    public init(files: [String], asOf: Int64? = nil, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                inflater: InflaterKind = .isal, limits: ContractLimits = .standard, mapping: ColumnMapping = .init(),
                chunkSize: Int = 1 << 20, maxRejectedPercent: Double = 1) {
        self.files = files
        self.asOf = asOf
        self.workers = max(1, workers)
        self.inflater = inflater
        self.limits = limits
        self.mapping = mapping
        self.chunkSize = chunkSize
        self.maxRejectedPercent = maxRejectedPercent
    }
}
