/// Converts between UTC instants and Europe/London wall-clock time, by the rule in docs/product.md ("Time").
///
/// BST runs from 01:00 UTC on the last Sunday in March to 01:00 UTC on the last Sunday in
/// October. The rule is applied to every year, including years before 1996 when the UK's
/// real rules differed, because the spec defines local time this way. Unchecked `Sendable`: it
/// holds pointers to tables made once and never written after.
public struct LondonClock: @unchecked Sendable {
    /// First year with a precomputed transition; earlier and later years are computed on demand.
    static let firstYear = 1900
    static let lastYear = 2199
    /// Per year, the UTC second BST starts and the UTC second it ends.
    private let starts: UnsafePointer<Int64>
    private let ends: UnsafePointer<Int64>
    /// Per year and month (13 entries a year, the last being next January): the day number of the 1st.
    private let monthStarts: UnsafePointer<Int>

    public static let shared = LondonClock()

    /// The tables, made once and kept for the life of the process: read through plain pointers
    /// on the per-timestamp path, a clock copies as three words and costs no reference counting.
    /// Never written after they are made, so sharing them between threads is safe.
    nonisolated(unsafe) private static let tables: (starts: UnsafePointer<Int64>, ends: UnsafePointer<Int64>, monthStarts: UnsafePointer<Int>) = {
        let years = lastYear - firstYear + 1
        let s = UnsafeMutablePointer<Int64>.allocate(capacity: years)
        let e = UnsafeMutablePointer<Int64>.allocate(capacity: years)
        let m = UnsafeMutablePointer<Int>.allocate(capacity: years * 13)
        for (i, year) in (firstYear...lastYear).enumerated() {
            (s[i], e[i]) = transitions(year: year)
            for month in 1...12 { m[i * 13 + month - 1] = CivilDate.days(year: year, month: month, day: 1) }
            m[i * 13 + 12] = CivilDate.days(year: year + 1, month: 1, day: 1)
        }
        return (UnsafePointer(s), UnsafePointer(e), UnsafePointer(m))
    }()

    public init() {
        (starts, ends, monthStarts) = Self.tables
    }

    /// The day number of a date, or nil when the day does not exist in that month.
    ///
    /// Two table lookups instead of calendar arithmetic: this is on the per-timestamp hot path.
    @inline(__always)
    public func days(year: Int, month: Int, day: Int) -> Int? {
        guard month >= 1 && month <= 12 && day >= 1 else { return nil }
        if year >= Self.firstYear && year <= Self.lastYear {
            // In range by the guards, so the index arithmetic cannot overflow.
            let i = (year &- Self.firstYear) &* 13 &+ month &- 1
            let first = monthStarts[i]
            return day <= monthStarts[i &+ 1] &- first ? first &+ day &- 1 : nil
        }
        return day <= CivilDate.daysInMonth(year: year, month: month) ? CivilDate.days(year: year, month: month, day: day) : nil
    }

    /// UTC seconds of the start and end of BST in `year`.
    public static func transitions(year: Int) -> (start: Int64, end: Int64) {
        func lastSunday(month: Int) -> Int {
            let last = CivilDate.days(year: year, month: month, day: 31)
            return last - (CivilDate.isoWeekday(days: last) % 7)
        }
        return (Int64(lastSunday(month: 3)) * 86_400 + 3_600, Int64(lastSunday(month: 10)) * 86_400 + 3_600)
    }

    @inline(__always)
    private func bounds(year: Int) -> (Int64, Int64) {
        if year >= Self.firstYear && year <= Self.lastYear {
            return (starts[year &- Self.firstYear], ends[year &- Self.firstYear])
        }
        return Self.transitions(year: year)
    }

    /// The UTC instant of a London wall-clock time, given as seconds as if the wall clock were UTC.
    ///
    /// A time in the March gap is shifted forward by an hour (as java.time does); a time in
    /// the repeated October hour takes the earlier offset, BST.
    @inline(__always)
    public func utc(fromLocal local: Int64, year: Int) -> Int64 {
        let (start, end) = bounds(year: year)
        return (local >= start + 3_600 && local < end + 3_600) ? local - 3_600 : local
    }

    /// The UTC instant at which London local day `day` begins.
    public func utc(ofLocalMidnight day: Int) -> Int64 {
        utc(fromLocal: Int64(day) * 86_400, year: CivilDate.civil(days: day).year)
    }

    /// The London wall-clock time of a UTC instant, as seconds as if the wall clock were UTC.
    @inline(__always)
    public func local(fromUTC utc: Int64) -> Int64 {
        // The year of the UTC instant decides the transitions. An estimate from the mean year is
        // exact but for a day or two either side of New Year, where a year off still gives GMT,
        // since BST is March to October: so no calendar arithmetic on this per-timestamp path.
        let days = utc >= 0 ? utc / 86_400 : (utc - 86_399) / 86_400
        let year = 1970 + Int((Double(days) / 365.2425).rounded(.down))
        let (start, end) = bounds(year: year)
        return (utc >= start && utc < end) ? utc + 3_600 : utc
    }

    /// The London local day number of a UTC instant.
    @inline(__always)
    public func localDay(fromUTC utc: Int64) -> Int {
        let l = local(fromUTC: utc)
        return Int(l >= 0 ? l / 86_400 : (l - 86_399) / 86_400)
    }
}
