/// One weekly row as read back: its key, its stored figures and, when asked, its histograms.
public struct StoredWeek: Sendable {
    public var trust: String
    public var type: LetterType
    /// The Monday-based week index of `week_start`.
    public var week: Int
    /// The stored ISO week label, such as `2024-W07`.
    public var label: String
    /// The stored figures, as the run computed them.
    public var figures: SummaryRow
    /// The run whose row this is.
    public var runID: Int64
    /// Whether the run covered only part of the week (read from the history; false from a run).
    public var partial: Bool
    /// The counts, and the histograms when they were read.
    public var cell: CellSummary

    /// The columns read for every row; each is found by name.
    static let columns = ["trust_code", "letter_type", "week", "week_start"] + StoredFigures.columns
        + ["km_p50_hours", "p50_working_days", "complete"] + StoredFigures.stageColumns + ["run_id", "partial"]
    /// The histograms, read after `columns` by callers that merge weeks; the delays' first, so
    /// that a reader of `Histograms.delay` finds it where a reader of all does (`delayAt`).
    static let histogramColumns = ["delay_hist", "outstanding_hist", "working_days_hist", "writing_hist", "delivery_hist"]

    /// Which of a row's histograms a reader decodes: each costs its blob's read, a decode and
    /// its memory, so a reader asks only for those its figures come from.
    public enum Histograms: Sendable {
        /// None: the stored figures are read as they are.
        case none
        /// The delays' alone, for figures of the delays and the counts (`RunComparison`).
        case delay
        /// Every histogram, for periods merged from weeks with every figure a week has.
        case all

        /// The columns selected after `StoredWeek.columns`.
        var columns: [String] {
            switch self {
            case .none: []
            case .delay: ["delay_hist"]
            case .all: StoredWeek.histogramColumns
            }
        }
    }

    private static let positions = StoredFigures.Positions(columns + histogramColumns)
    private static func position(_ name: String) -> Int32 { StatementRow.position(of: name, in: columns + histogramColumns) }
    private static let labelAt = position("week"), mondayAt = position("week_start"), runAt = position("run_id"),
                       partialAt = position("partial"), delayAt = position("delay_hist"), agesAt = position("outstanding_hist"),
                       workingAt = position("working_days_hist"), writingAt = position("writing_hist"), deliveryAt = position("delivery_hist")

    /// A row selected with `columns`, then `histograms.columns`; a letter type, week or histogram
    /// this letterlag cannot read is an error naming the row. The histograms not read stay empty.
    init(reading row: StatementRow, histograms: Histograms, path: String) throws {
        let p = Self.positions
        let trust = row.text(p.trust), typeName = row.text(p.type), label = row.text(Self.labelAt)
        self.trust = trust
        self.label = label
        let monday = CivilDate.parse(isoDate: row.textBytes(Self.mondayAt))
        guard let type = LetterType(name: typeName), let monday else {
            throw LetterlagError.database(path: path, reason: "a weekly row of trust \(trust) has letter type '\(typeName)' and week_start '\(row.text(Self.mondayAt))', which this letterlag cannot read", statement: nil)
        }
        self.type = type
        week = CivilDate.weekIndex(days: monday)
        runID = row.int64(Self.runAt)
        partial = row.int(Self.partialAt) == 1
        var c = StoredFigures.counts(row, at: p)
        // A week stored before completeness was kept counts as incomplete unless nothing was outstanding.
        let complete = row.isNull(p.complete) ? c.outstanding == 0 : row.int(p.complete) == 1
        c.pending = complete ? 0 : 1
        figures = SummaryRow(trust: trust, type: type, counts: c, hours: StoredFigures.hours(row, at: p),
                             kmP50Hours: row.real(p.km), p50WorkingDays: row.real(p.workingDays), complete: complete)
        figures.stages = StageFigures(reading: row, at: p)
        if let st = figures.stages {
            c.sent = st.sent
            c.inTransit = st.inTransit
            c.writingDue = st.writingDue
            c.writingWithinLimit = st.writingWithinLimit
            c.oldestInTransit = st.oldestInTransitHours.map { Int64(($0 * 3600).rounded()) } ?? .min
        } else {
            c.stagesKept = false
        }
        func histogram(_ i: Int32, _ name: String) throws -> LatencyHistogram {
            guard let h = LatencyHistogram(encodedBytes: row.blob(i)) else {
                throw LetterlagError.database(path: path, reason: "the \(name) of trust \(trust), \(typeName), week \(label) is not a letterlag histogram", statement: nil)
            }
            return h
        }
        if histograms != .none {
            assert(Self.delayAt == Int32(Self.columns.count), "delay_hist is the first column after StoredWeek.columns")
            c.delay = try histogram(Self.delayAt, "delay_hist")
        }
        if histograms == .all {
            c.outstandingAge = try histogram(Self.agesAt, "outstanding_hist")
            c.workingDays = try histogram(Self.workingAt, "working_days_hist")
            if c.stagesKept {
                c.writing = try histogram(Self.writingAt, "writing_hist")
                c.delivery = try histogram(Self.deliveryAt, "delivery_hist")
            }
        }
        cell = c
    }
}
