/// NHS Digital's disclosure control for HES and ECDS (in force since September 2018), for published outputs.
///
/// Below national level a count from 1 to 7 is shown as `*` and every other count is rounded
/// to the nearest 5 (zero stays 0); percentages come from the rounded numerator and
/// denominator; a median or other statistic based on 1 to 7 letters is not shown.
public enum DisclosureControl {
    /// Whether a count from 1 to 7, which is never shown, nor anything resting on it.
    public static func isSuppressed(_ n: Int) -> Bool { n >= 1 && n <= DisclosureThreshold.largestSuppressed }

    /// A published count: nil when suppressed, else the count rounded to the nearest 5 (0 stays 0).
    public static func published(_ n: Int) -> Int? { isSuppressed(n) ? nil : rounded(n) }

    /// A published count as text: `*`, or the count rounded to the nearest 5.
    public static func count(_ n: Int) -> String { published(n).map(String.init) ?? "*" }

    /// `n` rounded to the nearest 5, halves up.
    public static func rounded(_ n: Int) -> Int { (n + 2) / 5 * 5 }

    /// A percentage from rounded counts, or nil when either count is suppressed or the base is empty.
    public static func percent(_ part: Int, of whole: Int) -> Double? {
        guard whole > DisclosureThreshold.largestSuppressed, !isSuppressed(part) else { return nil }
        return Double(rounded(part)) * 100 / Double(rounded(whole))
    }

    /// A statistic shown only when it rests on more than 7 letters.
    public static func statistic(_ value: Double?, base: Int) -> Double? {
        isSuppressed(base) ? nil : value
    }
}
