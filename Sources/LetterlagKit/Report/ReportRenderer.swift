import Foundation

/// Renders a run's per trust × letter type summary as CSV, JSON or a table for people.
public struct ReportRenderer: FormatRenderer {
    public static let csvHeader = "trust_code,letter_type,letters,received,outstanding,p50_hours,p90_hours,p95_hours,p99_hours,max_hours,due,within_limit,within_limit_pct,within_3d_pct,within_4d_pct,"
        + FigureColumn.stageNames.joined(separator: ",")

    public let run: StoredRun
    public let rows: [SummaryRow]
    public let formatter: FigureFormatter

    public init(run: StoredRun, rows: [SummaryRow], publish: Bool = false) {
        self.run = run
        self.rows = rows
        formatter = FigureFormatter(publish: publish)
    }

    public func write(_ format: OutputFormat, to sink: OutputSink) throws {
        switch format {
        case .csv:
            var csv = CSVWriter(sink: sink)
            try csv.row(Self.csvColumns)
            for r in rows {
                for c in cells(r, Self.csvColumns) { try csv.cell(c) }
                try csv.endRow()
            }
        case .json: try sink.write(try json())
        case .table: try sink.write(table())
        }
    }

    static let csvColumns = csvHeader.split(separator: ",").map(String.init)
    /// The columns JSON adds after the CSV's.
    static let jsonExtras = ["p50_vs_baseline", "oldest_outstanding_hours", "km_p50_hours", "p50_working_days", "sent",
                             "writing_within_limit_pct", "oldest_in_transit_hours"]

    /// The cells of `names` for a row.
    func cells(_ r: SummaryRow, _ names: [String]) -> [FigureCell] {
        FigureColumn.named(names).map { $0.cell(r, formatter) }
    }

    func json() throws -> String {
        let names = Self.csvColumns + Self.jsonExtras
        let objects: [[String: Any]] = rows.map { r in
            Dictionary(uniqueKeysWithValues: zip(names, cells(r, names).map(\.jsonValue)))
        }
        let document: [String: Any] = ["run_id": run.id, "as_of": run.asOf, "delay_to": run.delayTo.rawValue,
                                       "published": formatter.publish, "rows": objects]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Rows sorted worst first: lowest compliance, then the slowest median.
    public var worstFirst: [SummaryRow] {
        rows.sorted { a, b in
            let ca = a.withinLimitPercent ?? 101, cb = b.withinLimitPercent ?? 101
            if ca != cb { return ca < cb }
            return (a.p50Hours ?? -1) > (b.p50Hours ?? -1)
        }
    }

    func table() -> String {
        var t = TextTable(header: ["trust", "letter type", "letters", "outstanding", "oldest out (d)", "median (h)", "KM median (h)", "median (wd)",
                                   "× 3.5d", "p90 (h)", "p99 (h)", "in limit %", "≤3d %", "≤4d %", "writing p50 (h)", "delivery p50 (h)",
                                   "in transit"], leftAligned: [0, 1])
        let shown = ["trust_code", "letter_type", "letters", "outstanding", "oldest_outstanding_days", "p50_hours", "km_p50_hours",
                     "p50_working_days", "p50_vs_baseline", "p90_hours", "p99_hours", "within_limit_pct", "within_3d_pct", "within_4d_pct",
                     "writing_p50_hours", "delivery_p50_hours", "in_transit"]
        for r in worstFirst { t.rows.append(cells(r, shown).map(\.text)) }
        return "\(run.title). Worst first.\n" + t.render()
    }
}
