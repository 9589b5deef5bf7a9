/// NHS Digital's disclosure control for HES and ECDS (in force since September 2018), for published outputs.
///
/// Below national level a count from 1 to 7 is shown as `*` and every other count is rounded
/// to the nearest 5 (zero stays 0); percentages come from the rounded numerator and
/// denominator; a median or other statistic based on 1 to 7 letters is not shown.
public enum DisclosureControl {
    /// A published count: `*`, or the count rounded to the nearest 5.
    public static func count(_ n: Int) -> String {
        if n == 0 { return "0" }
        if n >= 1 && n <= 7 { return "*" }
        return String(rounded(n))
    }

    /// `n` rounded to the nearest 5, halves up.
    public static func rounded(_ n: Int) -> Int { (n + 2) / 5 * 5 }

    /// A percentage from rounded counts, or nil when either count is suppressed or the base is empty.
    public static func percent(_ part: Int, of whole: Int) -> Double? {
        guard whole > 7, !(part >= 1 && part <= 7) else { return nil }
        return Double(rounded(part)) * 100 / Double(rounded(whole))
    }

    /// A statistic shown only when it rests on more than 7 letters.
    public static func statistic(_ value: Double?, base: Int) -> Double? {
        base >= 1 && base <= 7 ? nil : value
    }
}
