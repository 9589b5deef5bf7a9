import Foundation

/// Writes tidy CSV files of a run for notebooks and spreadsheets, with a data dictionary.
///
/// Every file has one row per observation and a `run_id` column, so exports of several runs
/// stack. `publish` applies disclosure control to every count and statistic.
public struct Exporter {
    public let store: SummaryStore
    public let publish: Bool

    public init(store: SummaryStore, publish: Bool) {
        self.store = store
        self.publish = publish
    }

    static let dictionary: [(file: String, column: String, meaning: String)] = [
        ("runs.csv", "id", "run id"),
        ("runs.csv", "as_of", "the as-of instant, ISO 8601 UTC"),
        ("runs.csv", "started_at / finished_at", "wall-clock UTC of the run"),
        ("runs.csv", "files / rows_read / letters / rows_rejected", "files read, data rows read, rows accepted, rows set aside"),
        ("summary.csv", "run_id, trust_code, letter_type", "one row per run × trust × letter type over the whole extract"),
        ("summary.csv", "letters / received / outstanding", "letters; received by the as-of time; not received"),
        ("summary.csv", "p50_hours … max_hours", "nearest-rank percentiles of delay from event to receipt, received letters only (within 1%)"),
        ("summary.csv", "km_p50_hours", "Kaplan–Meier median: outstanding letters counted as censored at their age; empty when not reached"),
        ("summary.csv", "due / within_limit / within_limit_pct", "letters with a contract limit received or past their deadline; those received within it; the share"),
        ("summary.csv", "within_3d_pct / within_4d_pct", "share of letters due by 3 (4) days that arrived within 3 (4) days"),
        ("summary.csv", "p50_vs_baseline", "median ÷ 84 hours, the midpoint of the 3–4 day historical baseline"),
        ("summary.csv", "oldest_outstanding_hours", "age at the as-of time of the oldest letter not yet received"),
        ("weekly.csv", "week", "ISO week of the event's Europe/London local date, such as 2024-W07"),
        ("weekly.csv", "(other columns)", "as in summary.csv, for the letters whose event fell in that week"),
        ("(all)", "published files", "counts of 1–7 shown as *, others rounded to the nearest 5; percentages from rounded counts; no statistic on 1–7 letters"),
    ]

    /// Writes runs.csv, summary.csv, weekly.csv and data-dictionary.csv into `directory`; returns their paths.
    @discardableResult
    public func export(run id: Int64?, to directory: String) throws -> [String] {
        let run = try store.run(id)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func write(_ name: String, _ text: String) throws -> String {
            let path = (directory as NSString).appendingPathComponent(name)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            return path
        }
        let runs = RunsRenderer(runs: try store.runs()).render(.csv)
        let summaryRenderer = ReportRenderer(run: run, rows: try store.summary(run: run.id), publish: publish)
        let f = summaryRenderer.formatter
        var summary = "run_id," + ReportRenderer.csvHeader + ",km_p50_hours,p50_vs_baseline,oldest_outstanding_hours\n"
        for r in summaryRenderer.rows {
            let extra = [f.hours(r.kmP50Hours, base: r.letters), f.ratio(r.p50VersusBaseline, base: r.received),
                         f.hours(r.oldestOutstandingHours, base: r.outstanding)]
            summary += "\(run.id)," + (summaryRenderer.fields(r) + extra).joined(separator: ",") + "\n"
        }
        let trend = TrendRenderer(rows: TrendBuilder.build(try store.weeklyCells(run: run.id), by: .week), period: .week, publish: publish)
        var weekly = "run_id," + trend.columns.joined(separator: ",") + "\n"
        for row in trend.rows { weekly += "\(run.id)," + trend.fields(row).joined(separator: ",") + "\n" }
        var dictionary = "file,column,meaning\n"
        for d in Self.dictionary { dictionary += [d.file, d.column, d.meaning].map(Self.quoted).joined(separator: ",") + "\n" }
        return [try write("runs.csv", runs), try write("summary.csv", summary), try write("weekly.csv", weekly),
                try write("data-dictionary.csv", dictionary)]
    }

    static func quoted(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
