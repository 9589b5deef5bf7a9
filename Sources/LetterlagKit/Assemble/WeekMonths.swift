/// The months a week's letters fall in: their dates run from its Monday for 7 days, so each
/// falls in the Monday's month or, from `boundary` on, the next. Found once per cell, so a
/// letter's month costs a comparison rather than a calendar conversion.
struct WeekMonths {
    /// The Monday's month index (`CivilDate.monthIndex`).
    let first: Int
    /// The first day (days since 1970-01-01) of the next month.
    let boundary: Int

    init(week: Int) {
        let monday = CivilDate.monday(ofWeek: week)
        let c = CivilDate.civil(days: monday)
        first = CivilDate.monthIndex(days: monday)
        boundary = monday - (c.day - 1) + CivilDate.daysInMonth(year: c.year, month: c.month)
    }

    /// The month index of a day of the week.
    @inline(__always)
    func month(ofDay day: Int) -> Int { day < boundary ? first : first + 1 }
}
