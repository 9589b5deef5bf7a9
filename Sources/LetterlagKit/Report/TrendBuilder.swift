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
}

/// Re-aggregates stored weekly cells into per trust × letter type × period rows.
///
/// Counts add and histograms merge, so a month's median comes from the month's letters,
/// within the histograms' 1%, not from an average of weekly medians.
public struct TrendBuilder {
    public struct Row: Sendable {
        public var period: String
        public var firstWeek: Int
        public var figures: SummaryRow
    }

    public static func build(_ cells: [(CellID, CellSummary)], by period: TrendPeriod) -> [Row] {
        struct Key: Hashable { var trust: String; var type: LetterType; var period: String }
        func key(_ id: CellID) -> Key { Key(trust: id.trust, type: id.type, period: period.label(ofWeek: id.week)) }
        var firstWeek: [Key: Int] = [:]
        for (id, _) in cells { firstWeek[key(id)] = min(firstWeek[key(id)] ?? id.week, id.week) }
        return CellSummary.grouped(cells) { [key($0)] }.map { key, summary in
            Row(period: key.period, firstWeek: firstWeek[key]!, figures: SummaryRow(trust: key.trust, type: key.type, summary: summary))
        }.sorted { a, b in
            (a.figures.trust, a.figures.type.rawValue, a.firstWeek) < (b.figures.trust, b.figures.type.rawValue, b.firstWeek)
        }
    }
}
