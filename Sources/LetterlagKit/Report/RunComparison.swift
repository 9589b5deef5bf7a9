import Foundation

/// Compares two runs per trust × letter type, and nationally, flagging only changes larger than chance.
///
/// Medians: `worse` or `better` when the two runs' 95% confidence intervals for the median
/// (binomial order statistics on each histogram) do not overlap. Compliance: when a
/// two-proportion z-test gives |z| > 1.96. Both are conservative for large differences and
/// quiet for the small trusts where noise dominates. `flag` is `worse` or `better` when every
/// flagged metric agrees, `mixed` when they disagree, and empty when nothing is flagged.
public struct RunComparison: FormatRenderer {
    public struct Row: Sendable {
        public var trust: String
        public var type: LetterType
        public var before: Side
        public var after: Side
        public var national: Bool { trust == RunComparison.nationalCode }
    }

    /// What a comparison keeps of a trust × letter type (or the nation's letters of a type) in one
    /// run: the counts and median its columns show, and the median's 95% interval its flag
    /// needs, so that no histogram outlives its row.
    public struct Side: Sendable {
        public var letters = 0
        public var received = 0
        public var due = 0
        public var withinLimit = 0
        /// The median delay in hours; nil without a received letter.
        public var p50Hours: Double?
        /// The median's 95% interval in seconds (`LatencyHistogram.medianInterval`).
        public var medianInterval: (lower: Double, upper: Double)?

        /// A side with no letters, for a trust × type the other run alone has.
        public init() {}

        /// `counts`' counts, and the median and its interval from `delay`.
        init(counts: CellSummary, delay: LatencyHistogram) {
            letters = counts.letters
            received = counts.received
            due = counts.due
            withinLimit = counts.withinLimit
            p50Hours = delay.percentile(perMille: 500).map { $0 / 3600 }
            medianInterval = delay.medianInterval()
        }
    }

    /// The trust code of national rows, which disclosure control leaves unsuppressed.
    public static let nationalCode = "ENGLAND"

    public let beforeRun: StoredRun
    public let afterRun: StoredRun
    public let rows: [Row]
    /// Whether the figures are published under disclosure control (docs/product.md).
    public var publish: Bool

    /// Compares `run` (the latest when nil) with `against` (the run before it when nil). Costs a
    /// read of both runs' weekly counts and delay histograms, merged as they stream past: memory
    /// grows with one trust × type's weeks and the runs' trust × types, not with all their weeks.
    public init(_ reader: RunReader, run: Int64?, against: Int64?, publish: Bool = false) throws {
        self.publish = publish
        let after = try reader.run(run)
        let before: StoredRun
        if let against { before = try reader.run(against) } else {
            guard let previous = try reader.runs().last(where: { $0.id < after.id && $0.prunedAt == nil }) else {
                throw LetterlagError.noRuns("\(reader.path): run \(after.id) has no earlier run to compare with; name one with --against")
            }
            before = previous
        }
        guard before.delayTo == after.delayTo else {
            throw LetterlagError.badArgument("run \(after.id) measures delay as \(after.delayDescription) and run \(before.id) as \(before.delayDescription); their delays cannot be compared")
        }
        let a = try Self.sides(reader, run: before.id), b = try Self.sides(reader, run: after.id)
        rows = Set(a.keys).union(b.keys).map { key in
            Row(trust: key.trust, type: key.type, before: a[key] ?? Side(), after: b[key] ?? Side())
        }.sorted { ($0.national ? 1 : 0, $0.trust, $0.type.rawValue) < ($1.national ? 1 : 0, $1.trust, $1.type.rawValue) }
        beforeRun = before
        afterRun = after
    }

    /// Each trust × type of `run`, its weeks merged as they arrive (grouped, in key order), and
    /// each type's trusts merged into its national side.
    private static func sides(_ reader: RunReader, run: Int64) throws -> [TrustType: Side] {
        var sides: [TrustType: Side] = [:]
        var nation: [LetterType: (counts: CellSummary, delay: LatencyHistogram)] = [:]
        let fold = PeriodFold()
        var open: TrustType?
        func close() {
            guard let key = open else { return }
            let whole = fold.take()
            sides[key] = Side(counts: whole, delay: whole.delay)
            nation[key.type, default: (CellSummary(), LatencyHistogram())].counts.mergeCounts(whole)
            nation[key.type]!.delay.merge(whole.delay)
        }
        try reader.forEachWeek(.run(run), histograms: .delay) { week in
            let key = TrustType(trust: week.trust, type: week.type)
            if open != key {
                close()
                open = key
            }
            fold.add(week.cell)
        }
        close()
        for (type, whole) in nation { sides[TrustType(trust: nationalCode, type: type)] = Side(counts: whole.counts, delay: whole.delay) }
        return sides
    }

    /// `worse`, `better` or empty for the medians, by non-overlapping 95% intervals.
    public static func medianFlag(_ before: LatencyHistogram, _ after: LatencyHistogram) -> String {
        medianFlag(before.medianInterval(), after.medianInterval())
    }

    /// `medianFlag` of the two medians' 95% intervals.
    static func medianFlag(_ before: (lower: Double, upper: Double)?, _ after: (lower: Double, upper: Double)?) -> String {
        guard let x = before, let y = after else { return "" }
        if y.lower > x.upper { return "worse" }
        if y.upper < x.lower { return "better" }
        return ""
    }

    /// `worse`, `better` or empty for compliance, by a two-proportion z-test at the 5% level.
    public static func complianceFlag(within a: Int, of n: Int, within b: Int, of m: Int) -> String {
        guard n > 0, m > 0 else { return "" }
        let p1 = Double(a) / Double(n), p2 = Double(b) / Double(m)
        let pooled = Double(a + b) / Double(n + m)
        let se = (pooled * (1 - pooled) * (1 / Double(n) + 1 / Double(m))).squareRoot()
        guard se > 0 else { return "" }
        let z = (p2 - p1) / se
        return z < -1.96 ? "worse" : z > 1.96 ? "better" : ""
    }

    public static let columns = ["trust_code", "letter_type", "letters_before", "letters_after", "p50_hours_before", "p50_hours_after",
                                 "p50_flag", "within_limit_pct_before", "within_limit_pct_after", "compliance_flag", "flag"]

    public func fields(_ row: Row, publish: Bool) -> [FigureCell] {
        let f = FigureFormatter(publish: publish && !row.national)
        let b = row.before, a = row.after
        // Under disclosure control a flag on 1 to 7 letters would itself disclose; it is not shown.
        let tiny = f.publish && ([b.received, a.received, b.due, a.due].contains { (1...DisclosureThreshold.largestSuppressed).contains($0) })
        let p50 = tiny ? "" : Self.medianFlag(b.medianInterval, a.medianInterval)
        let compliance = tiny ? "" : Self.complianceFlag(within: b.withinLimit, of: b.due, within: a.withinLimit, of: a.due)
        let flags = Set([p50, compliance].filter { !$0.isEmpty })
        let flag = flags.count == 2 ? "mixed" : flags.first ?? ""
        return [.text(row.trust), .text(row.type.name), f.countCell(b.letters), f.countCell(a.letters),
                f.delayCell(b.p50Hours, base: b.received), f.delayCell(a.p50Hours, base: a.received), .text(p50),
                f.percentCell(b.withinLimit, of: b.due), f.percentCell(a.withinLimit, of: a.due), .text(compliance), .text(flag)]
    }

    public func write(_ format: OutputFormat, to sink: OutputSink) throws {
        switch format {
        case .csv:
            var csv = CSVWriter(sink: sink)
            try csv.row(Self.columns)
            for row in rows {
                for cell in fields(row, publish: publish) { try csv.cell(cell) }
                try csv.endRow()
            }
        case .json:
            let objects = rows.map { Dictionary(uniqueKeysWithValues: zip(Self.columns, fields($0, publish: publish).map(\.jsonValue))) }
            let document: [String: Any] = ["before_run": beforeRun.id, "after_run": afterRun.id, "rows": objects]
            let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
            try sink.write(String(decoding: data, as: UTF8.self) + "\n")
        case .table:
            var t = TextTable(header: ["trust", "letter type", "letters", "→", "median (h)", "→", "", "in limit %", "→", "", "flag"],
                              leftAligned: [0, 1, 6, 9, 10])
            for row in rows { t.rows.append(fields(row, publish: publish).map(\.text)) }
            try sink.write("Run \(afterRun.id) (as of \(afterRun.asOf)) against run \(beforeRun.id) (as of \(beforeRun.asOf))\n" + t.render())
        }
    }
}
