/// The ways letters are broken down besides trust × letter type (docs/product.md, "Breakdowns"):
/// the one place a breakdown is described, from the row's `LetterDimensions` to its table.
///
/// A specialty or channel cell is named, while it is assembled, by a group key that sorts as its
/// table's primary key: trust × type (19 bits) at 63–44, month index at 43–12 (0 for the whole
/// run, since no month index is below 12), the value at 11–0. The practice view is made by
/// practice instead (`PracticeAssembler`), and its months are kept in the history alone.
public enum Breakdown: String, CaseIterable, Sendable {
    case specialty, channel, practice

    /// The table of its whole-run cells (docs/schema.md).
    public var table: String { "by_\(rawValue)" }

    /// The table (or view) of its cells per event month, or over the whole run. The practice
    /// view's months are read from the history's view of them (docs/schema.md, "History").
    public func table(byMonth: Bool) -> String {
        guard byMonth else { return table }
        return self == .practice ? "practice_month_history" : "by_\(rawValue)_month"
    }

    /// Every table the breakdowns are stored in: whole-run ones, then per month, with whether each is per month.
    static let tables: [(breakdown: Breakdown, byMonth: Bool)] = allCases.map { ($0, false) } + allCases.map { ($0, true) }

    /// The name of its value's column in the table and in `report --by` output.
    public var column: String {
        switch self {
        case .specialty: "specialty_code"
        case .channel: "channel"
        case .practice: "practice_code"
        }
    }

    /// The breakdowns kept by month, folded with their trust × type's weeks.
    static let monthly: [Breakdown] = [.specialty, .channel]

    /// A letter's value under this breakdown, from its `LetterDimensions`.
    @inline(__always)
    func value(_ dimensions: UInt64) -> Int {
        switch self {
        case .specialty: LetterDimensions.specialty(dimensions)
        case .channel: LetterDimensions.channel(dimensions)
        case .practice: LetterDimensions.practice(dimensions)
        }
    }

    /// The group key of a letter of trust × type `pair`, with `dimensions`, in event month `month`,
    /// for a breakdown kept by month.
    @inline(__always)
    func group(pair: Int, dimensions: UInt64, month: Int) -> UInt64 {
        UInt64(pair) << 44 | UInt64(month) << 12 | UInt64(value(dimensions))
    }

    /// The key of the whole-run cell that a monthly cell's key belongs to.
    @inline(__always)
    static func wholeRun(ofGroup g: UInt64) -> UInt64 { g & ~(UInt64(0xFFFF_FFFF) << 12) }

    /// A group key's trust × type, value and month index (nil for a whole-run cell).
    static func parts(ofGroup g: UInt64) -> (pair: TrustTypePair, value: Int, month: Int?) {
        let pair = Int(g >> 44)
        let month = Int((g >> 12) & 0xFFFF_FFFF)
        return (TrustTypePair(raw: pair), Int(g & 0xFFF), month == 0 ? nil : month)
    }

    /// The text a value is stored and shown as: a code checked on the row path, or a channel's name.
    public func text(ofValue v: Int) -> String {
        switch self {
        case .specialty: CodeShape.specialtyCode(v)
        case .channel: LetterChannel(rawValue: v)!.name
        case .practice: CodeShape.practiceCode(v)
        }
    }

}
