import Foundation

/// Turns figures into output text, exact or under disclosure control (`--publish`).
public struct FigureFormatter: Sendable {
    public let publish: Bool

    public init(publish: Bool) { self.publish = publish }

    public func count(_ n: Int) -> String { publish ? DisclosureControl.count(n) : String(n) }

    /// Hours with two decimals; under `--publish` empty when based on 1 to 7 letters.
    public func hours(_ value: Double?, base: Int) -> String {
        ReportRenderer.fixed(publish ? DisclosureControl.statistic(value, base: base) : value)
    }

    /// A percentage with two decimals; under `--publish` from rounded counts.
    public func percent(_ part: Int, of whole: Int) -> String {
        ReportRenderer.fixed(publish ? DisclosureControl.percent(part, of: whole) : SummaryRow.percent(part, whole))
    }

    /// A ratio with two decimals, such as the median over the 3.5-day baseline.
    public func ratio(_ value: Double?, base: Int) -> String {
        hours(value, base: base)
    }

    /// The JSON value for a text figure: a number, `"*"`, or null when empty.
    public static func json(_ text: String) -> Any {
        if text.isEmpty { return NSNull() }
        if let i = Int(text) { return i }
        if let d = Double(text) { return d }
        return text
    }
}
