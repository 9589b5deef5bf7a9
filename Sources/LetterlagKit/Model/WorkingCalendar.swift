/// Working days in England and Wales: weekdays that are not bank holidays.
///
/// The regular bank holidays are computed for any year (New Year's Day, Good Friday, Easter
/// Monday, the early May, spring and summer holidays, Christmas and Boxing Day, with weekend
/// substitutes); one-off changes are data in `additions` and `removals`. A letter's delay in
/// working days is the number of working days after its event day up to its receipt day, so a
/// Friday discharge received on Monday took one working day.
public struct WorkingCalendar: Sendable {
    /// One-off bank holidays proclaimed for a single year.
    public static let additions = ["1995-05-08", "1999-12-31", "2002-06-03", "2002-06-04", "2011-04-29", "2012-06-04",
                                   "2012-06-05", "2020-05-08", "2022-06-02", "2022-06-03", "2022-09-19", "2023-05-08"]
    /// Regular holidays that a one-off change moved away that year.
    public static let removals = ["1995-05-01", "2002-05-27", "2012-05-28", "2020-05-04", "2022-05-30"]

    public static let shared = WorkingCalendar()

    static let firstDay = CivilDate.days(year: 1950, month: 1, day: 1)
    static let lastDay = CivilDate.days(year: 2150, month: 12, day: 31)
    /// For each day from `firstDay`, the number of working days from `firstDay` up to and including it.
    private let cumulative: [Int32]

    public init() {
        var holidays = Set<Int>()
        for year in 1950...2150 { holidays.formUnion(Self.regularHolidays(year)) }
        holidays.subtract(Self.removals.compactMap(CivilDate.parse(isoDate:)))
        holidays.formUnion(Self.additions.compactMap(CivilDate.parse(isoDate:)))
        var running: Int32 = 0
        cumulative = (Self.firstDay...Self.lastDay).map { day in
            if CivilDate.isoWeekday(days: day) <= 5 && !holidays.contains(day) { running += 1 }
            return running
        }
    }

    public func isWorkingDay(_ day: Int) -> Bool {
        guard day > Self.firstDay && day <= Self.lastDay else { return CivilDate.isoWeekday(days: day) <= 5 }
        return cumulative[day - Self.firstDay] != cumulative[day - Self.firstDay - 1]
    }

    /// Working days after `from` up to and including `to` (local day numbers); 0 when `to <= from`.
    @inline(__always)
    public func workingDays(from: Int, to: Int) -> Int {
        guard to > from else { return 0 }
        let a = min(max(from, Self.firstDay), Self.lastDay) - Self.firstDay
        let b = min(max(to, Self.firstDay), Self.lastDay) - Self.firstDay
        return Int(cumulative[b] - cumulative[a])
    }

    /// Easter Sunday of `year` (the anonymous Gregorian computus).
    public static func easter(_ year: Int) -> Int {
        let a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4
        let f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1
        return CivilDate.days(year: year, month: month, day: day)
    }

    static func regularHolidays(_ year: Int) -> [Int] {
        func day(_ m: Int, _ d: Int) -> Int { CivilDate.days(year: year, month: m, day: d) }
        func firstMonday(_ m: Int) -> Int { let d = day(m, 1); return d + (8 - CivilDate.isoWeekday(days: d)) % 7 }
        func lastMonday(_ m: Int) -> Int { let d = day(m, CivilDate.daysInMonth(year: year, month: m)); return d - (CivilDate.isoWeekday(days: d) + 6) % 7 }
        /// A fixed date falling on a weekend moves to the next weekday.
        func substitute(_ d: Int) -> Int { let w = CivilDate.isoWeekday(days: d); return w == 6 ? d + 2 : w == 7 ? d + 1 : d }
        let easter = easter(year)
        let christmas = day(12, 25)
        let christmasWeekday = CivilDate.isoWeekday(days: christmas)
        // Christmas on Saturday: Mon 27 and Tue 28; on Sunday: Tue 27 (Boxing Day takes Mon 26).
        let christmasHolidays: [Int]
        switch christmasWeekday {
        case 5: christmasHolidays = [christmas, christmas + 3]
        case 6: christmasHolidays = [christmas + 2, christmas + 3]
        case 7: christmasHolidays = [christmas + 1, christmas + 2]
        default: christmasHolidays = [christmas, christmas + 1]
        }
        var list = [substitute(day(1, 1)), easter - 2, easter + 1, firstMonday(5), lastMonday(5), lastMonday(8)] + christmasHolidays
        if year < 1965 { list.removeAll { $0 == lastMonday(5) || $0 == lastMonday(8) } }
        return list
    }
}
