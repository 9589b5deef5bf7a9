import Foundation

/// Renders trend rows as CSV, JSON or a table, exact or published.
public struct TrendRenderer {
    public let rows: [TrendBuilder.Row]
    public let period: TrendPeriod
    public let formatter: FigureFormatter

    public init(rows: [TrendBuilder.Row], period: TrendPeriod, publish: Bool) {
        self.rows = rows
        self.period = period
        formatter = FigureFormatter(publish: publish)
    }

    public var columns: [String] {
        ["trust_code", "letter_type", period.rawValue, "letters", "received", "outstanding", "p50_hours", "p90_hours",
         "within_limit_pct", "within_3d_pct", "within_4d_pct", "p50_vs_baseline", "due", "within_limit", "p95_hours",
         "p99_hours", "max_hours", "oldest_outstanding_hours", "km_p50_hours", "p50_working_days"]
    }

    func fields(_ row: TrendBuilder.Row) -> [String] {
        let r = row.figures, f = formatter
        return [r.trust, r.type.name, row.period, f.count(r.letters), f.count(r.received), f.count(r.outstanding),
                f.hours(r.p50Hours, base: r.received), f.hours(r.p90Hours, base: r.received),
                f.percent(r.withinLimit, of: r.due), f.percent(r.within3d, of: r.due3d), f.percent(r.within4d, of: r.due4d),
                f.ratio(r.p50VersusBaseline, base: r.received), f.count(r.due), f.count(r.withinLimit),
                f.hours(r.p95Hours, base: r.received), f.hours(r.p99Hours, base: r.received), f.hours(r.maxHours, base: r.received),
                f.hours(r.oldestOutstandingHours, base: r.outstanding), f.hours(r.kmP50Hours, base: r.letters), f.hours(r.p50WorkingDays, base: r.received)]
    }

    public func render(_ format: OutputFormat) throws -> String {
        let sink = OutputSink.memory()
        try write(format, to: sink)
        return try sink.text
    }

    public func write(_ format: OutputFormat, to sink: OutputSink) throws {
        switch format {
        case .csv:
            var csv = CSVWriter(sink: sink)
            try csv.row(columns)
            for row in rows { try csv.row(fields(row)) }
        case .json:
            let objects = rows.map { row in
                Dictionary(uniqueKeysWithValues: zip(columns, fields(row).map(FigureFormatter.json)))
            }
            let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
            try sink.write(String(decoding: data, as: UTF8.self) + "\n")
        case .table:
            var t = TextTable(header: ["trust", "letter type", period.rawValue, "letters", "outstanding", "median (h)", "× 3.5d",
                                       "p90 (h)", "in limit %", "≤3d %", "≤4d %"], leftAligned: [0, 1, 2])
            for row in rows {
                let f = fields(row)
                t.rows.append([f[0], f[1], f[2], f[3], f[5], f[6], f[11], f[7], f[8], f[9], f[10]])
            }
            try sink.write(t.render())
        }
    }
}
