/// The period a trend groups weeks into.
public enum TrendPeriod: String, CaseIterable, Sendable {
    case week, month, quarter

    /// The label of the period holding week `index`. A week belongs to the month and quarter of
    /// its Thursday, as ISO 8601 assigns weeks to years, so no week is split.
    public func label(ofWeek index: Int) -> String {
        switch self {
        case .week: return CivilDate.isoWeekLabel(ofWeek: index)
        case .month:
            let (y, m, _) = CivilDate.civil(days: CivilDate.monday(ofWeek: index) + 3)
            return "\(y)-\(m < 10 ? "0" : "")\(m)"
        case .quarter:
            let (y, m, _) = CivilDate.civil(days: CivilDate.monday(ofWeek: index) + 3)
            return "\(y)-Q\((m - 1) / 3 + 1)"
        }
    }

    /// A number that changes exactly when the label does, cheaper to compare per week.
    func ordinal(ofWeek index: Int) -> Int {
        switch self {
        case .week: return index
        case .month: return CivilDate.monthIndex(days: CivilDate.monday(ofWeek: index) + 3)
        case .quarter: return CivilDate.monthIndex(days: CivilDate.monday(ofWeek: index) + 3) / 3
        }
    }
}

/// Re-aggregates stored weeks into per trust × letter type × period rows, as they stream past.
///
/// Weeks arrive in trust, type and week order (`RunReader.forEachWeek`), so each period is a
/// run of consecutive weeks: it is folded while it lasts and emitted when it ends, and only one
/// period is held. Counts add and histograms merge, so a month's median comes from the month's
/// letters, within the histograms' 1%, not from an average of weekly medians. A week is passed
/// on with its stored figures. A period is complete when all its weeks are.
public struct TrendBuilder {
    public struct Row: Sendable {
        public var period: String
        public var firstWeek: Int
        public var figures: SummaryRow
        /// The run the figures come from; for a period of weeks from several runs in the
        /// history, the run of its last week.
        public var runID: Int64
        /// Whether some week of the period was only partly covered by its run (docs/product.md,
        /// "History across runs"): its counts miss letters, so charts leave it out.
        public var partial: Bool
    }

    public let period: TrendPeriod
    private var open: (trust: String, type: LetterType, ordinal: Int, firstWeek: Int, run: Int64, partial: Bool)?
    /// The open period's weeks, made with the first period longer than a week (five dense
    /// arrays, about 300 KB); a reference, so a builder is used where it was made, not copied.
    private var periodFold: PeriodFold?
    private var fold: PeriodFold {
        mutating get {
            if let made = periodFold { return made }
            let made = PeriodFold()
            periodFold = made
            return made
        }
    }

    /// The histograms the weeks must carry: only periods longer than a week merge them.
    public var histograms: StoredWeek.Histograms { period == .week ? .none : .all }

    public init(by period: TrendPeriod) { self.period = period }

    /// Takes the next week; returns the period it ends, if any (a week is its own period).
    public mutating func add(_ week: StoredWeek) -> Row? {
        if period == .week {
            return Row(period: week.label, firstWeek: week.week, figures: week.figures, runID: week.runID, partial: week.partial)
        }
        let ordinal = period.ordinal(ofWeek: week.week)
        if let o = open, o.ordinal == ordinal, o.trust == week.trust, o.type == week.type {
            fold.add(week.cell)
            open!.run = week.runID
            open!.partial = o.partial || week.partial
            return nil
        }
        let ended = finish()
        open = (week.trust, week.type, ordinal, week.week, week.runID, week.partial)
        fold.add(week.cell)
        return ended
    }

    /// The period still open; call after the last week.
    public mutating func finish() -> Row? {
        guard let o = open else { return nil }
        open = nil
        return Row(period: period.label(ofWeek: o.firstWeek), firstWeek: o.firstWeek,
                   figures: SummaryRow(trust: o.trust, type: o.type, summary: fold.take()), runID: o.run, partial: o.partial)
    }

    /// Every trend row at once, for callers that hold them (charts of a few trusts).
    public static func rows(_ reader: RunReader, _ source: WeekSource, trust: String? = nil, type: LetterType? = nil,
                            by period: TrendPeriod) throws -> [Row] {
        var rows: [Row] = []
        try stream(reader, source, trust: trust, type: type, by: period) { rows.append($0) }
        return rows
    }

    /// Streams a run's or the history's trend rows to `emit`, holding one period at a time.
    public static func stream(_ reader: RunReader, _ source: WeekSource, trust: String? = nil, type: LetterType? = nil,
                              by period: TrendPeriod, _ emit: (Row) throws -> Void) throws {
        var builder = TrendBuilder(by: period)
        try reader.forEachWeek(source, trust: trust, type: type, histograms: builder.histograms) { week in
            if let row = builder.add(week) { try emit(row) }
        }
        if let row = builder.finish() { try emit(row) }
    }
}
