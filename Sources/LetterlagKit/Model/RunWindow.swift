/// The weeks and months a run covers in full: those whose every event lies between its window
/// start and its as-of time, so its extract holds all their letters (docs/product.md, "History
/// across runs"). A period that begins before the window start or ends after the as-of time is
/// partial, and never replaces a covered one in the history.
public struct RunWindow: Sendable, Equatable {
    /// The window's start and the as-of time, UTC seconds.
    public let start: Int64
    public let asOf: Int64
    /// The Monday-based week indices of the first and last weeks covered; `first > last` when none is.
    public let firstWeek: Int
    public let lastWeek: Int
    /// The month indices (`CivilDate.monthIndex`) of the first and last months covered.
    public let firstMonth: Int
    public let lastMonth: Int

    /// Costs a few calendar lookups.
    public init(start: Int64, asOf: Int64) {
        self.start = start
        self.asOf = asOf
        let clock = LondonClock.shared
        // The first local day whose midnight is at or after the start, and the last day that ends
        // by the as-of time (the day before the as-of time's own, which has not ended).
        let startDay = clock.localDay(fromUTC: start)
        let firstDay = clock.local(fromUTC: start) == Int64(startDay) * 86_400 ? startDay : startDay + 1
        let lastDay = clock.localDay(fromUTC: asOf) - 1
        let week = CivilDate.weekIndex(days: firstDay)
        firstWeek = CivilDate.monday(ofWeek: week) == firstDay ? week : week + 1
        lastWeek = CivilDate.weekIndex(days: lastDay + 1) - 1
        firstMonth = CivilDate.monthIndex(days: firstDay) + (CivilDate.civil(days: firstDay).day == 1 ? 0 : 1)
        lastMonth = CivilDate.monthIndex(days: lastDay + 1) - 1
    }

    /// The first covered week's Monday and the last's, as stored (`YYYY-MM-DD`).
    public var firstWeekStart: String { CivilDate.isoDate(days: CivilDate.monday(ofWeek: firstWeek)) }
    public var lastWeekStart: String { CivilDate.isoDate(days: CivilDate.monday(ofWeek: lastWeek)) }
    /// The first and last covered months, as stored (`YYYY-MM`).
    public var firstMonthLabel: String { CivilDate.monthLabel(firstMonth) }
    public var lastMonthLabel: String { CivilDate.monthLabel(lastMonth) }
}
