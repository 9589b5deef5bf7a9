/// An output column of per trust × letter type figures: its CSV name and its rule from a row
/// to a cell. Every renderer (report, trend, export) picks its columns from `all` by name, so
/// a column's rule, base for disclosure control included, has one home.
public struct FigureColumn: Sendable {
    public let name: String
    let cell: @Sendable (SummaryRow, FigureFormatter) -> FigureCell

    /// Every figure column, by CSV name.
    static let all: [String: FigureColumn] = Dictionary(uniqueKeysWithValues: [
        FigureColumn(name: "trust_code") { r, _ in .text(r.trust) },
        FigureColumn(name: "letter_type") { r, _ in .text(r.type.name) },
        FigureColumn(name: "letters") { r, f in f.countCell(r.letters) },
        FigureColumn(name: "received") { r, f in f.countCell(r.received) },
        FigureColumn(name: "outstanding") { r, f in f.countCell(r.outstanding) },
        FigureColumn(name: "due") { r, f in f.countCell(r.due) },
        FigureColumn(name: "within_limit") { r, f in f.countCell(r.withinLimit) },
        FigureColumn(name: "p50_hours") { r, f in f.delayCell(r.p50Hours, base: r.received) },
        FigureColumn(name: "p90_hours") { r, f in f.delayCell(r.p90Hours, base: r.received) },
        FigureColumn(name: "p95_hours") { r, f in f.delayCell(r.p95Hours, base: r.received) },
        FigureColumn(name: "p99_hours") { r, f in f.delayCell(r.p99Hours, base: r.received) },
        FigureColumn(name: "max_hours") { r, f in f.delayCell(r.maxHours, base: r.received) },
        FigureColumn(name: "within_limit_pct") { r, f in f.percentCell(r.withinLimit, of: r.due) },
        FigureColumn(name: "within_3d_pct") { r, f in f.percentCell(r.within3d, of: r.due3d) },
        FigureColumn(name: "within_4d_pct") { r, f in f.percentCell(r.within4d, of: r.due4d) },
        FigureColumn(name: "p50_vs_baseline") { r, f in f.hoursCell(r.p50VersusBaseline, base: r.received) },
        FigureColumn(name: "oldest_outstanding_hours") { r, f in f.hoursCell(r.oldestOutstandingHours, base: r.outstanding) },
        FigureColumn(name: "oldest_outstanding_days") { r, f in f.hoursCell(r.oldestOutstandingHours.map { $0 / 24 }, base: r.outstanding) },
        FigureColumn(name: "km_p50_hours") { r, f in f.delayCell(r.kmP50Hours, base: r.letters) },
        FigureColumn(name: "p50_working_days") { r, f in f.hoursCell(r.p50WorkingDays, base: r.received) },
        FigureColumn(name: "complete") { r, _ in r.complete.map { .integer($0 ? 1 : 0) } ?? .text("") },
        FigureColumn(name: "sent") { r, f in r.stages.map { f.countCell($0.sent) } ?? .fixed(nil) },
        FigureColumn(name: "in_transit") { r, f in r.stages.map { f.countCell($0.inTransit) } ?? .fixed(nil) },
        FigureColumn(name: "writing_p50_hours") { r, f in stage(r, f) { ($0.writingP50Hours, $0.sent) } },
        FigureColumn(name: "writing_p90_hours") { r, f in stage(r, f) { ($0.writingP90Hours, $0.sent) } },
        FigureColumn(name: "delivery_p50_hours") { r, f in stage(r, f) { ($0.deliveryP50Hours, $0.delivered) } },
        FigureColumn(name: "delivery_p90_hours") { r, f in stage(r, f) { ($0.deliveryP90Hours, $0.delivered) } },
        FigureColumn(name: "oldest_in_transit_hours") { r, f in stage(r, f) { ($0.oldestInTransitHours, $0.inTransit) } },
        FigureColumn(name: "writing_within_limit_pct") { r, f in
            r.stages.map { f.percentCell($0.writingWithinLimit, of: $0.writingDue) } ?? .fixed(nil)
        },
    ].map { ($0.name, $0) })

    /// A stage's delay, or the age of its oldest letter in transit, to four decimals with the count
    /// it rests on, for disclosure control; empty before stages were kept.
    private static func stage(_ r: SummaryRow, _ f: FigureFormatter, _ pick: (StageFigures) -> (Double?, Int)) -> FigureCell {
        guard let s = r.stages else { return .fixed(nil) }
        let (value, base) = pick(s)
        return f.delayCell(value, base: base)
    }

    /// The report's stage columns, after its delay columns (docs/schema.md).
    static let stageNames = ["writing_p50_hours", "writing_p90_hours", "delivery_p50_hours", "delivery_p90_hours", "in_transit"]

    /// The columns with these names, in this order; a name not in `all` is a programming error.
    static func named(_ names: [String]) -> [FigureColumn] { names.map { all[$0]! } }
}
