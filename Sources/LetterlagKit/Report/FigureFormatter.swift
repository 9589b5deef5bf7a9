import Foundation

/// Turns figures into output text, exact or under disclosure control (`--publish`).
public struct FigureFormatter: Sendable {
    public let publish: Bool

    public init(publish: Bool) { self.publish = publish }

    public func count(_ n: Int) -> String { countCell(n).text }

    /// Hours with two decimals; under `--publish` empty when based on 1 to 7 letters.
    public func hours(_ value: Double?, base: Int) -> String { hoursCell(value, base: base).text }

    /// A percentage with two decimals; under `--publish` from rounded counts.
    public func percent(_ part: Int, of whole: Int) -> String { percentCell(part, of: whole).text }

    /// A ratio with two decimals, such as the median over the 3.5-day baseline.
    public func ratio(_ value: Double?, base: Int) -> String { hoursCell(value, base: base).text }

    /// A count; under `--publish` suppressed from 1 to 7, else rounded to the nearest 5.
    public func countCell(_ n: Int) -> FigureCell {
        guard publish else { return .integer(n) }
        return DisclosureControl.published(n).map { .integer($0) } ?? .suppressed
    }

    /// A statistic in hours (or days, or a ratio) with two decimals; under `--publish` empty when
    /// based on 1 to 7 letters.
    public func hoursCell(_ value: Double?, base: Int) -> FigureCell {
        .fixed(publish ? DisclosureControl.statistic(value, base: base) : value)
    }

    /// A delay in hours with four decimals (a second is 0.0003 h), since a percentile of a few
    /// minutes, as an A&E letter's can be, would be off by more than the histograms' 1% at two;
    /// under `--publish` empty when based on 1 to 7 letters.
    public func delayCell(_ value: Double?, base: Int) -> FigureCell {
        .precise(publish ? DisclosureControl.statistic(value, base: base) : value)
    }

    /// A percentage with two decimals; under `--publish` from rounded counts.
    public func percentCell(_ part: Int, of whole: Int) -> FigureCell {
        .fixed(publish ? DisclosureControl.percent(part, of: whole) : SummaryRow.percent(part, whole))
    }
}
