/// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01).
///
/// Hand-written because it sits on the per-row hot path, where Foundation's `Calendar`
/// would allocate and take locks; the algorithms are Howard Hinnant's `days_from_civil`.
public enum CivilDate {
    /// Days since 1970-01-01 of the given date; the date must already be valid.
    @inlinable
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The (year, month, day) of a day number.
    @inlinable
    public static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    @inlinable
    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    @inlinable
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// ISO weekday of a day number: 1 is Monday, 7 is Sunday.
    @inlinable
    public static func isoWeekday(days: Int) -> Int {
        // 1970-01-01 was a Thursday (4).
        let r = (days + 3) % 7
        return (r < 0 ? r + 7 : r) + 1
    }

    /// Index of the Monday-based week holding `days`; week 0 starts on Monday 1969-12-29.
    @inlinable
    public static func weekIndex(days: Int) -> Int {
        let shifted = days + 3
        return shifted >= 0 ? shifted / 7 : (shifted - 6) / 7
    }

    /// The day number of the Monday that starts week `index`.
    @inlinable
    public static func monday(ofWeek index: Int) -> Int { index * 7 - 3 }

    /// The ISO 8601 (year, week) of week `index`: the year is that of the week's Thursday.
    public static func isoWeek(ofWeek index: Int) -> (year: Int, week: Int) {
        let thursday = monday(ofWeek: index) + 3
        let year = civil(days: thursday).year
        let dayOfYear = thursday - days(year: year, month: 1, day: 1)
        return (year, dayOfYear / 7 + 1)
    }

    /// The ISO week label, such as `2020-W07`.
    public static func isoWeekLabel(ofWeek index: Int) -> String {
        let (year, week) = isoWeek(ofWeek: index)
        return "\(year)-W\(week < 10 ? "0" : "")\(week)"
    }

    /// The month index of a day, `year × 12 + month − 1`: consecutive months differ by 1. The one
    /// numbering of months that breakdowns, the history and trends use.
    @inline(__always)
    public static func monthIndex(days: Int) -> Int {
        let c = civil(days: days)
        return c.year * 12 + c.month - 1
    }

    /// A month index (`monthIndex`) as stored and shown: `2024-07`.
    public static func monthLabel(_ index: Int) -> String {
        let year = index / 12, month = index % 12 + 1
        return pad(year, 4) + "-" + pad(month, 2)
    }

    /// `YYYY-MM-DD` for a day number.
    public static func isoDate(days: Int) -> String {
        let (y, m, d) = civil(days: days)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Parses `YYYY-MM-DD`, or nil.
    public static func parse(isoDate text: String) -> Int? {
        var text = text
        return text.withUTF8 { parse(isoDate: $0) }
    }

    /// `YYYY-MM-DD` read from its bytes, as a day number; nil for any other text or an impossible date.
    public static func parse(isoDate b: UnsafeBufferPointer<UInt8>) -> Int? {
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        var digits = [0, 0, 0]
        for (field, range) in [(0, 0..<4), (1, 5..<7), (2, 8..<10)] {
            for i in range {
                let d = Int(b[i]) - 48
                guard d >= 0 && d <= 9 else { return nil }
                digits[field] = digits[field] * 10 + d
            }
        }
        let (y, m, d) = (digits[0], digits[1], digits[2])
        guard (1...12).contains(m), d >= 1, d <= daysInMonth(year: y, month: m) else { return nil }
        return days(year: y, month: m, day: d)
    }
}
