/// One stored run, as the `runs` table lists it.
public struct StoredRun: Sendable, Codable {
    public var id: Int64
    public var asOf: String
    public var asOfSource: String
    public var delayTo: DelayTarget
    public var startedAt: String
    public var finishedAt: String
    public var files: Int
    public var bytes: Int
    public var rowsRead: Int
    public var letters: Int
    public var rowsRejected: Int
    public var trusts: Int
    public var elapsedSeconds: Double
    /// The start of the extract's window of events (nil for runs stored before v11 recorded it).
    public var windowStart: String?
    /// When `prune` removed the run's snapshot; the history may still hold some of its weeks.
    public var prunedAt: String?
}

extension StoredRun {
    /// The `runs` columns read, in the order `init(reading:path:)` takes them.
    static let columns = ["id", "as_of", "as_of_source", "delay_to", "started_at", "finished_at", "files", "bytes", "rows_read",
                          "letters", "rows_rejected", "trusts", "elapsed_seconds", "window_start", "pruned_at"]

    /// A `runs` row selected with `columns`; a `delay_to` this letterlag does not know is an error.
    init(reading row: StatementRow, path: String) throws {
        id = row.int64(0)
        guard let delayTo = DelayTarget(rawValue: row.text(3)) else {
            throw LetterlagError.database(path: path, reason: "run \(id) has delay_to '\(row.text(3))', which this letterlag cannot read", statement: nil)
        }
        self.delayTo = delayTo
        asOf = row.text(1); asOfSource = row.text(2); startedAt = row.text(4); finishedAt = row.text(5)
        files = row.int(6); bytes = row.int(7); rowsRead = row.int(8); letters = row.int(9); rowsRejected = row.int(10)
        trusts = row.int(11); elapsedSeconds = row.real(12) ?? 0
        windowStart = row.optionalText(13); prunedAt = row.optionalText(14)
    }
}
