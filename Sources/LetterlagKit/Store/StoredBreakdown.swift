/// One stored breakdown row read back: its run, its value and its figures.
public struct StoredBreakdown: Sendable {
    public var runID: Int64
    /// The breakdown's value as stored: a specialty or practice code, or a channel's name.
    public var value: String
    /// The event month, `2024-07`, for a row of a month table.
    public var month: String?
    public var figures: SummaryRow
    /// For a row of the history, whether its period was only partly covered by its run.
    public var partial = false
}
